package io.strata.broker.fetch;

import io.netty.util.Timer;
import io.strata.broker.dispatch.StorageExecutors;
import io.strata.storage.log.PartitionLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;

/**
 * Runs fetch reads and parks the fetches that must wait (Kafka's fetch purgatory): a fetch is
 * answered at once when {@code maxWaitMs <= 0}, when its first read carries {@code minBytes} of
 * records, or when a partition failed or diverged; otherwise it becomes a {@link DelayedFetch}
 * woken by appends to its partitions and expired by the timer.
 *
 * <p>One append listener is registered per watched partition log, however many fetches wait on
 * it, and removed when the last one completes. Reads run on {@code readExecutor} (a storage
 * thread); expiry runs on {@code timer} (a Netty {@code HashedWheelTimer} in production) and only
 * hands the final read to {@code readExecutor}. Neither the executor nor the timer is owned.
 *
 * <p>This class is thread-safe.
 */
public final class FetchPurgatory implements AutoCloseable {

    private final Timer timer;
    private final Executor readExecutor;
    private final ConcurrentHashMap<PartitionLog, Watchers> watchers = new ConcurrentHashMap<>();
    private final Set<DelayedFetch> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private final RemoteTierReader remote;
    private final long remoteFetchMaxWaitMs;

    public FetchPurgatory(Timer timer, Executor readExecutor) {
        this(timer, readExecutor, RemoteTierReader.UNAVAILABLE, 500L);
    }

    /**
     * @param remote               reads of partitions in the remote tier
     * @param remoteFetchMaxWaitMs remote.fetch.max.wait.ms: how long a fetch waits for its remote reads
     */
    public FetchPurgatory(Timer timer, Executor readExecutor, RemoteTierReader remote, long remoteFetchMaxWaitMs) {
        this.timer = timer;
        this.readExecutor = readExecutor;
        this.remote = remote;
        this.remoteFetchMaxWaitMs = remoteFetchMaxWaitMs;
    }

    /** A purgatory whose reads run on any storage thread. */
    public static FetchPurgatory onStorageThreads(Timer timer, StorageExecutors storage) {
        return onStorageThreads(timer, storage, RemoteTierReader.UNAVAILABLE, 500L);
    }

    /** A purgatory whose reads run on any storage thread and whose remote-tier reads go to {@code remote}. */
    public static FetchPurgatory onStorageThreads(Timer timer, StorageExecutors storage, RemoteTierReader remote,
                                                  long remoteFetchMaxWaitMs) {
        return new FetchPurgatory(timer, command -> storage.any().execute(command), remote, remoteFetchMaxWaitMs);
    }

    /**
     * Reads {@code targets} and completes with their partition data, in order, as soon as the fetch
     * is satisfied or has waited {@code params.maxWaitMs()}.
     */
    public CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> fetch(FetchParams params,
                                                                           List<ReadTarget> targets) {
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = new CompletableFuture<>();
        try {
            readExecutor.execute(() -> {
                try {
                    List<FetchReader.RemoteRead> remoteReads = new ArrayList<>();
                    LinkedHashMap<FetchKey, PartitionData> read = FetchReader.read(targets, params, remoteReads);
                    if (!remoteReads.isEmpty()) {
                        // Answered when the remote reads are done (or remote.fetch.max.wait.ms), never parked.
                        RemoteFetch.start(read, remoteReads, remote, timer, remoteFetchMaxWaitMs, result);
                    } else if (params.maxWaitMs() <= 0 || targets.isEmpty()
                            || FetchReader.isSatisfied(read, params.minBytes())) {
                        result.complete(read);
                    } else {
                        park(new DelayedFetch(this, params, targets, read, result));
                    }
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** The number of fetches waiting. */
    public int waiting() {
        return waiting.size();
    }

    /** Answers every waiting fetch now with a final read; later fetches are not parked. */
    @Override
    public void close() {
        closed = true;
        for (DelayedFetch delayed : List.copyOf(waiting)) {
            delayed.expire();
        }
    }

    Executor readExecutor() {
        return readExecutor;
    }

    /** The number of partition logs with a registered append listener. */
    int watchedLogs() {
        return watchers.size();
    }

    private void park(DelayedFetch delayed) {
        waiting.add(delayed);
        try {
            delayed.timeout(timer.newTimeout(timeout -> delayed.expire(), delayed.params().maxWaitMs(),
                    TimeUnit.MILLISECONDS));
        } catch (IllegalStateException | RejectedExecutionException e) {
            // The timer is stopped (shutting down): answer now rather than wait forever.
            delayed.expire();
            return;
        }
        for (ReadTarget target : delayed.targets()) {
            watchers.compute(target.log(), (partitionLog, current) -> {
                Watchers watching = current;
                if (watching == null) {
                    watching = new Watchers();
                    partitionLog.addAppendListener(watching);
                }
                watching.fetches.add(delayed);
                return watching;
            });
        }
        if (delayed.isCompleted()) {
            // Expired while being registered: its release may have run before the registration.
            unwatch(delayed);
        } else if (closed) {
            delayed.expire();
        } else {
            delayed.checkAppendsBeforeWatch();
        }
    }

    void unwatch(DelayedFetch delayed) {
        waiting.remove(delayed);
        for (ReadTarget target : delayed.targets()) {
            watchers.computeIfPresent(target.log(), (partitionLog, watching) -> {
                watching.fetches.remove(delayed);
                if (watching.fetches.isEmpty()) {
                    partitionLog.removeAppendListener(watching);
                    return null;
                }
                return watching;
            });
        }
    }

    /** The append listener of one partition log: wakes every fetch waiting on it. */
    private static final class Watchers implements Runnable {

        private final Set<DelayedFetch> fetches = ConcurrentHashMap.newKeySet();

        @Override
        public void run() {
            for (DelayedFetch delayed : fetches) {
                delayed.onAppend();
            }
        }
    }
}
