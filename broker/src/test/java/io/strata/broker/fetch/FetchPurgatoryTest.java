package io.strata.broker.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.strata.storage.log.PartitionLog;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchPurgatoryTest {

    private static final int MAX_WAIT_MS = 500;

    @TempDir
    Path dir;

    private final ManualTimer timer = new ManualTimer();
    private final AtomicInteger reads = new AtomicInteger();
    /** Runs reads inline, counting them. */
    private final Executor inline = command -> {
        reads.incrementAndGet();
        command.run();
    };
    private final FetchPurgatory purgatory = new FetchPurgatory(timer, inline);
    private TestLogs logs;
    private PartitionLog orders;

    @BeforeEach
    void setUp() {
        logs = new TestLogs(dir);
        orders = logs.create("orders", 0, Uuid.randomUuid());
    }

    @AfterEach
    void tearDown() {
        logs.close();
    }

    @Test
    void shouldAnswerAtOnceWhenFirstReadHasMinBytes() {
        // given
        TestLogs.append(orders, 2, 50);

        // when
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = purgatory.fetch(params(1), targets(0));

        // then
        assertTrue(result.isDone());
        assertInstanceOf(FileRecords.class, result.join().get(key()).records());
        assertEquals(0, purgatory.waiting());
        assertEquals(0, timer.pending());
    }

    @Test
    void shouldAnswerAtOnceWhenMaxWaitIsZero() {
        // when
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result =
                purgatory.fetch(new FetchParams(0, 1, Integer.MAX_VALUE, IsolationLevel.READ_UNCOMMITTED, 0), targets(0));

        // then
        assertTrue(result.isDone());
        assertEquals(0, FetchResponse.recordsSize(result.join().get(key())));
    }

    @Test
    void shouldAnswerAtOnceWhenAPartitionFails() {
        // when
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = purgatory.fetch(params(1), targets(7));

        // then
        assertTrue(result.isDone());
        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), result.join().get(key()).errorCode());
        assertEquals(0, purgatory.waiting());
    }

    @Test
    void shouldCompleteWaitingFetchWhenRecordsAreAppended() {
        // given
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = purgatory.fetch(params(1), targets(0));
        assertFalse(result.isDone());
        assertEquals(1, purgatory.waiting());
        assertEquals(1, purgatory.watchedLogs());

        // when
        int appended = TestLogs.append(orders, 1, 50).sizeInBytes();

        // then
        assertTrue(result.isDone());
        PartitionData data = result.join().get(key());
        assertEquals(appended, FetchResponse.recordsSize(data));
        assertEquals(1, data.highWatermark());
        assertEquals(0, purgatory.waiting());
        assertEquals(0, purgatory.watchedLogs());
        assertEquals(0, timer.pending());
    }

    @Test
    void shouldCompleteWaitingFetchWithNoRecordsWhenMaxWaitPasses() {
        // given
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = purgatory.fetch(params(1), targets(0));

        // when
        timer.advance(MAX_WAIT_MS - 1);
        boolean doneEarly = result.isDone();
        timer.advance(1);

        // then
        assertFalse(doneEarly);
        assertTrue(result.isDone());
        assertEquals(Errors.NONE.code(), result.join().get(key()).errorCode());
        assertEquals(0, FetchResponse.recordsSize(result.join().get(key())));
        assertEquals(0, purgatory.waiting());
        assertEquals(0, purgatory.watchedLogs());
    }

    @Test
    void shouldIgnoreAppendsWhenWaitingFetchHasExpired() {
        // given
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = purgatory.fetch(params(1), targets(0));
        timer.advance(MAX_WAIT_MS);
        LinkedHashMap<FetchKey, PartitionData> expired = result.join();
        int readsAfterExpiry = reads.get();

        // when
        TestLogs.append(orders, 1, 50);

        // then
        assertEquals(readsAfterExpiry, reads.get());
        assertEquals(expired, result.join());
    }

    @Test
    void shouldIgnoreExpiryWhenAppendCompletedTheFetch() {
        // given
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = purgatory.fetch(params(1), targets(0));
        TestLogs.append(orders, 1, 50);
        int readsAfterAppend = reads.get();

        // when
        timer.advance(MAX_WAIT_MS);

        // then
        assertEquals(readsAfterAppend, reads.get());
        assertTrue(FetchResponse.recordsSize(result.join().get(key())) > 0);
    }

    @Test
    void shouldKeepWaitingWhenAppendsBringFewerThanMinBytes() {
        // given
        int batchBytes = TestLogs.append(logs.create("sizing", 0, Uuid.randomUuid()), 1, 200).sizeInBytes();
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result =
                purgatory.fetch(params(2 * batchBytes), targets(0));

        // when
        TestLogs.append(orders, 1, 200);
        boolean doneAfterOne = result.isDone();
        TestLogs.append(orders, 1, 200);

        // then
        assertFalse(doneAfterOne);
        assertTrue(result.isDone());
        assertEquals(2 * batchBytes, FetchResponse.recordsSize(result.join().get(key())));
    }

    @Test
    void shouldShareOneAppendListenerWhenManyFetchesWaitOnOneLog() {
        // given
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> first = purgatory.fetch(params(1), targets(0));
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> second = purgatory.fetch(params(1), targets(0));
        assertEquals(2, purgatory.waiting());
        assertEquals(1, purgatory.watchedLogs());

        // when
        TestLogs.append(orders, 1, 50);

        // then
        assertTrue(first.isDone());
        assertTrue(second.isDone());
        assertEquals(0, purgatory.watchedLogs());
    }

    @Test
    void shouldReReadWhenAnAppendLandsBetweenTheFirstReadAndTheWatch() {
        // given: the timer is armed after the first read and before the listener is registered
        AppendingTimer appendingTimer = new AppendingTimer(() -> TestLogs.append(orders, 1, 50));
        FetchPurgatory racing = new FetchPurgatory(appendingTimer, inline);

        // when
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = racing.fetch(params(1), targets(0));

        // then
        assertTrue(result.isDone());
        assertTrue(FetchResponse.recordsSize(result.join().get(key())) > 0);
        assertEquals(0, racing.watchedLogs());
    }

    @Test
    void shouldCompleteOnceAndReleaseListenersWhenAppendAndExpiryRace() throws Exception {
        // given
        ExecutorService readers = Executors.newFixedThreadPool(2);
        ExecutorService appender = Executors.newSingleThreadExecutor();
        FetchPurgatory threaded = new FetchPurgatory(timer, readers);
        try {
            for (int round = 0; round < 100; round++) {
                CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result =
                        threaded.fetch(params(1), targets(orders.logEndOffset()));
                awaitUntil(() -> threaded.waiting() == 1);

                // when
                CompletableFuture<Void> append = CompletableFuture.runAsync(() -> TestLogs.append(orders, 1, 20), appender);
                timer.advance(MAX_WAIT_MS);
                append.get(10, TimeUnit.SECONDS);

                // then
                PartitionData data = result.get(10, TimeUnit.SECONDS).get(key());
                assertEquals(Errors.NONE.code(), data.errorCode());
                assertEquals(0, threaded.waiting());
                assertEquals(0, threaded.watchedLogs());
            }
        } finally {
            readers.shutdownNow();
            appender.shutdownNow();
        }
    }

    @Test
    void shouldAnswerWaitingFetchesWhenClosed() {
        // given
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = purgatory.fetch(params(1), targets(0));

        // when
        purgatory.close();

        // then
        assertTrue(result.isDone());
        assertEquals(0, purgatory.watchedLogs());
    }

    @Test
    void shouldAnswerAtOnceWhenTimerIsStopped() {
        // given
        FetchPurgatory stopped = new FetchPurgatory(new StoppedTimer(), inline);

        // when
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = stopped.fetch(params(1), targets(0));

        // then
        assertTrue(result.isDone());
        assertEquals(0, stopped.waiting());
    }

    @Test
    void shouldFailFetchWhenReadExecutorRejectsIt() {
        // given
        FetchPurgatory rejecting = new FetchPurgatory(timer, command -> {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        });

        // when
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = rejecting.fetch(params(1), targets(0));

        // then
        assertTrue(result.isCompletedExceptionally());
    }

    private static void awaitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    private static FetchParams params(int minBytes) {
        return new FetchParams(MAX_WAIT_MS, minBytes, Integer.MAX_VALUE, IsolationLevel.READ_UNCOMMITTED, 0);
    }

    private List<ReadTarget> targets(long fetchOffset) {
        return List.of(new ReadTarget(new PartitionFetch(key(), fetchOffset, Integer.MAX_VALUE, -1, -1), orders));
    }

    private static FetchKey key() {
        return FetchKey.byName("orders", 0);
    }

    /** A timer that appends when armed, then never fires. */
    private static final class AppendingTimer implements io.netty.util.Timer {

        private final Runnable onArm;
        private final ManualTimer delegate = new ManualTimer();

        AppendingTimer(Runnable onArm) {
            this.onArm = onArm;
        }

        @Override
        public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
            Timeout timeout = delegate.newTimeout(task, delay, unit);
            onArm.run();
            return timeout;
        }

        @Override
        public java.util.Set<Timeout> stop() {
            return delegate.stop();
        }
    }

    /** A timer after {@code stop()}: Netty's HashedWheelTimer refuses new timeouts. */
    private static final class StoppedTimer implements io.netty.util.Timer {

        @Override
        public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
            throw new IllegalStateException("cannot be started once stopped");
        }

        @Override
        public java.util.Set<Timeout> stop() {
            return java.util.Set.of();
        }
    }
}
