package io.strata.storage.log;

import org.apache.kafka.common.record.TimestampType;

/**
 * Per-partition log settings, resolved from topic overrides and broker defaults (Kafka names in
 * comments). Immutable; a config change replaces the whole record via
 * {@link PartitionLog#updateConfig(LogConfig)}.
 *
 * @param segmentBytes         segment.bytes: roll when the active segment would exceed this size
 * @param segmentMs            segment.ms: roll when the active segment's first batch is this old
 * @param retentionMs          retention.ms: delete segments whose newest record is older; -1 = forever
 * @param retentionBytes       retention.bytes: delete oldest segments while the log is larger; -1 = no limit
 * @param maxMessageBytes      max.message.bytes: largest record batch accepted
 * @param timestampType        message.timestamp.type: CreateTime or LogAppendTime
 * @param timestampBeforeMaxMs message.timestamp.before.max.ms: how far in the past a CreateTime may be
 * @param timestampAfterMaxMs  message.timestamp.after.max.ms: how far in the future a CreateTime may be
 * @param indexIntervalBytes   index.interval.bytes: bytes between sparse index entries
 * @param segmentIndexBytes    segment.index.bytes: preallocated size of the offset and time indexes
 * @param fileDeleteDelayMs    file.delete.delay.ms: how long a deleted segment's files stay readable
 * @param flushMessages        flush.messages: fsync after this many messages (Long.MAX_VALUE = page cache)
 * @param flushMs              flush.ms: fsync when the last flush is this old (Long.MAX_VALUE = page cache)
 * @param remoteStorageEnable  remote.storage.enable: sealed segments are uploaded to the remote tier, and
 *                             local copies are deleted only once uploaded (by local retention)
 * @param localRetentionMs     local.retention.ms: how long an uploaded segment stays on local disk; -2 =
 *                             retention.ms
 * @param localRetentionBytes  local.retention.bytes: local bytes kept of uploaded segments; -2 = retention.bytes
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        long retentionMs,
        long retentionBytes,
        int maxMessageBytes,
        TimestampType timestampType,
        long timestampBeforeMaxMs,
        long timestampAfterMaxMs,
        int indexIntervalBytes,
        int segmentIndexBytes,
        long fileDeleteDelayMs,
        long flushMessages,
        long flushMs,
        boolean remoteStorageEnable,
        long localRetentionMs,
        long localRetentionBytes) {

    /** local.retention.ms / local.retention.bytes: follow the total retention. */
    public static final long FOLLOW_RETENTION = -2L;

    /** A log without a remote tier. */
    public LogConfig(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes, int maxMessageBytes,
                     TimestampType timestampType, long timestampBeforeMaxMs, long timestampAfterMaxMs,
                     int indexIntervalBytes, int segmentIndexBytes, long fileDeleteDelayMs, long flushMessages,
                     long flushMs) {
        this(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes, timestampType,
                timestampBeforeMaxMs, timestampAfterMaxMs, indexIntervalBytes, segmentIndexBytes, fileDeleteDelayMs,
                flushMessages, flushMs, false, FOLLOW_RETENTION, FOLLOW_RETENTION);
    }

    /** Apache Kafka 4.x defaults. */
    public static LogConfig defaults() {
        return new LogConfig(
                1024 * 1024 * 1024,
                7L * 24 * 60 * 60 * 1000,
                7L * 24 * 60 * 60 * 1000,
                -1L,
                1024 * 1024 + 12,
                TimestampType.CREATE_TIME,
                Long.MAX_VALUE,
                60L * 60 * 1000,
                4096,
                10 * 1024 * 1024,
                60_000L,
                Long.MAX_VALUE,
                Long.MAX_VALUE);
    }

    public LogConfig withSegmentBytes(int value) {
        return new LogConfig(value, segmentMs, retentionMs, retentionBytes, maxMessageBytes, timestampType,
                timestampBeforeMaxMs, timestampAfterMaxMs, indexIntervalBytes, segmentIndexBytes,
                fileDeleteDelayMs, flushMessages, flushMs, remoteStorageEnable, localRetentionMs, localRetentionBytes);
    }

    public LogConfig withRetention(long newRetentionMs, long newRetentionBytes) {
        return new LogConfig(segmentBytes, segmentMs, newRetentionMs, newRetentionBytes, maxMessageBytes,
                timestampType, timestampBeforeMaxMs, timestampAfterMaxMs, indexIntervalBytes,
                segmentIndexBytes, fileDeleteDelayMs, flushMessages, flushMs, remoteStorageEnable, localRetentionMs,
                localRetentionBytes);
    }

    public LogConfig withRemoteStorage(boolean enable, long newLocalRetentionMs, long newLocalRetentionBytes) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, maxMessageBytes,
                timestampType, timestampBeforeMaxMs, timestampAfterMaxMs, indexIntervalBytes,
                segmentIndexBytes, fileDeleteDelayMs, flushMessages, flushMs, enable, newLocalRetentionMs,
                newLocalRetentionBytes);
    }

    /** How long uploaded segments stay local: local.retention.ms, or retention.ms for -2. */
    public long effectiveLocalRetentionMs() {
        return localRetentionMs == FOLLOW_RETENTION ? retentionMs : localRetentionMs;
    }

    /** Local bytes kept of uploaded segments: local.retention.bytes, or retention.bytes for -2. */
    public long effectiveLocalRetentionBytes() {
        return localRetentionBytes == FOLLOW_RETENTION ? retentionBytes : localRetentionBytes;
    }
}
