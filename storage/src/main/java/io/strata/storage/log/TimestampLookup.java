package io.strata.storage.log;

import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * ListOffsets lookups of one partition log's local segments, with Kafka's answers
 * ({@code UnifiedLog.fetchOffsetByTimestamp}): earliest gives the log start offset, earliest-local
 * the local log start offset, latest the log end offset, latest-tiered the highest offset in remote
 * storage and earliest-pending-upload the one after it (both -1 with epoch -1 for a log without a
 * remote tier), max-timestamp the first record carrying the largest timestamp (local segments), and a
 * timestamp the first local record at or after it (searching from the first segment whose largest
 * timestamp reaches it). Remote segments are searched by the caller, before this.
 *
 * <p>This class is stateless and thread-safe; it reads segments without locking.
 */
final class TimestampLookup {

    private TimestampLookup() {
    }

    /** The log's start offsets and remote-tier position at the time of the lookup. */
    record Offsets(long logStartOffset, long localLogStartOffset, long highestOffsetInRemoteStorage,
                   boolean remoteStorageEnable) {
    }

    static Optional<TimestampAndOffset> lookup(long timestampOrSpecial, LogSegments segments,
                                               LeaderEpochCache leaderEpochCache, Offsets offsets,
                                               LogOffsetMetadata end) {
        long logStartOffset = offsets.logStartOffset();
        if (timestampOrSpecial == PartitionLog.EARLIEST_TIMESTAMP
                || timestampOrSpecial == PartitionLog.EARLIEST_LOCAL_TIMESTAMP) {
            long offset = timestampOrSpecial == PartitionLog.EARLIEST_TIMESTAMP
                    ? logStartOffset : offsets.localLogStartOffset();
            return Optional.of(new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, offset,
                    epochAt(leaderEpochCache, offset)));
        }
        if (timestampOrSpecial == PartitionLog.LATEST_TIMESTAMP) {
            OptionalInt epoch = leaderEpochCache.latestEpoch();
            return Optional.of(new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, end.messageOffset(),
                    epoch.isPresent() ? Optional.of(epoch.getAsInt()) : Optional.empty()));
        }
        if (timestampOrSpecial == PartitionLog.LATEST_TIERED_TIMESTAMP) {
            long highest = offsets.highestOffsetInRemoteStorage();
            return Optional.of(new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, highest, highest < 0
                    ? Optional.of(RecordBatch.NO_PARTITION_LEADER_EPOCH) : epochAt(leaderEpochCache, highest)));
        }
        if (timestampOrSpecial == PartitionLog.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
            if (!offsets.remoteStorageEnable()) {
                return Optional.of(new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, -1L,
                        Optional.of(RecordBatch.NO_PARTITION_LEADER_EPOCH)));
            }
            long pending = Math.max(offsets.highestOffsetInRemoteStorage() + 1, logStartOffset);
            return Optional.of(new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, pending,
                    epochAt(leaderEpochCache, pending)));
        }
        if (timestampOrSpecial == PartitionLog.MAX_TIMESTAMP) {
            return maxTimestamp(segments, end);
        }
        for (LogSegment segment : segments.values()) {
            if (segment.largestTimestamp() >= timestampOrSpecial) {
                return segment.findOffsetByTimestamp(timestampOrSpecial, logStartOffset);
            }
        }
        return Optional.empty();
    }

    /** The epoch of {@code offset} when the cache covers it (Kafka answers empty otherwise). */
    private static Optional<Integer> epochAt(LeaderEpochCache leaderEpochCache, long offset) {
        Optional<Integer> covered = leaderEpochCache.earliestEntry()
                .filter(entry -> entry.startOffset() <= offset)
                .map(entry -> entry.epoch());
        if (covered.isEmpty()) {
            return covered;
        }
        OptionalInt epoch = leaderEpochCache.epochForOffset(offset);
        return epoch.isPresent() ? Optional.of(epoch.getAsInt()) : Optional.empty();
    }

    /**
     * The first record carrying the largest timestamp: the segment with the largest timestamp (the
     * earliest on ties), then the first batch there whose max timestamp it is, then its first record
     * with that timestamp.
     */
    private static Optional<TimestampAndOffset> maxTimestamp(LogSegments segments, LogOffsetMetadata end) {
        LogSegment latest = null;
        for (LogSegment segment : segments.values()) {
            if (latest == null || segment.maxTimestampSoFar() > latest.maxTimestampSoFar()) {
                latest = segment;
            }
        }
        if (latest == null || latest.maxTimestampSoFar() == RecordBatch.NO_TIMESTAMP) {
            return Optional.empty();
        }
        long maxTimestamp = latest.maxTimestampSoFar();
        long maxPosition = PartitionLog.maxPosition(latest, end);
        SegmentRead read = maxPosition < 0 ? null
                : latest.read(latest.offsetOfMaxTimestampSoFar(), Integer.MAX_VALUE, maxPosition, true);
        if (read == null) {
            return Optional.empty();
        }
        for (RecordBatch batch : read.records().batches()) {
            if (batch.maxTimestamp() == maxTimestamp) {
                Optional<Integer> epoch = batch.partitionLeaderEpoch() >= 0
                        ? Optional.of(batch.partitionLeaderEpoch()) : Optional.empty();
                return batch.offsetOfMaxTimestamp().map(offset -> new TimestampAndOffset(maxTimestamp, offset, epoch));
            }
        }
        return Optional.empty();
    }
}
