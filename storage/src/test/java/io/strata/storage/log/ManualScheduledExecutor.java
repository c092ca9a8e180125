package io.strata.storage.log;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler driven by a {@link ManualClock}: tasks run on the test thread, in time order, when
 * {@link #advance} moves the clock past them ({@link #runDue} runs those already due).
 * Thread-safe for scheduling; tasks run only on the thread that advances.
 */
final class ManualScheduledExecutor extends AbstractExecutorService implements ScheduledExecutorService {

    private final ManualClock clock;
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private long sequence;
    private boolean shutdown;

    ManualScheduledExecutor(ManualClock clock) {
        this.clock = clock;
    }

    /** Moves the clock forward by {@code ms}, running every task that falls due on the way. */
    void advance(long ms) {
        long target = clock.milliseconds() + ms;
        while (true) {
            Task<?> next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.dueMs > target) {
                    break;
                }
                queue.poll();
            }
            clock.setAtLeast(next.dueMs);
            next.run();
            if (next.periodMs > 0 && !next.isCancelled()) {
                synchronized (this) {
                    next.dueMs += next.periodMs;
                    queue.add(next);
                }
            }
        }
        clock.setAtLeast(target);
    }

    /** Runs the tasks due now. */
    void runDue() {
        advance(0);
    }

    synchronized int pendingTasks() {
        return queue.size();
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(callable(command), unit.toMillis(delay), 0);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(callable, unit.toMillis(delay), 0);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return enqueue(callable(command), unit.toMillis(initialDelay), Math.max(1, unit.toMillis(period)));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return enqueue(callable(command), unit.toMillis(initialDelay), Math.max(1, unit.toMillis(delay)));
    }

    private synchronized <V> Task<V> enqueue(Callable<V> callable, long delayMs, long periodMs) {
        if (shutdown) {
            throw new RejectedExecutionException("Scheduler is shut down");
        }
        Task<V> task = new Task<>(callable, clock.milliseconds() + Math.max(0, delayMs), periodMs, sequence++);
        queue.add(task);
        return task;
    }

    private static Callable<Object> callable(Runnable command) {
        return () -> {
            command.run();
            return null;
        };
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> pending = new ArrayList<>(queue);
        queue.clear();
        return pending;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task<V> implements ScheduledFuture<V>, Runnable {
        private final Callable<V> callable;
        private final long periodMs;
        private final long order;
        private long dueMs;
        private volatile boolean cancelled;
        private volatile boolean done;
        private volatile V result;
        private volatile Throwable failure;

        Task(Callable<V> callable, long dueMs, long periodMs, long order) {
            this.callable = callable;
            this.dueMs = dueMs;
            this.periodMs = periodMs;
            this.order = order;
        }

        @Override
        public void run() {
            if (cancelled) {
                return;
            }
            try {
                result = callable.call();
            } catch (Exception e) {
                failure = e;
            }
            if (periodMs == 0) {
                done = true;
            }
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueMs - clock.milliseconds(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task<?> that = (Task<?>) other;
            int byDue = Long.compare(dueMs, that.dueMs);
            return byDue != 0 ? byDue : Long.compare(order, that.order);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            synchronized (ManualScheduledExecutor.this) {
                cancelled = true;
                return queue.remove(this);
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public V get() throws ExecutionException {
            if (cancelled) {
                throw new CancellationException();
            }
            if (!done) {
                throw new IllegalStateException("Task has not run; advance the clock first");
            }
            if (failure != null) {
                throw new ExecutionException(failure);
            }
            return result;
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws ExecutionException {
            return get();
        }
    }
}
