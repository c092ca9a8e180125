package io.strata.storage.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.strata.storage.file.SegmentFiles;
import io.strata.storage.index.CorruptIndexException;
import io.strata.storage.index.OffsetPosition;
import io.strata.storage.index.TimestampOffset;
import io.strata.storage.log.SegmentTestSupport.ManualTime;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.strata.storage.log.SegmentTestSupport.append;
import static io.strata.storage.log.SegmentTestSupport.batch;
import static io.strata.storage.log.SegmentTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSegmentRecoveryTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long BASE = 200L;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);
    private final LogConfig config = config(300);
    private final List<LogSegment> opened = new ArrayList<>();

    @AfterEach
    void tearDown() {
        opened.forEach(LogSegment::closeHandlers);
    }

    private LogSegment open(boolean exists) {
        LogSegment segment = LogSegment.open(dir, BASE, config, time, exists);
        opened.add(segment);
        return segment;
    }

    /** A closed segment of {@code count} batches of 5 records; returns the size of each batch. */
    private List<Integer> writeClosedSegment(int count) {
        LogSegment segment = open(false);
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MemoryRecords records = batch(BASE + 5L * i, T0 + 10L * i, 5, 40);
            append(segment, records);
            sizes.add(records.sizeInBytes());
        }
        segment.close();
        return sizes;
    }

    private static List<OffsetPosition> offsetEntries(LogSegment segment) {
        List<OffsetPosition> entries = new ArrayList<>();
        for (int i = 0; i < segment.offsetIndex().entries(); i++) {
            entries.add(segment.offsetIndex().entry(i));
        }
        return entries;
    }

    private static List<TimestampOffset> timeEntries(LogSegment segment) {
        List<TimestampOffset> entries = new ArrayList<>();
        for (int i = 0; i < segment.timeIndex().entries(); i++) {
            entries.add(segment.timeIndex().entry(i));
        }
        return entries;
    }

    private Path logFile() {
        return SegmentFiles.logFile(dir, BASE);
    }

    @Test
    void shouldRebuildSameIndexesAndReportEachBatchWhenSegmentIsIntact() {
        // given
        writeClosedSegment(30);
        LogSegment reference = open(true);
        List<OffsetPosition> expectedOffsets = offsetEntries(reference);
        List<TimestampOffset> expectedTimes = timeEntries(reference);
        reference.closeHandlers();
        LogSegment segment = open(true);
        List<Long> seenBaseOffsets = new ArrayList<>();

        // when
        int truncated = segment.recover(batch -> seenBaseOffsets.add(batch.baseOffset()));

        // then
        assertEquals(0, truncated);
        assertEquals(30, seenBaseOffsets.size());
        assertEquals(BASE + 145, seenBaseOffsets.get(29));
        assertTrue(expectedOffsets.size() > 5);
        assertEquals(expectedOffsets, offsetEntries(segment));
        assertEquals(expectedTimes, timeEntries(segment));
        assertEquals(T0 + 294, segment.maxTimestampSoFar());
        assertEquals(BASE + 149, segment.offsetOfMaxTimestampSoFar());
        assertDoesNotThrow(() -> segment.sanityCheck(false));
    }

    @Test
    void shouldTruncateTornBatchWhenLogTailIsCutMidBatch() throws IOException {
        // given a crash that left half of the last batch
        List<Integer> sizes = writeClosedSegment(10);
        int intact = sizes.subList(0, 9).stream().mapToInt(Integer::intValue).sum();
        try (FileChannel channel = FileChannel.open(logFile(), StandardOpenOption.WRITE)) {
            channel.truncate(intact + sizes.get(9) / 2);
        }
        LogSegment segment = open(true);

        // when
        int truncated = segment.recover(batch -> { });

        // then
        assertEquals(sizes.get(9) / 2, truncated);
        assertEquals(intact, segment.size());
        assertEquals(intact, Files.size(logFile()));
        assertEquals(BASE + 45, segment.readNextOffset());
        assertTrue(segment.offsetIndex().lastOffset() < BASE + 45);
        assertEquals(new TimestampOffset(T0 + 84, BASE + 44), segment.timeIndex().lastEntry());
        segment.resizeIndexes(config.segmentIndexBytes());
        append(segment, batch(BASE + 45, T0 + 90, 5, 40));
        assertEquals(BASE + 50, segment.readNextOffset());
    }

    @Test
    void shouldTruncateToLastValidBatchWhenRandomBytesOverwriteTheTail() throws IOException {
        // given the last 120 bytes of the last batch overwritten (its header stays intact)
        List<Integer> sizes = writeClosedSegment(10);
        int intact = sizes.subList(0, 9).stream().mapToInt(Integer::intValue).sum();
        byte[] garbage = new byte[120];
        new Random(42).nextBytes(garbage);
        try (FileChannel channel = FileChannel.open(logFile(), StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(garbage), intact + sizes.get(9) - garbage.length);
        }
        LogSegment segment = open(true);
        Logger logger = (Logger) LoggerFactory.getLogger(LogSegment.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);

        // when
        int truncated;
        try {
            truncated = segment.recover(batch -> { });
        } finally {
            logger.detachAppender(appender);
        }

        // then
        assertEquals(sizes.get(9), truncated);
        assertEquals(intact, segment.size());
        assertEquals(BASE + 45, segment.readNextOffset());
        List<ILoggingEvent> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).getFormattedMessage().contains(logFile().getFileName().toString()));
        assertTrue(warnings.get(0).getFormattedMessage().contains("position " + intact));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void shouldNeverThrowWhenRandomGarbageFollowsTheLastBatch(long seed) throws IOException {
        // given random bytes of random length after the last valid batch
        List<Integer> sizes = writeClosedSegment(3);
        int intact = sizes.stream().mapToInt(Integer::intValue).sum();
        Random random = new Random(seed);
        byte[] garbage = new byte[1 + random.nextInt(700)];
        random.nextBytes(garbage);
        Files.write(logFile(), garbage, StandardOpenOption.APPEND);
        LogSegment segment = open(true);

        // when
        int truncated = segment.recover(batch -> { });

        // then
        assertEquals(garbage.length, truncated);
        assertEquals(intact, segment.size());
        assertEquals(BASE + 15, segment.readNextOffset());
    }

    @Test
    void shouldRebuildIndexesWhenIndexFilesWereDeleted() throws IOException {
        // given
        writeClosedSegment(20);
        LogSegment reference = open(true);
        List<OffsetPosition> expectedOffsets = offsetEntries(reference);
        reference.closeHandlers();
        Files.delete(SegmentFiles.offsetIndexFile(dir, BASE));
        Files.delete(SegmentFiles.timeIndexFile(dir, BASE));
        LogSegment segment = open(true);

        // when
        CorruptIndexException missing = assertThrows(CorruptIndexException.class, () -> segment.sanityCheck(false));
        int truncated = segment.recover(batch -> { });

        // then
        assertTrue(missing.getMessage().contains("missing"));
        assertEquals(0, truncated);
        assertEquals(expectedOffsets, offsetEntries(segment));
        assertEquals(BASE + 100, segment.readNextOffset());
        assertEquals(T0 + 194, segment.maxTimestampSoFar());
        assertEquals(BASE + 35, segment.read(BASE + 37, 1, Long.MAX_VALUE, true).firstBatchBaseOffset());
    }

    @Test
    void shouldFailSanityCheckWhenCallerSaysTimeIndexWasNewlyCreated() {
        // given a segment whose files all exist
        writeClosedSegment(2);
        LogSegment segment = open(true);

        // when / then
        assertDoesNotThrow(() -> segment.sanityCheck(false));
        assertThrows(CorruptIndexException.class, () -> segment.sanityCheck(true));
    }

    @Test
    void shouldFailSanityCheckWhenIndexesWereLeftPreallocatedByACrash() {
        // given a segment that was never closed (indexes not trimmed)
        LogSegment crashed = open(false);
        for (int i = 0; i < 20; i++) {
            append(crashed, batch(BASE + 5L * i, T0 + 10L * i, 5, 40));
        }
        List<OffsetPosition> expectedOffsets = offsetEntries(crashed);
        crashed.closeHandlers();
        LogSegment segment = open(true);

        // when
        assertThrows(CorruptIndexException.class, () -> segment.sanityCheck(false));
        segment.recover(batch -> { });

        // then
        assertEquals(expectedOffsets, offsetEntries(segment));
        assertDoesNotThrow(() -> segment.sanityCheck(false));
    }

    @Test
    void shouldFailSanityCheckWhenIndexPointsPastEndOfLog() throws IOException {
        // given a log file cut to its first batch behind the indexes' back
        List<Integer> sizes = writeClosedSegment(10);
        try (FileChannel channel = FileChannel.open(logFile(), StandardOpenOption.WRITE)) {
            channel.truncate(sizes.get(0));
        }
        LogSegment segment = open(true);

        // when
        assertThrows(CorruptIndexException.class, () -> segment.sanityCheck(false));
        segment.recover(batch -> { });

        // then
        assertEquals(0, segment.offsetIndex().entries());
        assertEquals(BASE + 5, segment.readNextOffset());
        assertDoesNotThrow(() -> segment.sanityCheck(false));
    }

    @Test
    void shouldTruncateWhenBatchOffsetsGoBackwards() throws IOException {
        // given a valid batch followed by one that repeats its offsets
        LogSegment segment = open(false);
        MemoryRecords first = batch(BASE, T0, 5, 40);
        append(segment, first);
        segment.log().append(batch(BASE + 2, T0, 5, 40));

        // when
        int truncated = segment.recover(batch -> { });

        // then
        assertEquals(first.sizeInBytes(), segment.size());
        assertTrue(truncated > 0);
        assertEquals(BASE + 5, segment.readNextOffset());
    }

    @Test
    void shouldTruncateWhenBatchHasOldMagic() throws IOException {
        // given a valid v2 batch followed by a (CRC-valid) magic v1 message set
        LogSegment segment = open(false);
        MemoryRecords first = batch(BASE, T0, 5, 40);
        append(segment, first);
        segment.log().append(MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, BASE + 5, Compression.NONE,
                TimestampType.CREATE_TIME, new SimpleRecord(T0, "v".getBytes(StandardCharsets.UTF_8))));
        List<Long> seen = new ArrayList<>();

        // when
        int truncated = segment.recover(batch -> seen.add(batch.baseOffset()));

        // then
        assertTrue(truncated > 0);
        assertEquals(List.of(BASE), seen);
        assertEquals(first.sizeInBytes(), segment.size());
    }

    @Test
    void shouldUseRecoveredFirstBatchTimestampWhenDecidingToRoll() {
        // given a recovered segment whose first batch has timestamp T0 + 4 (max of its records)
        LogConfig shortLived = config(1_000_000, 1000, 300, 10 * 1024 * 1024);
        LogSegment created = LogSegment.open(dir, BASE, shortLived, time, false);
        opened.add(created);
        append(created, batch(BASE, T0, 5, 40));
        created.close();
        LogSegment segment = LogSegment.open(dir, BASE, shortLived, time, true);
        opened.add(segment);
        segment.recover(batch -> { });
        segment.resizeIndexes(shortLived.segmentIndexBytes());

        // when
        boolean beforeLimit = segment.shouldRoll(100, T0 + 1004, BASE + 6, T0);
        boolean afterLimit = segment.shouldRoll(100, T0 + 1005, BASE + 6, T0);

        // then
        assertFalse(beforeLimit);
        assertTrue(afterLimit);
    }
}
