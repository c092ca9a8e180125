package io.strata.storage.log;

import io.strata.storage.file.SegmentFiles;
import io.strata.storage.index.IndexOffsetOverflowException;
import io.strata.storage.index.OffsetPosition;
import io.strata.storage.index.TimestampOffset;
import io.strata.storage.log.SegmentTestSupport.ManualTime;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.strata.storage.log.SegmentTestSupport.append;
import static io.strata.storage.log.SegmentTestSupport.batch;
import static io.strata.storage.log.SegmentTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogSegmentTest {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(T0);
    private final List<LogSegment> opened = new ArrayList<>();

    @AfterEach
    void tearDown() {
        opened.forEach(LogSegment::closeHandlers);
    }

    private LogSegment open(long baseOffset, LogConfig config, boolean exists) {
        LogSegment segment = LogSegment.open(dir, baseOffset, config, time, exists);
        opened.add(segment);
        return segment;
    }

    /** Appends {@code count} batches of 5 records (offsets base+5i..), batch i with timestamps T0+10i... */
    private List<MemoryRecords> appendBatches(LogSegment segment, long firstOffset, int count, int valueSize) {
        List<MemoryRecords> batches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long base = firstOffset + 5L * i;
            MemoryRecords records = batch(base, T0 + 10 * (base / 5), 5, valueSize);
            append(segment, records);
            batches.add(records);
        }
        return batches;
    }

    private static List<Long> recordOffsets(FileRecords records) {
        List<Long> offsets = new ArrayList<>();
        for (Record record : records.records()) {
            offsets.add(record.offset());
        }
        return offsets;
    }

    @Test
    void shouldReadBackRecordsWhenAppended() {
        // given
        LogSegment segment = open(100, config(4096), false);
        List<MemoryRecords> batches = appendBatches(segment, 100, 3, 20);

        // when
        SegmentRead read = segment.read(100, Integer.MAX_VALUE, Long.MAX_VALUE, false);

        // then
        int totalSize = batches.stream().mapToInt(MemoryRecords::sizeInBytes).sum();
        assertEquals(totalSize, segment.size());
        assertEquals(100, read.firstBatchBaseOffset());
        assertEquals(0, read.startPosition());
        assertEquals(totalSize, read.records().sizeInBytes());
        assertFalse(read.firstEntryIncomplete());
        List<RecordBatch> readBatches = new ArrayList<>();
        read.records().batches().forEach(readBatches::add);
        assertEquals(3, readBatches.size());
        for (int i = 0; i < 3; i++) {
            RecordBatch expected = batches.get(i).batches().iterator().next();
            assertEquals(expected.baseOffset(), readBatches.get(i).baseOffset());
            assertEquals(expected.checksum(), readBatches.get(i).checksum());
        }
        assertEquals(115, segment.readNextOffset());
        assertEquals(T0 + 10 * 22 + 4, segment.maxTimestampSoFar());
        assertEquals(114, segment.offsetOfMaxTimestampSoFar());
    }

    @Test
    void shouldAddIndexEntryPerBatchWhenIndexIntervalIsExceeded() {
        // given
        int interval = 1000;
        LogSegment segment = open(0, config(interval), false);

        // when
        List<MemoryRecords> batches = appendBatches(segment, 0, 20, 60);

        // then: Kafka's rule, batch by batch
        List<OffsetPosition> expected = new ArrayList<>();
        int bytesSinceLastEntry = 0;
        int position = 0;
        for (MemoryRecords records : batches) {
            if (bytesSinceLastEntry > interval) {
                expected.add(new OffsetPosition(records.batches().iterator().next().lastOffset(), position));
                bytesSinceLastEntry = 0;
            }
            position += records.sizeInBytes();
            bytesSinceLastEntry += records.sizeInBytes();
        }
        assertTrue(expected.size() >= 3);
        assertEquals(expected.size(), segment.offsetIndex().entries());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), segment.offsetIndex().entry(i));
            TimestampOffset timeEntry = segment.timeIndex().entry(i);
            assertEquals(expected.get(i).offset(), timeEntry.offset());
            assertEquals(T0 + 2 * expected.get(i).offset() - 4, timeEntry.timestamp());
        }
    }

    @Test
    void shouldIndexAllBatchesOfOneAppendWhenRecordsHoldSeveralBatches() {
        // given three batches in one MemoryRecords, index entry after every batch
        LogSegment segment = open(0, config(1), false);
        MemoryRecords first = batch(0, T0, 3, 10);
        MemoryRecords second = batch(3, T0 + 50, 3, 10);
        MemoryRecords third = batch(6, T0 + 20, 3, 10);
        ByteBuffer buffer = ByteBuffer.allocate(
                first.sizeInBytes() + second.sizeInBytes() + third.sizeInBytes());
        buffer.put(first.buffer()).put(second.buffer()).put(third.buffer()).flip();

        // when
        append(segment, MemoryRecords.readableRecords(buffer));

        // then
        assertEquals(2, segment.offsetIndex().entries());
        assertEquals(new OffsetPosition(5, first.sizeInBytes()), segment.offsetIndex().entry(0));
        assertEquals(new OffsetPosition(8, first.sizeInBytes() + second.sizeInBytes()), segment.offsetIndex().entry(1));
        assertEquals(new TimestampOffset(T0 + 52, 5), segment.timeIndex().lastEntry());
        assertEquals(T0 + 52, segment.maxTimestampSoFar());
        assertEquals(5, segment.offsetOfMaxTimestampSoFar());
    }

    @Test
    void shouldStartAtBatchHoldingOffsetWhenReadingFromMiddleOfBatch() {
        // given batches 0-4, 5-9, 10-14 with index entries
        LogSegment segment = open(0, config(1), false);
        List<MemoryRecords> batches = appendBatches(segment, 0, 3, 20);

        // when
        SegmentRead read = segment.read(7, Integer.MAX_VALUE, Long.MAX_VALUE, false);

        // then
        assertEquals(5, read.firstBatchBaseOffset());
        assertEquals(batches.get(0).sizeInBytes(), read.startPosition());
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L), recordOffsets(read.records()));
    }

    @Test
    void shouldReturnWholeFirstBatchWhenMinOneMessageAndBatchIsLargerThanMaxSize() {
        // given a batch of about 5 KB
        LogSegment segment = open(0, config(4096), false);
        MemoryRecords big = batch(0, T0, 5, 1000);
        append(segment, big);
        append(segment, batch(5, T0, 1, 10));

        // when
        SegmentRead withMinOne = segment.read(0, 100, Long.MAX_VALUE, true);
        SegmentRead withoutMinOne = segment.read(0, 100, Long.MAX_VALUE, false);

        // then
        assertEquals(big.sizeInBytes(), withMinOne.records().sizeInBytes());
        assertFalse(withMinOne.firstEntryIncomplete());
        assertEquals(100, withoutMinOne.records().sizeInBytes());
        assertTrue(withoutMinOne.firstEntryIncomplete());
    }

    @Test
    void shouldStopAtMaxPositionWhenReading() {
        // given
        LogSegment segment = open(0, config(4096), false);
        List<MemoryRecords> batches = appendBatches(segment, 0, 3, 20);
        int endOfSecond = batches.get(0).sizeInBytes() + batches.get(1).sizeInBytes();

        // when
        SegmentRead bounded = segment.read(0, Integer.MAX_VALUE, endOfSecond, true);
        SegmentRead atBound = segment.read(10, Integer.MAX_VALUE, endOfSecond, true);

        // then
        assertEquals(endOfSecond, bounded.records().sizeInBytes());
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), recordOffsets(bounded.records()));
        assertEquals(endOfSecond, atBound.startPosition());
        assertEquals(0, atBound.records().sizeInBytes());
    }

    @Test
    void shouldReturnNullWhenOffsetIsBeyondLastBatch() {
        // given
        LogSegment segment = open(0, config(4096), false);
        LogSegment empty = open(1000, config(4096), false);
        appendBatches(segment, 0, 2, 20);

        // when
        SegmentRead beyond = segment.read(10, 1000, Long.MAX_VALUE, true);
        SegmentRead fromEmpty = empty.read(1000, 1000, Long.MAX_VALUE, true);

        // then
        assertNull(beyond);
        assertNull(fromEmpty);
        assertEquals(1000, empty.readNextOffset());
        assertThrows(IllegalArgumentException.class, () -> segment.read(0, -1, Long.MAX_VALUE, true));
    }

    @Test
    void shouldRemoveBatchesFromOffsetWhenTruncating() {
        // given 10 batches of 5 records, an index entry per batch
        LogSegment segment = open(0, config(1), false);
        List<MemoryRecords> batches = appendBatches(segment, 0, 10, 20);
        int keptBytes = batches.subList(0, 4).stream().mapToInt(MemoryRecords::sizeInBytes).sum();

        // when offset 23 is inside batch 20-24, which goes whole
        int truncated = segment.truncateTo(23);

        // then
        assertEquals(segment.size() + truncated, batches.stream().mapToInt(MemoryRecords::sizeInBytes).sum());
        assertEquals(keptBytes, segment.size());
        assertEquals(20, segment.readNextOffset());
        assertEquals(19, segment.offsetIndex().lastOffset());
        assertEquals(19, segment.timeIndex().lastEntry().offset());
        assertEquals(T0 + 10 * 3 + 4, segment.maxTimestampSoFar());
        assertEquals(19, segment.offsetOfMaxTimestampSoFar());
        assertFalse(segment.offsetIndex().isFull());
        appendBatches(segment, 20, 1, 20);
        assertEquals(25, segment.readNextOffset());
    }

    @Test
    void shouldResetRollTimerWhenTruncatedToEmpty() {
        // given a segment whose first batch is old
        LogSegment segment = open(0, config(1_000_000, 1000, 4096, 10 * 1024), false);
        append(segment, batch(0, T0 - 10_000, 1, 10));
        assertTrue(segment.shouldRoll(10, T0, 1, T0));

        // when
        int truncated = segment.truncateTo(0);

        // then
        assertTrue(truncated > 0);
        assertEquals(0, segment.size());
        assertEquals(RecordBatch.NO_TIMESTAMP, segment.maxTimestampSoFar());
        append(segment, batch(0, T0, 1, 10));
        assertFalse(segment.shouldRoll(10, T0 + 500, 1, T0 + 500));
    }

    @Test
    void shouldFindFirstRecordAtOrAfterTimestampWhenSearching() {
        // given batch i (offsets 5i..5i+4) with timestamps T0+10i .. T0+10i+4
        LogSegment segment = open(0, config(100), false);
        appendBatches(segment, 0, 20, 20);

        // when
        Optional<FileRecords.TimestampAndOffset> exact = segment.findOffsetByTimestamp(T0 + 10 * 13 + 2, 0);
        Optional<FileRecords.TimestampAndOffset> between = segment.findOffsetByTimestamp(T0 + 10 * 13 + 7, 0);
        Optional<FileRecords.TimestampAndOffset> fromStart = segment.findOffsetByTimestamp(T0, 42);
        Optional<FileRecords.TimestampAndOffset> tooLate = segment.findOffsetByTimestamp(T0 + 10_000, 0);

        // then
        assertEquals(67, exact.orElseThrow().offset);
        assertEquals(T0 + 132, exact.orElseThrow().timestamp);
        assertEquals(70, between.orElseThrow().offset);
        assertEquals(42, fromStart.orElseThrow().offset);
        assertTrue(tooLate.isEmpty());
    }

    @Test
    void shouldRollWhenSizeWouldExceedSegmentBytes() {
        // given a segment that fits two batches
        MemoryRecords sample = batch(0, T0, 5, 20);
        int segmentBytes = 2 * sample.sizeInBytes() + 10;
        LogSegment segment = open(0, config(segmentBytes, Long.MAX_VALUE, 4096, 10 * 1024), false);
        LogSegment empty = open(1000, config(segmentBytes, Long.MAX_VALUE, 4096, 10 * 1024), false);
        append(segment, sample);

        // when
        boolean afterOne = segment.shouldRoll(sample.sizeInBytes(), T0, 9, T0);
        append(segment, batch(5, T0, 5, 20));
        boolean afterTwo = segment.shouldRoll(sample.sizeInBytes(), T0, 14, T0);
        boolean emptyWithHugeBatch = empty.shouldRoll(segmentBytes * 2, T0, 1000, T0);

        // then
        assertFalse(afterOne);
        assertTrue(afterTwo);
        assertFalse(emptyWithHugeBatch);
    }

    @Test
    void shouldRollWhenFirstBatchIsOlderThanSegmentMs() {
        // given segment.ms = 1000 and a first batch with max timestamp T0
        LogSegment segment = open(0, config(1_000_000, 1000, 4096, 10 * 1024), false);
        LogSegment empty = open(1000, config(1_000_000, 1000, 4096, 10 * 1024), false);
        append(segment, batch(0, T0, 1, 10));

        // when
        boolean young = segment.shouldRoll(10, T0 + 1000, 1, T0 + 50_000);
        boolean old = segment.shouldRoll(10, T0 + 1001, 1, T0);
        time.advance(50_000);
        boolean emptyOld = empty.shouldRoll(10, T0 + 50_000, 1000, time.milliseconds());

        // then: measured between record timestamps, not by wall clock; never for an empty segment
        assertFalse(young);
        assertTrue(old);
        assertFalse(emptyOld);
    }

    @Test
    void shouldRollByWallClockWhenBatchesHaveNoTimestamp() {
        // given
        LogSegment segment = open(0, config(1_000_000, 1000, 4096, 10 * 1024), false);
        append(segment, batch(0, RecordBatch.NO_TIMESTAMP, 1, 10));

        // when
        time.advance(1000);
        boolean atLimit = segment.shouldRoll(10, RecordBatch.NO_TIMESTAMP, 1, time.milliseconds());
        time.advance(1);
        boolean pastLimit = segment.shouldRoll(10, RecordBatch.NO_TIMESTAMP, 1, time.milliseconds());

        // then
        assertFalse(atLimit);
        assertTrue(pastLimit);
    }

    @Test
    void shouldRollWhenIndexIsFullOrOffsetDoesNotFit() {
        // given indexes of 24 bytes: the time index is full after its first entry
        LogSegment segment = open(0, config(1_000_000, Long.MAX_VALUE, 1, 24), false);
        appendBatches(segment, 0, 1, 10);
        assertFalse(segment.shouldRoll(10, T0, 5, T0));
        assertTrue(segment.shouldRoll(10, T0, Integer.MAX_VALUE + 1L, T0));

        // when
        appendBatches(segment, 5, 1, 10);

        // then
        assertTrue(segment.timeIndex().isFull());
        assertTrue(segment.shouldRoll(10, T0, 10, T0));
    }

    @Test
    void shouldContinueAppendingWhenExistingSegmentIsReopened() {
        // given a closed segment
        LogConfig config = config(200);
        LogSegment segment = open(50, config, false);
        appendBatches(segment, 50, 6, 30);
        long maxTimestamp = segment.maxTimestampSoFar();
        int indexEntries = segment.offsetIndex().entries();
        segment.close();

        // when
        LogSegment reopened = open(50, config, true);

        // then
        assertDoesNotThrow(() -> reopened.sanityCheck(false));
        assertEquals(maxTimestamp, reopened.maxTimestampSoFar());
        assertEquals(79, reopened.offsetOfMaxTimestampSoFar());
        assertEquals(80, reopened.readNextOffset());
        assertEquals(indexEntries, reopened.offsetIndex().entries());
        reopened.resizeIndexes(config.segmentIndexBytes());
        appendBatches(reopened, 80, 4, 30);
        assertEquals(100, reopened.readNextOffset());
        SegmentRead all = reopened.read(50, Integer.MAX_VALUE, Long.MAX_VALUE, false);
        assertEquals(50, recordOffsets(all.records()).size());
        assertEquals(50L, recordOffsets(all.records()).get(0));
        assertTrue(reopened.offsetIndex().entries() > indexEntries);
    }

    @Test
    void shouldRecordMaxTimestampAndTrimFilesWhenBecomingInactive() throws Exception {
        // given
        LogSegment segment = open(0, config(300), false);
        appendBatches(segment, 0, 10, 30);

        // when
        segment.onBecomeInactiveSegment();

        // then
        int offsetEntries = segment.offsetIndex().entries();
        int timeEntries = segment.timeIndex().entries();
        assertEquals(8L * offsetEntries, Files.size(SegmentFiles.offsetIndexFile(dir, 0)));
        assertEquals(12L * timeEntries, Files.size(SegmentFiles.timeIndexFile(dir, 0)));
        assertEquals(new TimestampOffset(T0 + 94, 49), segment.timeIndex().lastEntry());
        assertEquals(segment.size(), Files.size(SegmentFiles.logFile(dir, 0)));
    }

    @Test
    void shouldStayReadableWhenFileSuffixesChange() {
        // given
        LogSegment segment = open(0, config(4096), false);
        appendBatches(segment, 0, 2, 20);

        // when
        segment.changeFileSuffixes("", SegmentFiles.DELETED_FILE_SUFFIX);

        // then
        assertTrue(segment.hasSuffix(SegmentFiles.DELETED_FILE_SUFFIX));
        assertFalse(Files.exists(SegmentFiles.logFile(dir, 0)));
        assertTrue(Files.exists(SegmentFiles.logFile(dir, 0, SegmentFiles.DELETED_FILE_SUFFIX)));
        assertTrue(Files.exists(SegmentFiles.offsetIndexFile(dir, 0, SegmentFiles.DELETED_FILE_SUFFIX)));
        assertTrue(Files.exists(SegmentFiles.timeIndexFile(dir, 0, SegmentFiles.DELETED_FILE_SUFFIX)));
        assertEquals(10, recordOffsets(segment.read(0, Integer.MAX_VALUE, Long.MAX_VALUE, false).records()).size());
        assertThrows(IllegalArgumentException.class, () -> segment.changeFileSuffixes(".swap", ""));
    }

    @Test
    void shouldRemoveAllFilesWhenDeleted() {
        // given
        LogSegment segment = open(0, config(4096), false);
        appendBatches(segment, 0, 2, 20);

        // when
        segment.deleteIfExists();

        // then
        assertFalse(Files.exists(SegmentFiles.logFile(dir, 0)));
        assertFalse(Files.exists(SegmentFiles.offsetIndexFile(dir, 0)));
        assertFalse(Files.exists(SegmentFiles.timeIndexFile(dir, 0)));
        assertDoesNotThrow(segment::close);
    }

    @Test
    void shouldUseFileTimeForRetentionWhenNoBatchHasATimestamp() throws Exception {
        // given
        LogSegment segment = open(0, config(4096), false);
        append(segment, batch(0, RecordBatch.NO_TIMESTAMP, 2, 10));
        Files.setLastModifiedTime(SegmentFiles.logFile(dir, 0), FileTime.fromMillis(1_600_000_000_000L));
        LogSegment withTimestamps = open(100, config(4096), false);
        append(withTimestamps, batch(100, T0, 2, 10));

        // when
        long withoutTimestamp = segment.largestTimestamp();
        long withTimestamp = withTimestamps.largestTimestamp();

        // then
        assertEquals(1_600_000_000_000L, withoutTimestamp);
        assertEquals(1_600_000_000_000L, segment.lastModified());
        assertEquals(T0 + 1, withTimestamp);
    }

    @Test
    void shouldApplyNewIndexIntervalWhenConfigIsUpdated() {
        // given a segment that would never index
        LogSegment segment = open(0, config(Integer.MAX_VALUE), false);
        appendBatches(segment, 0, 3, 20);
        assertEquals(0, segment.offsetIndex().entries());

        // when
        segment.updateConfig(config(1));
        appendBatches(segment, 15, 2, 20);

        // then
        assertEquals(2, segment.offsetIndex().entries());
        assertEquals(1, segment.config().indexIntervalBytes());
    }

    @Test
    void shouldDeleteStaleFilesWhenCreatingNewSegment() throws Exception {
        // given leftovers with the new segment's name
        Files.write(SegmentFiles.logFile(dir, 0), new byte[] {1, 2, 3});
        Files.write(SegmentFiles.offsetIndexFile(dir, 0), new byte[] {0, 0, 0, 9, 0, 0, 0, 0});

        // when
        LogSegment segment = open(0, config(4096), false);

        // then
        assertEquals(0, segment.size());
        assertEquals(0, segment.offsetIndex().entries());
        assertDoesNotThrow(() -> segment.sanityCheck(false));
    }

    @Test
    void shouldThrowStorageExceptionWhenLogFileOfExistingSegmentIsMissing() {
        // given an empty directory

        // when / then
        assertThrows(KafkaStorageException.class, () -> LogSegment.open(dir, 0, config(4096), time, true));
    }

    @Test
    void shouldWrapIoFailureWhenAppendingAfterHandlersClosed() {
        // given
        LogSegment segment = open(0, config(4096), false);
        segment.closeHandlers();

        // when / then
        assertThrows(KafkaStorageException.class, () -> append(segment, batch(0, T0, 1, 10)));
    }

    @Test
    void shouldRejectAppendWhenOffsetDoesNotFitInSegment() {
        // given
        LogSegment segment = open(0, config(4096), false);

        // when / then
        assertThrows(IndexOffsetOverflowException.class,
                () -> append(segment, batch(Integer.MAX_VALUE + 1L, T0, 1, 10)));
        assertEquals(0, segment.size());
    }
}
