package io.strata.storage.log;

import static io.strata.storage.log.LogTestSupport.START_MS;
import static io.strata.storage.log.LogTestSupport.config;
import static io.strata.storage.log.LogTestSupport.idempotentRecords;
import static io.strata.storage.log.LogTestSupport.offsets;
import static io.strata.storage.log.LogTestSupport.range;
import static io.strata.storage.log.LogTestSupport.readAll;
import static io.strata.storage.log.LogTestSupport.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.file.SegmentFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path logDir;

    private final ManualClock clock = new ManualClock(START_MS);
    private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    private PartitionLogs logs;

    @AfterEach
    void closeLogs() {
        if (logs != null) {
            logs.close();
        }
    }

    private PartitionLog createLog(LogConfig config) {
        logs = PartitionLogs.open(List.of(logDir), topic -> config, clock, scheduler);
        return logs.getOrCreate(TP, Uuid.randomUuid(), config);
    }

    private static void appendBatches(PartitionLog log, int batches, int recordsPerBatch, long timestamp) {
        for (int i = 0; i < batches; i++) {
            log.append(records(timestamp, recordsPerBatch), 0);
        }
    }

    private List<Long> segmentBaseOffsets(PartitionLog log) throws IOException {
        try (Stream<Path> files = Files.list(log.dir())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(SegmentFiles.LOG_FILE_SUFFIX))
                    .map(SegmentFiles::offsetFromFileName)
                    .sorted()
                    .toList();
        }
    }

    @Test
    void shouldReadEveryRecordBackWhenAppendsSpanSeveralSegments() throws IOException {
        // given
        PartitionLog log = createLog(config(300));

        // when
        List<LogAppendInfo> appends = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            appends.add(log.append(records(START_MS, 2), 0));
        }

        // then
        assertEquals(0L, appends.get(0).firstOffset());
        assertEquals(39L, appends.get(19).lastOffset());
        assertEquals(2, appends.get(19).recordCount());
        assertEquals(40L, log.logEndOffset());
        assertEquals(40L, log.highWatermark());
        assertTrue(log.numberOfSegments() > 3, "segments: " + log.numberOfSegments());
        assertEquals(log.numberOfSegments(), segmentBaseOffsets(log).size());
        assertEquals(range(0, 40), readAll(log, 0));
    }

    @Test
    void shouldReturnWholeBatchWhenReadStartsInsideIt() {
        // given
        PartitionLog log = createLog(config(1024 * 1024));
        log.append(records(START_MS, 5), 0);
        log.append(records(START_MS, 3), 0);

        // when
        FetchDataInfo info = log.read(2, 1024 * 1024, true);

        // then
        assertEquals(2L, info.fetchOffset());
        assertEquals(range(0, 8), offsets(info.records()));
        assertEquals(8L, info.highWatermark());
        assertEquals(8L, info.logEndOffset());
        assertEquals(0L, info.logStartOffset());
    }

    @Test
    void shouldReturnEmptyRecordsWhenReadingAtLogEndOffset() {
        // given
        PartitionLog log = createLog(config(1024 * 1024));
        log.append(records(START_MS, 3), 0);

        // when
        FetchDataInfo info = log.read(3, 1024, true);

        // then
        assertEquals(0, info.records().sizeInBytes());
        assertEquals(3L, info.highWatermark());
    }

    @Test
    void shouldReturnEmptyRecordsWhenFirstBatchExceedsMaxBytesWithoutMinOneMessage() {
        // given
        PartitionLog log = createLog(config(1024 * 1024));
        log.append(records(START_MS, 10), 0);

        // when
        FetchDataInfo cut = log.read(0, 10, false);
        FetchDataInfo whole = log.read(0, 10, true);

        // then
        assertEquals(0, cut.records().sizeInBytes());
        assertEquals(range(0, 10), offsets(whole.records()));
    }

    @Test
    void shouldThrowOffsetOutOfRangeWhenFetchOffsetIsBelowStartOrAboveEnd() {
        // given
        PartitionLog log = createLog(config(300));
        appendBatches(log, 6, 2, START_MS);
        log.deleteRecordsBefore(5);

        // when / then
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(13, 1024, true));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(4, 1024, true));
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(-1, 1024, true));
        assertEquals(range(5, 12), readAll(log, 5));
    }

    @Test
    void shouldRollWhenNextBatchDoesNotFitInSegmentBytes() throws IOException {
        // given
        int batchSize = records(START_MS, 2).sizeInBytes();
        PartitionLog log = createLog(config(batchSize * 2));

        // when
        appendBatches(log, 5, 2, START_MS);

        // then
        assertEquals(List.of(0L, 4L, 8L), segmentBaseOffsets(log));
        assertEquals(3, log.numberOfSegments());
    }

    @Test
    void shouldRollWhenActiveSegmentIsOlderThanSegmentMs() throws IOException {
        // given
        PartitionLog log = createLog(config(1024 * 1024, 1000, -1, -1, 0));
        log.append(records(clock.milliseconds(), 1), 0);
        clock.advance(999);
        log.append(records(clock.milliseconds(), 1), 0);

        // when
        clock.advance(2);
        log.append(records(clock.milliseconds(), 1), 0);

        // then
        assertEquals(List.of(0L, 2L), segmentBaseOffsets(log));
    }

    @Test
    void shouldRejectBatchWhenLargerThanSegmentBytes() {
        // given
        PartitionLog log = createLog(config(100));

        // when / then
        assertThrows(RecordBatchTooLargeException.class, () -> log.append(records(START_MS, 10), 0));
        assertEquals(0L, log.logEndOffset());
    }

    @Test
    void shouldApplyNewSegmentBytesWhenConfigIsUpdated() throws IOException {
        // given
        PartitionLog log = createLog(config(1024 * 1024));
        appendBatches(log, 3, 2, START_MS);

        // when
        log.updateConfig(config(records(START_MS, 2).sizeInBytes()));
        appendBatches(log, 2, 2, START_MS);

        // then
        assertEquals(List.of(0L, 6L, 8L), segmentBaseOffsets(log));
        assertEquals(records(START_MS, 2).sizeInBytes(), log.config().segmentBytes());
    }

    @Test
    void shouldDeleteOnlyExpiredSegmentsWhenRetentionMsPasses() {
        // given
        int batchSize = records(START_MS, 2).sizeInBytes();
        PartitionLog log = createLog(config(batchSize * 2, Long.MAX_VALUE, 10_000, -1, 0));
        appendBatches(log, 4, 2, clock.milliseconds());
        clock.advance(5_000);
        appendBatches(log, 4, 2, clock.milliseconds());
        clock.advance(6_000);

        // when
        int deleted = log.deleteRetentionExpiredSegments(clock.milliseconds());

        // then
        assertEquals(2, deleted);
        assertEquals(8L, log.logStartOffset());
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(7, 1024, true));
        assertEquals(range(8, 16), readAll(log, 8));
    }

    @Test
    void shouldRollAndDeleteActiveSegmentWhenEverythingExpired() throws IOException {
        // given
        PartitionLog log = createLog(config(1024 * 1024, Long.MAX_VALUE, 10_000, -1, 0));
        appendBatches(log, 3, 2, clock.milliseconds());
        clock.advance(10_001);

        // when
        int deleted = log.deleteRetentionExpiredSegments(clock.milliseconds());

        // then
        assertEquals(1, deleted);
        assertEquals(6L, log.logStartOffset());
        assertEquals(6L, log.logEndOffset());
        scheduler.runDue();
        assertEquals(List.of(6L), segmentBaseOffsets(log));
        assertEquals(0, log.read(6, 1024, true).records().sizeInBytes());
        assertEquals(6L, log.append(records(clock.milliseconds(), 1), 0).firstOffset());
    }

    @Test
    void shouldDeleteOldestSegmentsWhenLogExceedsRetentionBytes() {
        // given
        int batchSize = records(START_MS, 2).sizeInBytes();
        PartitionLog log = createLog(config(batchSize * 2, Long.MAX_VALUE, -1, batchSize * 4L, 0));
        appendBatches(log, 8, 2, START_MS);

        // when
        int deleted = log.deleteRetentionExpiredSegments(clock.milliseconds());

        // then
        assertEquals(2, deleted);
        assertEquals(8L, log.logStartOffset());
        assertEquals(batchSize * 4L, log.size());
    }

    @Test
    void shouldKeepDeletedSegmentReadableUntilFileDeleteDelayPasses() throws IOException {
        // given
        int batchSize = records(START_MS, 2).sizeInBytes();
        PartitionLog log = createLog(config(batchSize * 2, Long.MAX_VALUE, 10_000, -1, 60_000));
        appendBatches(log, 2, 2, clock.milliseconds());
        clock.advance(20_000);
        appendBatches(log, 2, 2, clock.milliseconds());
        FetchDataInfo taken = log.read(0, 1024 * 1024, true);

        // when
        assertEquals(1, log.deleteRetentionExpiredSegments(clock.milliseconds()));

        // then
        Path deletedLog = log.dir().resolve("00000000000000000000.log.deleted");
        assertTrue(Files.exists(deletedLog));
        assertFalse(Files.exists(log.dir().resolve("00000000000000000000.log")));
        assertEquals(range(0, 4), offsets(taken.records()));
        scheduler.advance(59_999);
        assertTrue(Files.exists(deletedLog));
        scheduler.advance(1);
        assertFalse(Files.exists(deletedLog));
        assertFalse(Files.exists(log.dir().resolve("00000000000000000000.index.deleted")));
        assertFalse(Files.exists(log.dir().resolve("00000000000000000000.timeindex.deleted")));
    }

    @Test
    void shouldRaiseLogStartOffsetAndDeleteSegmentsBelowItWhenDeletingRecords() throws IOException {
        // given
        int batchSize = records(START_MS, 2).sizeInBytes();
        PartitionLog log = createLog(config(batchSize * 2));
        appendBatches(log, 6, 2, START_MS);

        // when
        long lowWatermark = log.deleteRecordsBefore(9);

        // then
        assertEquals(9L, lowWatermark);
        assertEquals(9L, log.logStartOffset());
        assertEquals(List.of(8L), segmentBaseOffsets(log));
        assertEquals(range(9, 12), readAll(log, 9));
        assertEquals("0\n1\norders 0 9\n", Files.readString(logDir.resolve("log-start-offset-checkpoint")));
        assertEquals(Optional.of(new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, 9L, Optional.of(0))),
                log.fetchOffsetByTimestamp(PartitionLog.EARLIEST_TIMESTAMP));
        assertEquals("0\n1\n0 9\n", Files.readString(log.dir().resolve("leader-epoch-checkpoint")));
    }

    @Test
    void shouldKeepLogStartOffsetWhenDeletingRecordsBelowIt() {
        // given
        PartitionLog log = createLog(config(1024));
        appendBatches(log, 3, 2, START_MS);
        log.deleteRecordsBefore(4);

        // when
        long lowWatermark = log.deleteRecordsBefore(2);

        // then
        assertEquals(4L, lowWatermark);
    }

    @Test
    void shouldThrowOffsetOutOfRangeWhenDeletingRecordsAboveHighWatermark() {
        // given
        PartitionLog log = createLog(config(1024));
        appendBatches(log, 2, 2, START_MS);

        // when / then
        assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(5));
        assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(-1));
        assertEquals(4L, log.deleteRecordsBefore(4));
        assertEquals(0, log.read(4, 1024, true).records().sizeInBytes());
    }

    @Test
    void shouldFindOffsetsByTimestampWhenSearchingSpecialAndRealTimestamps() {
        // given
        int batchSize = records(START_MS, START_MS + 1).sizeInBytes();
        PartitionLog log = createLog(config(batchSize * 2));
        log.append(records(START_MS, START_MS + 1), 0);
        log.append(records(START_MS + 10, START_MS + 30, START_MS + 30), 0);
        log.append(records(START_MS + 5, START_MS + 6), 0);
        log.append(records(START_MS + 20, START_MS + 25), 0);

        // when / then
        assertEquals(Optional.of(new TimestampAndOffset(-1, 0, Optional.of(0))),
                log.fetchOffsetByTimestamp(PartitionLog.EARLIEST_TIMESTAMP));
        assertEquals(Optional.of(new TimestampAndOffset(-1, 0, Optional.of(0))),
                log.fetchOffsetByTimestamp(PartitionLog.EARLIEST_LOCAL_TIMESTAMP));
        assertEquals(Optional.of(new TimestampAndOffset(-1, 9, Optional.of(0))),
                log.fetchOffsetByTimestamp(PartitionLog.LATEST_TIMESTAMP));
        assertEquals(Optional.of(new TimestampAndOffset(START_MS + 30, 3, Optional.of(0))),
                log.fetchOffsetByTimestamp(PartitionLog.MAX_TIMESTAMP));
        assertEquals(Optional.of(new TimestampAndOffset(-1, -1, Optional.of(-1))),
                log.fetchOffsetByTimestamp(PartitionLog.LATEST_TIERED_TIMESTAMP));
        assertEquals(Optional.of(new TimestampAndOffset(START_MS + 10, 2, Optional.of(0))),
                log.fetchOffsetByTimestamp(START_MS + 2));
        assertEquals(Optional.of(new TimestampAndOffset(START_MS + 30, 3, Optional.of(0))),
                log.fetchOffsetByTimestamp(START_MS + 11));
        assertEquals(Optional.empty(), log.fetchOffsetByTimestamp(START_MS + 31));
    }

    @Test
    void shouldAnswerNoMaxTimestampWhenLogIsEmpty() {
        // given
        PartitionLog log = createLog(config(1024));

        // when
        Optional<TimestampAndOffset> found = log.fetchOffsetByTimestamp(PartitionLog.MAX_TIMESTAMP);

        // then
        assertEquals(Optional.empty(), found);
        assertEquals(Optional.of(new TimestampAndOffset(-1, 0, Optional.of(0))),
                log.fetchOffsetByTimestamp(PartitionLog.LATEST_TIMESTAMP));
    }

    @Test
    void shouldAnswerOriginalOffsetsWhenIdempotentBatchIsRetried() {
        // given
        PartitionLog log = createLog(config(1024 * 1024));
        log.append(records(START_MS, 2), 0);
        LogAppendInfo first = log.append(idempotentRecords(7L, (short) 0, 0, START_MS, 3), 0);

        // when
        LogAppendInfo retry = log.append(idempotentRecords(7L, (short) 0, 0, START_MS, 3), 0);

        // then
        assertFalse(first.duplicate());
        assertTrue(retry.duplicate());
        assertEquals(2L, retry.firstOffset());
        assertEquals(4L, retry.lastOffset());
        assertEquals(0, retry.recordCount());
        assertEquals(5L, log.logEndOffset());
    }

    @Test
    void shouldNotifyAppendListenersWhenRecordsAreWritten() {
        // given
        PartitionLog log = createLog(config(1024 * 1024));
        AtomicInteger calls = new AtomicInteger();
        Runnable listener = calls::incrementAndGet;
        log.addAppendListener(listener);

        // when
        log.append(records(START_MS, 1), 0);
        log.append(idempotentRecords(3L, (short) 0, 0, START_MS, 1), 0);
        log.append(idempotentRecords(3L, (short) 0, 0, START_MS, 1), 0);
        log.removeAppendListener(listener);
        log.append(records(START_MS, 1), 0);

        // then
        assertEquals(2, calls.get());
    }

    @Test
    void shouldMoveRecoveryPointWhenFlushed() {
        // given
        PartitionLog log = createLog(config(1024 * 1024));
        appendBatches(log, 2, 2, START_MS);
        assertEquals(0L, log.recoveryPoint());

        // when
        log.flush();

        // then
        assertEquals(4L, log.recoveryPoint());
    }

    @Test
    void shouldFlushAfterEachAppendWhenFlushMessagesIsOne() {
        // given
        PartitionLog log = createLog(LogTestSupport.withFlushMessages(config(1024 * 1024), 1));

        // when
        log.append(records(START_MS, 3), 0);

        // then
        assertEquals(3L, log.recoveryPoint());
    }

    @Test
    void shouldRejectAppendsWhenLogIsClosed() {
        // given
        PartitionLog log = createLog(config(1024));
        log.close();

        // when / then
        assertThrows(KafkaStorageException.class, () -> log.append(records(START_MS, 1), 0));
    }

    @Test
    void shouldNeverExposePartialBatchWhenReaderRunsConcurrentlyWithAppends() throws Exception {
        // given
        int batchSize = records(START_MS, 3).sizeInBytes();
        PartitionLog log = createLog(config(batchSize * 7));
        int batches = 200;
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread writer = new Thread(() -> {
            try {
                appendBatches(log, batches, 3, START_MS);
            } catch (Throwable t) {
                failures.add(t);
            }
        }, "writer");

        // when
        writer.start();
        long next = 0;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (next < batches * 3L && System.nanoTime() < deadline && failures.isEmpty()) {
            FetchDataInfo info = log.read(next, 1000, true);
            int bytesInBatches = 0;
            for (RecordBatch batch : info.records().batches()) {
                batch.ensureValid();
                assertEquals(batch.lastOffset() - batch.baseOffset() + 1, (long) batch.countOrNull());
                assertEquals(next, batch.baseOffset(), "batches must be contiguous");
                bytesInBatches += batch.sizeInBytes();
                next = batch.nextOffset();
            }
            assertEquals(info.records().sizeInBytes(), bytesInBatches, "a read must hold whole batches only");
            assertTrue(next <= info.highWatermark());
        }
        writer.join();

        // then
        assertEquals(List.of(), failures);
        assertEquals(batches * 3L, next);
    }
}
