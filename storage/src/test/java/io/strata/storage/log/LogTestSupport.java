package io.strata.storage.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Fixtures for partition log tests: configs, client-style produce batches and read-back helpers. */
final class LogTestSupport {

    static final long START_MS = 1_700_000_000_000L;

    private LogTestSupport() {
    }

    /** Small indexes, an index entry every 64 bytes, no retention, no delete delay; the given segment size. */
    static LogConfig config(int segmentBytes) {
        return config(segmentBytes, LogConfig.defaults().segmentMs(), -1L, -1L, 0L);
    }

    static LogConfig config(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes,
                            long fileDeleteDelayMs) {
        LogConfig d = LogConfig.defaults();
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, d.maxMessageBytes(),
                TimestampType.CREATE_TIME, d.timestampBeforeMaxMs(), d.timestampAfterMaxMs(), 64, 4096,
                fileDeleteDelayMs, d.flushMessages(), d.flushMs());
    }

    static LogConfig withFlushMessages(LogConfig c, long flushMessages) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(), c.maxMessageBytes(),
                c.timestampType(), c.timestampBeforeMaxMs(), c.timestampAfterMaxMs(), c.indexIntervalBytes(),
                c.segmentIndexBytes(), c.fileDeleteDelayMs(), flushMessages, c.flushMs());
    }

    /** A client batch (base offset 0, CreateTime) of records with these timestamps and values "v<timestamp>-<i>". */
    static MemoryRecords records(long... timestamps) {
        SimpleRecord[] records = new SimpleRecord[timestamps.length];
        for (int i = 0; i < timestamps.length; i++) {
            records[i] = new SimpleRecord(timestamps[i], ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("v" + timestamps[i] + "-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    /** {@code count} records all stamped {@code timestamp}. */
    static MemoryRecords records(long timestamp, int count) {
        long[] timestamps = new long[count];
        java.util.Arrays.fill(timestamps, timestamp);
        return records(timestamps);
    }

    /** An idempotent producer's batch of {@code count} records from {@code baseSequence}. */
    static MemoryRecords idempotentRecords(long producerId, short epoch, int baseSequence, long timestamp, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(timestamp, ("p" + producerId + "-" + (baseSequence + i))
                    .getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence, records);
    }

    /** Offsets of every record in {@code records}, in order. */
    static List<Long> offsets(Records records) {
        List<Long> offsets = new ArrayList<>();
        for (RecordBatch batch : records.batches()) {
            for (Record record : batch) {
                offsets.add(record.offset());
            }
        }
        return offsets;
    }

    /** Reads the whole log from {@code from} to its end, one read per segment, and returns every record offset. */
    static List<Long> readAll(PartitionLog log, long from) {
        List<Long> offsets = new ArrayList<>();
        long next = from;
        while (next < log.logEndOffset()) {
            FetchDataInfo info = log.read(next, 1024 * 1024, true);
            List<Long> read = offsets(info.records());
            assertEquals(false, read.isEmpty(), "no progress reading at offset " + next);
            for (long offset : read) {
                if (offset >= next) {
                    offsets.add(offset);
                }
            }
            next = read.get(read.size() - 1) + 1;
        }
        return offsets;
    }

    static List<Long> range(long fromInclusive, long toExclusive) {
        List<Long> offsets = new ArrayList<>();
        for (long offset = fromInclusive; offset < toExclusive; offset++) {
            offsets.add(offset);
        }
        return offsets;
    }
}
