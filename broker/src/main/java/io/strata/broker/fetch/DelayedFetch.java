package io.strata.broker.fetch;

import io.netty.util.Timeout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fetch parked in the {@link FetchPurgatory} until its partitions hold {@code minBytes} of new
 * records or {@code maxWaitMs} passes (Kafka's {@code DelayedFetch}). No thread waits for it: an
 * append to a watched partition re-reads the partitions on a storage thread and completes the fetch
 * with that read when it satisfies {@link FetchReader#isSatisfied}; expiry completes it with a
 * final read.
 *
 * <pre>
 *            append (re-read, satisfied)
 *   WAITING ----------------------------&gt; COMPLETED   (timer cancelled, listeners removed)
 *      |          timer / purgatory close      ^
 *      +---------------------------------------+      (final read, then the response)
 * </pre>
 *
 * <p>Completion happens exactly once: whoever wins {@code completed} answers. Appends that arrive
 * while a re-read runs are coalesced into one more re-read, never lost.
 *
 * <p>This class is thread-safe.
 */
final class DelayedFetch {

    private static final Logger log = LoggerFactory.getLogger(DelayedFetch.class);

    private final FetchPurgatory purgatory;
    private final FetchParams params;
    private final List<ReadTarget> targets;
    private final CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result;
    /** The high watermark each target had at the first read, to catch appends made before watching. */
    private final long[] readHighWatermarks;
    private final AtomicBoolean completed = new AtomicBoolean();
    /** Appends not yet covered by a re-read; the caller that moves it from 0 runs the re-reads. */
    private final AtomicInteger pendingAppends = new AtomicInteger();
    private volatile Timeout timeout;

    DelayedFetch(FetchPurgatory purgatory, FetchParams params, List<ReadTarget> targets,
                 LinkedHashMap<FetchKey, PartitionData> firstRead,
                 CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result) {
        this.purgatory = purgatory;
        this.params = params;
        this.targets = List.copyOf(targets);
        this.result = result;
        this.readHighWatermarks = new long[this.targets.size()];
        for (int i = 0; i < this.targets.size(); i++) {
            PartitionData data = firstRead.get(this.targets.get(i).fetch().key());
            readHighWatermarks[i] = data == null ? -1L : data.highWatermark();
        }
    }

    List<ReadTarget> targets() {
        return targets;
    }

    FetchParams params() {
        return params;
    }

    boolean isCompleted() {
        return completed.get();
    }

    void timeout(Timeout newTimeout) {
        this.timeout = newTimeout;
    }

    /** Called once watching: re-reads if a partition grew between the first read and the watch. */
    void checkAppendsBeforeWatch() {
        for (int i = 0; i < targets.size(); i++) {
            if (targets.get(i).log().highWatermark() != readHighWatermarks[i]) {
                onAppend();
                return;
            }
        }
    }

    /** An append to a watched partition (any thread; never reads here). */
    void onAppend() {
        if (completed.get() || pendingAppends.getAndIncrement() != 0) {
            return;
        }
        try {
            purgatory.readExecutor().execute(this::reReadUntilQuiet);
        } catch (RejectedExecutionException e) {
            // Shutting down: the timer or the purgatory's close still answers the fetch.
            log.debug("Re-read of a delayed fetch rejected", e);
        }
    }

    /** Expiry (timer thread) or purgatory close: completes with a final read. */
    void expire() {
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        release();
        try {
            purgatory.readExecutor().execute(this::completeWithRead);
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
    }

    private void reReadUntilQuiet() {
        int covered = pendingAppends.get();
        while (!completed.get()) {
            LinkedHashMap<FetchKey, PartitionData> read;
            try {
                read = FetchReader.read(targets, params);
            } catch (RuntimeException e) {
                if (completed.compareAndSet(false, true)) {
                    release();
                    result.completeExceptionally(e);
                }
                return;
            }
            if (FetchReader.isSatisfied(read, params.minBytes()) && completed.compareAndSet(false, true)) {
                release();
                result.complete(read);
                return;
            }
            covered = pendingAppends.addAndGet(-covered);
            if (covered == 0) {
                return;
            }
        }
    }

    private void completeWithRead() {
        try {
            result.complete(FetchReader.read(targets, params));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private void release() {
        Timeout current = timeout;
        if (current != null) {
            current.cancel();
        }
        purgatory.unwatch(this);
    }
}
