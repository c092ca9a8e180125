package io.strata.broker.fetch;

import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;

/**
 * A clock that moves only when a test says so.
 *
 * <p>This class is thread-safe.
 */
public final class ManualTime implements Time {

    private volatile long nowMs = 1_000_000L;

    public void advance(long ms) {
        nowMs += ms;
    }

    @Override
    public long milliseconds() {
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return nowMs * 1_000_000L;
    }

    @Override
    public void sleep(long ms) {
        advance(ms);
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        if (!condition.get()) {
            throw new IllegalStateException("ManualTime cannot wait");
        }
    }
}
