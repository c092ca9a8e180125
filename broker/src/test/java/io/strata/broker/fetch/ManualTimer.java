package io.strata.broker.fetch;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Netty timer driven by hand: {@link #advance} runs, on the calling thread, every task due.
 *
 * <p>This class is thread-safe.
 */
public final class ManualTimer implements Timer {

    private final List<ManualTimeout> timeouts = new ArrayList<>();
    private long nowMs;

    @Override
    public synchronized Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        ManualTimeout timeout = new ManualTimeout(task, nowMs + unit.toMillis(delay));
        timeouts.add(timeout);
        return timeout;
    }

    /** Moves time forward and runs the tasks that fall due. */
    public void advance(long ms) {
        List<ManualTimeout> due = new ArrayList<>();
        synchronized (this) {
            nowMs += ms;
            for (ManualTimeout timeout : List.copyOf(timeouts)) {
                if (timeout.deadlineMs <= nowMs) {
                    timeouts.remove(timeout);
                    if (!timeout.cancelled) {
                        due.add(timeout);
                    }
                }
            }
        }
        for (ManualTimeout timeout : due) {
            timeout.expire();
        }
    }

    /** Timeouts neither run nor cancelled. */
    public synchronized int pending() {
        int pending = 0;
        for (ManualTimeout timeout : timeouts) {
            if (!timeout.cancelled) {
                pending++;
            }
        }
        return pending;
    }

    @Override
    public synchronized Set<Timeout> stop() {
        Set<Timeout> unexpired = new HashSet<>(timeouts);
        timeouts.clear();
        return unexpired;
    }

    private final class ManualTimeout implements Timeout {

        private final TimerTask task;
        private final long deadlineMs;
        private volatile boolean cancelled;
        private volatile boolean expired;

        ManualTimeout(TimerTask task, long deadlineMs) {
            this.task = task;
            this.deadlineMs = deadlineMs;
        }

        void expire() {
            expired = true;
            try {
                task.run(this);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Timer timer() {
            return ManualTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return expired;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean cancel() {
            if (expired) {
                return false;
            }
            cancelled = true;
            return true;
        }
    }
}
