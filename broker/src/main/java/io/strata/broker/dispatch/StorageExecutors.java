package io.strata.broker.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The {@code storage-io-N} threads: where appends, reads and topic changes touch the disk.
 * {@link #forPartition} always picks the same single thread for a partition, so appends to one
 * partition run in submission order without contending on its lock; {@link #any} spreads
 * read-only work round robin.
 *
 * <p>This class is thread-safe.
 */
public final class StorageExecutors implements AutoCloseable {

    private final List<ExecutorService> executors;
    private final AtomicInteger next = new AtomicInteger();

    public StorageExecutors(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        List<ExecutorService> list = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            list.add(Executors.newSingleThreadExecutor(named("storage-io-" + i)));
        }
        this.executors = List.copyOf(list);
    }

    public ExecutorService forPartition(TopicPartition tp) {
        return executors.get(Math.floorMod(tp.hashCode(), executors.size()));
    }

    public ExecutorService any() {
        return executors.get(Math.floorMod(next.getAndIncrement(), executors.size()));
    }

    /** Runs {@code work} on {@code tp}'s thread. */
    public <T> CompletableFuture<T> onPartition(TopicPartition tp, Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, forPartition(tp));
    }

    /** Runs {@code work} on any storage thread. */
    public <T> CompletableFuture<T> onAny(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, any());
    }

    @Override
    public void close() {
        executors.forEach(ExecutorService::shutdown);
        for (ExecutorService executor : executors) {
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
