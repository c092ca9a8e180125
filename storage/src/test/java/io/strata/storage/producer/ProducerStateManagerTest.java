package io.strata.storage.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStateManagerTest {

    private static final long PID = 4242L;
    private static final long T0 = 1_700_000_000_000L;
    private static final long EXPIRATION_MS = 86_400_000L;

    @TempDir
    Path dir;

    private final FixedTime time = new FixedTime(T0);
    private ProducerStateManager state;
    private long logEndOffset;

    @BeforeEach
    void setUp() throws IOException {
        state = new ProducerStateManager(dir, time, EXPIRATION_MS);
    }

    @Test
    void shouldAcceptBatchesWhenSequencesFollowEachOther() {
        // given
        append(PID, (short) 0, 0, 3);

        // when
        AppendCheck check = state.check(batch(PID, (short) 0, 3, 2));

        // then
        assertFalse(check.isDuplicate());
        ProducerStateEntry entry = state.lastEntry(PID).orElseThrow();
        assertEquals(0, entry.producerEpoch());
        assertEquals(2, entry.lastSeq());
        assertEquals(2L, entry.lastDataOffset());
    }

    @Test
    void shouldReturnOriginalOffsetsWhenBatchIsRetried() {
        // given
        logEndOffset = 100L;
        MemoryRecords original = append(PID, (short) 0, 0, 3);

        // when
        AppendCheck check = state.check(batch(PID, (short) 0, 0, 3));

        // then
        BatchMetadata duplicate = check.duplicate().orElseThrow();
        assertEquals(100L, duplicate.firstOffset());
        assertEquals(102L, duplicate.lastOffset());
        assertEquals(original.batches().iterator().next().maxTimestamp(), duplicate.timestamp());
        assertEquals(0, duplicate.firstSeq());
        assertEquals(2, duplicate.lastSeq());
    }

    @Test
    void shouldDetectDuplicateWhenRetriedBatchIsFourBatchesBack() {
        // given: five batches of two records, sequences 0-1, 2-3, ..., 8-9
        for (int seq = 0; seq < 10; seq += 2) {
            append(PID, (short) 0, seq, 2);
        }

        // when
        AppendCheck check = state.check(batch(PID, (short) 0, 0, 2));

        // then
        assertEquals(new BatchMetadata(1, 1L, 1, T0 + 1), check.duplicate().orElseThrow());
    }

    @Test
    void shouldRejectRetryWhenBatchIsNoLongerRetained() {
        // given: six batches, the first one is forgotten
        for (int seq = 0; seq < 12; seq += 2) {
            append(PID, (short) 0, seq, 2);
        }

        // when / then
        assertThrows(OutOfOrderSequenceException.class, () -> state.check(batch(PID, (short) 0, 0, 2)));
        assertEquals(ProducerStateEntry.NUM_BATCHES_TO_RETAIN, state.lastEntry(PID).orElseThrow().batchMetadata().size());
    }

    @Test
    void shouldRejectBatchWhenSequenceHasGap() {
        // given
        append(PID, (short) 0, 0, 3);

        // when / then
        assertThrows(OutOfOrderSequenceException.class, () -> state.check(batch(PID, (short) 0, 4, 1)));
    }

    @Test
    void shouldRejectBatchWhenEpochIsFenced() {
        // given
        append(PID, (short) 3, 0, 1);

        // when / then
        assertThrows(InvalidProducerEpochException.class, () -> state.check(batch(PID, (short) 2, 1, 1)));
    }

    @Test
    void shouldAcceptNewEpochWhenItStartsAtSequenceZero() {
        // given
        append(PID, (short) 0, 0, 5);

        // when
        AppendCheck check = state.check(batch(PID, (short) 1, 0, 2));
        appendChecked(batch(PID, (short) 1, 0, 2));

        // then
        assertFalse(check.isDuplicate());
        ProducerStateEntry entry = state.lastEntry(PID).orElseThrow();
        assertEquals(1, entry.producerEpoch());
        assertEquals(1, entry.batchMetadata().size(), "a new epoch forgets the batches of the old one");
        assertEquals(0, entry.firstSeq());
    }

    @Test
    void shouldRejectNewEpochWhenItDoesNotStartAtSequenceZero() {
        // given
        append(PID, (short) 0, 0, 5);

        // when / then
        assertThrows(OutOfOrderSequenceException.class, () -> state.check(batch(PID, (short) 1, 5, 1)));
    }

    @Test
    void shouldAcceptAnySequenceWhenProducerIsUnknown() {
        // given: no state, e.g. removed by retention or expiration

        // when
        AppendCheck check = state.check(batch(PID, (short) 2, 17, 3));

        // then
        assertFalse(check.isDuplicate());
        assertEquals(0, state.activeProducerCount(), "check must not change the state");
    }

    @Test
    void shouldAcceptSequenceZeroWhenLastSequenceWasIntegerMax() {
        // given
        append(PID, (short) 0, Integer.MAX_VALUE - 1, 2);

        // when
        AppendCheck check = state.check(batch(PID, (short) 0, 0, 1));

        // then
        assertFalse(check.isDuplicate());
        assertEquals(Integer.MAX_VALUE, state.lastEntry(PID).orElseThrow().lastSeq());
    }

    @Test
    void shouldChainBatchesWhenOneRequestHoldsSeveralOfOneProducer() {
        // given
        append(PID, (short) 0, 0, 2);
        MemoryRecords inOrder = concat(batch(PID, (short) 0, 2, 2), batch(PID, (short) 0, 4, 1));
        MemoryRecords withGap = concat(batch(PID, (short) 0, 2, 2), batch(PID, (short) 0, 6, 1));

        // when
        AppendCheck check = state.check(inOrder);

        // then
        assertFalse(check.isDuplicate());
        assertThrows(OutOfOrderSequenceException.class, () -> state.check(withGap));
    }

    @Test
    void shouldIgnoreBatchesWhenTheyHaveNoProducerId() {
        // given
        MemoryRecords plain = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(T0, value()));

        // when
        AppendCheck check = state.check(plain);
        state.update(plain);

        // then
        assertFalse(check.isDuplicate());
        assertEquals(0, state.activeProducerCount());
    }

    @Test
    void shouldRestoreStateWhenSnapshotIsLoaded() throws IOException {
        // given
        append(PID, (short) 1, 0, 3);
        append(PID, (short) 1, 3, 2);
        append(7L, (short) 0, 10, 4);
        state.takeSnapshot(logEndOffset);
        ProducerStateManager reloaded = new ProducerStateManager(dir, time, EXPIRATION_MS);

        // when
        long loaded = reloaded.loadLatestSnapshot(Long.MAX_VALUE);

        // then
        assertEquals(9L, loaded);
        assertEquals(OptionalLong.of(9L), reloaded.latestSnapshotOffset());
        assertEquals(2, reloaded.activeProducerCount());
        assertSameState(state.lastEntry(PID).orElseThrow(), reloaded.lastEntry(PID).orElseThrow());
        assertSameState(state.lastEntry(7L).orElseThrow(), reloaded.lastEntry(7L).orElseThrow());
        assertEquals(new BatchMetadata(4, 4L, 1, T0 + 4),
                reloaded.check(batch(PID, (short) 1, 3, 2)).duplicate().orElseThrow());
        assertFalse(reloaded.check(batch(PID, (short) 1, 5, 1)).isDuplicate());
    }

    @Test
    void shouldSkipAndDeleteSnapshotWhenItIsCorrupt() throws IOException {
        // given
        append(PID, (short) 0, 0, 2);
        state.takeSnapshot(2L);
        append(PID, (short) 0, 2, 2);
        state.takeSnapshot(4L);
        Path newest = ProducerSnapshotFile.file(dir, 4L);
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 1] ^= 0x10;
        Files.write(newest, bytes);

        // when
        long loaded = state.loadLatestSnapshot(Long.MAX_VALUE);

        // then
        assertEquals(2L, loaded);
        assertFalse(Files.exists(newest));
        assertEquals(OptionalLong.of(2L), state.latestSnapshotOffset());
        assertEquals(1, state.lastEntry(PID).orElseThrow().lastSeq());
    }

    @Test
    void shouldLoadNewestSnapshotWhenAtOrBelowMaxOffset() throws IOException {
        // given
        append(PID, (short) 0, 0, 2);
        state.takeSnapshot(2L);
        append(PID, (short) 0, 2, 2);
        state.takeSnapshot(4L);

        // when
        long loaded = state.loadLatestSnapshot(3L);

        // then
        assertEquals(2L, loaded);
        assertEquals(1, state.lastEntry(PID).orElseThrow().lastSeq());
        assertTrue(Files.exists(ProducerSnapshotFile.file(dir, 4L)), "a newer snapshot is kept");
    }

    @Test
    void shouldStartEmptyWhenNoSnapshotExists() throws IOException {
        // given
        append(PID, (short) 0, 0, 2);

        // when
        long loaded = state.loadLatestSnapshot(Long.MAX_VALUE);

        // then
        assertEquals(-1L, loaded);
        assertEquals(0, state.activeProducerCount());
        assertEquals(OptionalLong.empty(), state.latestSnapshotOffset());
    }

    @Test
    void shouldRebuildSameStateWhenLogIsReplayed() throws IOException {
        // given
        MemoryRecords first = append(PID, (short) 0, 0, 3);
        MemoryRecords second = append(PID, (short) 1, 0, 2);
        MemoryRecords third = append(9L, (short) 4, 100, 1);
        MemoryRecords plain = withOffsets(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(T0, value())));
        ProducerStateManager recovered = new ProducerStateManager(dir, time, EXPIRATION_MS);

        // when
        for (MemoryRecords records : List.of(first, second, plain, third)) {
            for (MutableRecordBatch batch : records.batches()) {
                recovered.replay(batch);
            }
        }

        // then
        assertEquals(state.activeProducerCount(), recovered.activeProducerCount());
        assertSameState(state.lastEntry(PID).orElseThrow(), recovered.lastEntry(PID).orElseThrow());
        assertSameState(state.lastEntry(9L).orElseThrow(), recovered.lastEntry(9L).orElseThrow());
    }

    @Test
    void shouldTrackTransactionWhenReplayingTransactionalBatchAndMarker() throws IOException {
        // given: a log written by a Kafka broker with a committed transaction
        MemoryRecords txn = withOffsets(MemoryRecords.withTransactionalRecords(Compression.NONE, PID, (short) 2, 0,
                new SimpleRecord(T0, value())));
        state.replay(txn.batches().iterator().next());
        long txnFirstOffset = state.lastEntry(PID).orElseThrow().currentTxnFirstOffset();
        state.takeSnapshot(logEndOffset);
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(logEndOffset, T0 + 5, 0, PID, (short) 3,
                new EndTransactionMarker(ControlRecordType.COMMIT, 11));

        // when
        state.replay(marker.batches().iterator().next());

        // then
        ProducerStateEntry entry = state.lastEntry(PID).orElseThrow();
        assertEquals(0L, txnFirstOffset);
        assertEquals(-1L, entry.currentTxnFirstOffset());
        assertEquals(11, entry.coordinatorEpoch());
        assertEquals(3, entry.producerEpoch());
        assertEquals(T0 + 5, entry.lastTimestamp());
        ProducerStateManager reloaded = new ProducerStateManager(dir, time, EXPIRATION_MS);
        reloaded.loadLatestSnapshot(Long.MAX_VALUE);
        assertEquals(0L, reloaded.lastEntry(PID).orElseThrow().currentTxnFirstOffset());
    }

    @Test
    void shouldRemoveProducerWhenIdleForExpirationTime() {
        // given: the last batch's max timestamp is T0
        append(PID, (short) 0, 0, 1);

        // when
        state.removeExpiredProducers(T0 + EXPIRATION_MS - 1);
        int beforeExpiry = state.activeProducerCount();
        state.removeExpiredProducers(T0 + EXPIRATION_MS);

        // then
        assertEquals(1, beforeExpiry);
        assertEquals(0, state.activeProducerCount());
        assertEquals(Optional.empty(), state.lastEntry(PID));
    }

    @Test
    void shouldKeepProducerWhenItHasOpenTransaction() {
        // given
        MemoryRecords txn = withOffsets(MemoryRecords.withTransactionalRecords(Compression.NONE, PID, (short) 0, 0,
                new SimpleRecord(T0, value())));
        state.replay(txn.batches().iterator().next());

        // when
        state.removeExpiredProducers(T0 + 10 * EXPIRATION_MS);

        // then
        assertEquals(1, state.activeProducerCount());
    }

    @Test
    void shouldNotLoadProducersWhenTheyExpiredSinceSnapshot() throws IOException {
        // given
        append(PID, (short) 0, 0, 1);
        state.takeSnapshot(1L);
        time.milliseconds = T0 + EXPIRATION_MS;

        // when
        long loaded = state.loadLatestSnapshot(Long.MAX_VALUE);

        // then
        assertEquals(1L, loaded);
        assertEquals(0, state.activeProducerCount());
    }

    @Test
    void shouldDeleteSnapshotsOutsideLogWhenTruncatingAndReloading() throws IOException {
        // given
        for (long offset : new long[] {5L, 10L, 20L, 30L}) {
            state.takeSnapshot(offset);
        }

        // when
        long loaded = state.truncateAndReload(10L, 20L);

        // then
        assertEquals(20L, loaded);
        assertEquals(List.of(10L, 20L), snapshotFiles());
        assertEquals(OptionalLong.of(10L), state.oldestSnapshotOffset());
    }

    @Test
    void shouldDeleteOlderSnapshotsWhenDeletingBeforeOffset() throws IOException {
        // given
        for (long offset : new long[] {5L, 10L, 20L}) {
            state.takeSnapshot(offset);
        }

        // when
        state.deleteSnapshotsBefore(10L);

        // then
        assertEquals(List.of(10L, 20L), snapshotFiles());
    }

    @Test
    void shouldForgetEverythingWhenTruncatedFully() throws IOException {
        // given
        append(PID, (short) 0, 0, 2);
        state.takeSnapshot(2L);

        // when
        state.truncateFullyAndStartAt(500L);

        // then
        assertEquals(0, state.activeProducerCount());
        assertEquals(List.of(), snapshotFiles());
        assertEquals(OptionalLong.empty(), state.latestSnapshotOffset());
    }

    @Test
    void shouldFindSnapshotsAndDropTemporaryFilesWhenCreated() throws IOException {
        // given
        state.takeSnapshot(3L);
        Path leftover = dir.resolve("00000000000000000007.snapshot.tmp");
        Files.write(leftover, new byte[] {1, 2, 3});
        Files.write(dir.resolve("00000000000000000000.log"), new byte[0]);

        // when
        ProducerStateManager reopened = new ProducerStateManager(dir, time, EXPIRATION_MS);

        // then
        assertEquals(OptionalLong.of(3L), reopened.latestSnapshotOffset());
        assertFalse(Files.exists(leftover));
    }

    private static void assertSameState(ProducerStateEntry expected, ProducerStateEntry actual) {
        assertEquals(expected.producerId(), actual.producerId());
        assertEquals(expected.producerEpoch(), actual.producerEpoch());
        assertEquals(expected.lastSeq(), actual.lastSeq());
        assertEquals(expected.lastDataOffset(), actual.lastDataOffset());
        assertEquals(expected.lastOffsetDelta(), actual.lastOffsetDelta());
        assertEquals(expected.lastTimestamp(), actual.lastTimestamp());
        assertEquals(expected.coordinatorEpoch(), actual.coordinatorEpoch());
        assertEquals(expected.currentTxnFirstOffset(), actual.currentTxnFirstOffset());
    }

    /** Checks, assigns offsets from the log end and updates, as the log does; record timestamps are T0 + offset. */
    private MemoryRecords append(long producerId, short epoch, int baseSequence, int count) {
        return appendChecked(batch(producerId, epoch, baseSequence, count));
    }

    private MemoryRecords appendChecked(MemoryRecords records) {
        assertFalse(state.check(records).isDuplicate());
        withOffsets(records);
        state.update(records);
        return records;
    }

    private MemoryRecords batch(long producerId, short epoch, int baseSequence, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(T0 + logEndOffset + i, value());
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence, records);
    }

    private MemoryRecords withOffsets(MemoryRecords records) {
        for (MutableRecordBatch batch : records.batches()) {
            long lastOffset = logEndOffset + batch.lastOffset() - batch.baseOffset();
            batch.setLastOffset(lastOffset);
            logEndOffset = lastOffset + 1;
        }
        return records;
    }

    private List<Long> snapshotFiles() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(ProducerSnapshotFile::isSnapshotFile).map(ProducerSnapshotFile::offset).sorted().toList();
        }
    }

    private static MemoryRecords concat(MemoryRecords... parts) {
        ByteBuffer buffer = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(MemoryRecords::sizeInBytes).sum());
        for (MemoryRecords part : parts) {
            buffer.put(part.buffer().duplicate());
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }

    private static byte[] value() {
        return "value".getBytes(StandardCharsets.UTF_8);
    }

    /** A clock that moves only when a test moves it. */
    private static final class FixedTime implements Time {
        long milliseconds;

        FixedTime(long milliseconds) {
            this.milliseconds = milliseconds;
        }

        @Override
        public long milliseconds() {
            return milliseconds;
        }

        @Override
        public long nanoseconds() {
            return milliseconds * 1_000_000L;
        }

        @Override
        public void sleep(long ms) {
            milliseconds += ms;
        }

        @Override
        public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
            if (!condition.get()) {
                throw new UnsupportedOperationException("FixedTime cannot wait");
            }
        }
    }
}
