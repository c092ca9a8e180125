package io.strata.storage.log;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.utils.Time;

/** A {@link Time} that moves only when a test advances it (see {@link ManualScheduledExecutor}). Thread-safe. */
final class ManualClock implements Time {

    private final AtomicLong nowMs;

    ManualClock(long startMs) {
        this.nowMs = new AtomicLong(startMs);
    }

    void advance(long ms) {
        nowMs.addAndGet(ms);
    }

    void setAtLeast(long ms) {
        nowMs.accumulateAndGet(ms, Math::max);
    }

    @Override
    public long milliseconds() {
        return nowMs.get();
    }

    @Override
    public long nanoseconds() {
        return nowMs.get() * 1_000_000L;
    }

    @Override
    public void sleep(long ms) {
        advance(ms);
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        if (!condition.get()) {
            setAtLeast(deadlineMs);
            throw new TimeoutException("Condition not met by " + deadlineMs);
        }
    }
}
