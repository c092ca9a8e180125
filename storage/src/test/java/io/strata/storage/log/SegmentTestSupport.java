package io.strata.storage.log;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/** Test fixtures for segment tests: a hand-driven clock, configs and record batches. */
final class SegmentTestSupport {

    private SegmentTestSupport() {
    }

    /** A {@link Time} that only moves when told to. Not thread-safe. */
    static final class ManualTime implements Time {
        private long nowMs;

        ManualTime(long nowMs) {
            this.nowMs = nowMs;
        }

        void advance(long ms) {
            nowMs += ms;
        }

        @Override
        public long milliseconds() {
            return nowMs;
        }

        @Override
        public long nanoseconds() {
            return nowMs * 1_000_000L;
        }

        @Override
        public void sleep(long ms) {
            nowMs += ms;
        }

        @Override
        public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
            if (!condition.get()) {
                nowMs = Math.max(nowMs, deadlineMs);
                throw new TimeoutException("Condition not met by " + deadlineMs);
            }
        }
    }

    static LogConfig config(int segmentBytes, long segmentMs, int indexIntervalBytes, int segmentIndexBytes) {
        LogConfig d = LogConfig.defaults();
        return new LogConfig(segmentBytes, segmentMs, d.retentionMs(), d.retentionBytes(), d.maxMessageBytes(),
                d.timestampType(), d.timestampBeforeMaxMs(), d.timestampAfterMaxMs(), indexIntervalBytes,
                segmentIndexBytes, d.fileDeleteDelayMs(), d.flushMessages(), d.flushMs());
    }

    /** 1 MiB segments, 7 days, index entry every {@code indexIntervalBytes}, 10 MiB indexes. */
    static LogConfig config(int indexIntervalBytes) {
        return config(1024 * 1024, 7L * 24 * 3600 * 1000, indexIntervalBytes, 10 * 1024 * 1024);
    }

    /**
     * A magic v2, uncompressed CreateTime batch with offsets {@code baseOffset ..} and timestamps
     * {@code firstTimestamp, firstTimestamp + 1, ..} (all NO_TIMESTAMP if firstTimestamp is -1).
     */
    static MemoryRecords batch(long baseOffset, long firstTimestamp, int recordCount, int valueSize) {
        SimpleRecord[] records = new SimpleRecord[recordCount];
        for (int i = 0; i < recordCount; i++) {
            byte[] value = new byte[valueSize];
            Arrays.fill(value, (byte) ('a' + (baseOffset + i) % 26));
            long timestamp = firstTimestamp == RecordBatch.NO_TIMESTAMP ? RecordBatch.NO_TIMESTAMP : firstTimestamp + i;
            records[i] = new SimpleRecord(timestamp, ("k" + (baseOffset + i)).getBytes(StandardCharsets.UTF_8), value);
        }
        return MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, baseOffset, Compression.NONE,
                TimestampType.CREATE_TIME, records);
    }

    /** Appends records the way the log layer does, with the arguments computed from the batches. */
    static void append(LogSegment segment, MemoryRecords records) {
        long largestOffset = -1;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        long offsetOfMaxTimestamp = -1;
        for (RecordBatch batch : records.batches()) {
            largestOffset = batch.lastOffset();
            if (batch.maxTimestamp() > maxTimestamp) {
                maxTimestamp = batch.maxTimestamp();
                offsetOfMaxTimestamp = batch.lastOffset();
            }
        }
        segment.append(largestOffset, maxTimestamp, offsetOfMaxTimestamp, records);
    }
}
