package io.strata.storage.log;

import io.strata.storage.log.SegmentTestSupport.ManualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static io.strata.storage.log.SegmentTestSupport.append;
import static io.strata.storage.log.SegmentTestSupport.batch;
import static io.strata.storage.log.SegmentTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads a sealed segment's files as raw bytes and checks them against Apache Kafka's on-disk formats
 * and against the consistency rules of Kafka's {@code DumpLogSegments --verify-index-only}: each
 * offset index entry names the last offset of the batch stored at its position, and each time index
 * entry names the last offset of a batch whose max timestamp is the entry's timestamp.
 */
class LogSegmentKafkaFormatTest {

    private static final long BASE = 1234L;
    private static final long T0 = 1_700_000_000_000L;

    // Record batch v2 header layout (Kafka's DefaultRecordBatch).
    private static final int LENGTH_OFFSET = 8;
    private static final int MAGIC_OFFSET = 16;
    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;
    private static final int LAST_OFFSET_DELTA_OFFSET = 23;
    private static final int MAX_TIMESTAMP_OFFSET = 35;
    private static final int LOG_OVERHEAD = 12;

    @TempDir
    Path dir;

    /** A parsed batch header: where it is and what it holds. */
    private record RawBatch(int position, long baseOffset, long lastOffset, long maxTimestamp) {
    }

    @Test
    void shouldWriteFilesThatKafkaToolsCanVerifyWhenSegmentIsSealed() throws Exception {
        // given a sealed segment with timestamps that are not monotonic across batches
        LogSegment segment = LogSegment.open(dir, BASE, config(250), new ManualTime(T0), false);
        long[] firstTimestamps = {T0, T0 + 500, T0 + 100, T0 + 900, T0 + 900, T0 + 50, T0 + 2000, T0 + 1500};
        long offset = BASE;
        for (int round = 0; round < 5; round++) {
            for (long firstTimestamp : firstTimestamps) {
                append(segment, batch(offset, firstTimestamp + round, 3, 50));
                offset += 3;
            }
        }
        segment.onBecomeInactiveSegment();
        segment.close();

        // when
        List<Path> files;
        try (var listing = Files.list(dir)) {
            files = listing.sorted().toList();
        }
        ByteBuffer log = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("00000000000000001234.log")));
        ByteBuffer index = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("00000000000000001234.index")));
        ByteBuffer timeIndex = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("00000000000000001234.timeindex")));

        // then: the three files, named after the base offset
        assertEquals(List.of(dir.resolve("00000000000000001234.index"), dir.resolve("00000000000000001234.log"),
                dir.resolve("00000000000000001234.timeindex")), files);

        // then: the log is a sequence of CRC-32C-valid magic v2 batches with contiguous offsets
        Map<Long, RawBatch> batchesByLastOffset = new HashMap<>();
        Map<Integer, RawBatch> batchesByPosition = new HashMap<>();
        long expectedBaseOffset = BASE;
        long maxTimestamp = -1;
        int position = 0;
        while (position < log.limit()) {
            int length = log.getInt(position + LENGTH_OFFSET);
            assertEquals(2, log.get(position + MAGIC_OFFSET));
            CRC32C crc = new CRC32C();
            crc.update(log.array(), position + ATTRIBUTES_OFFSET, length + LOG_OVERHEAD - ATTRIBUTES_OFFSET);
            assertEquals((int) crc.getValue(), log.getInt(position + CRC_OFFSET));
            long baseOffset = log.getLong(position);
            assertEquals(expectedBaseOffset, baseOffset);
            RawBatch raw = new RawBatch(position, baseOffset, baseOffset + log.getInt(position + LAST_OFFSET_DELTA_OFFSET),
                    log.getLong(position + MAX_TIMESTAMP_OFFSET));
            batchesByLastOffset.put(raw.lastOffset(), raw);
            batchesByPosition.put(position, raw);
            maxTimestamp = Math.max(maxTimestamp, raw.maxTimestamp());
            expectedBaseOffset = raw.lastOffset() + 1;
            position += length + LOG_OVERHEAD;
        }
        assertEquals(log.limit(), position);
        assertEquals(BASE + 120, expectedBaseOffset);

        // then: .index = 8-byte entries (relative offset, position), each at a batch whose last offset matches
        assertEquals(0, index.limit() % 8);
        assertTrue(index.limit() / 8 >= 10);
        long previousOffset = -1;
        while (index.hasRemaining()) {
            long entryOffset = BASE + index.getInt();
            int entryPosition = index.getInt();
            RawBatch atPosition = batchesByPosition.get(entryPosition);
            assertEquals(entryOffset, atPosition.lastOffset(), "index entry must name the batch's last offset");
            assertTrue(entryOffset > previousOffset);
            previousOffset = entryOffset;
        }

        // then: .timeindex = 12-byte entries (timestamp, relative offset), increasing, each naming a batch's
        // last offset with that batch's max timestamp; the last entry holds the segment's largest timestamp
        assertEquals(0, timeIndex.limit() % 12);
        long previousTimestamp = -1;
        long lastTimestamp = -1;
        while (timeIndex.hasRemaining()) {
            long entryTimestamp = timeIndex.getLong();
            long entryOffset = BASE + timeIndex.getInt();
            RawBatch named = batchesByLastOffset.get(entryOffset);
            assertEquals(entryTimestamp, named.maxTimestamp(), "time index entry must match its batch");
            assertTrue(entryTimestamp > previousTimestamp);
            previousTimestamp = entryTimestamp;
            lastTimestamp = entryTimestamp;
        }
        assertEquals(maxTimestamp, lastTimestamp);
    }
}
