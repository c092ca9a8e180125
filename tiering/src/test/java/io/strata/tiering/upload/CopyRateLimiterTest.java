package io.strata.tiering.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

/** The upload rate limit, on a clock that only moves when the limiter sleeps. */
class CopyRateLimiterTest {

    /** A clock that advances exactly by the sleeps asked of it. */
    private static final class SleepCountingTime implements Time {
        private long nanos;
        private long sleptMs;

        @Override
        public long milliseconds() {
            return nanos / 1_000_000;
        }

        @Override
        public long nanoseconds() {
            return nanos;
        }

        @Override
        public void sleep(long ms) {
            sleptMs += ms;
            nanos += ms * 1_000_000;
        }

        @Override
        public void waitObject(Object obj, java.util.function.Supplier<Boolean> condition, long deadlineMs) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void shouldNotWaitWithinOneSecondsQuota() {
        // given
        SleepCountingTime time = new SleepCountingTime();
        CopyRateLimiter limiter = new CopyRateLimiter(1000, time);

        // when
        limiter.acquire(400);
        limiter.acquire(600);

        // then
        assertEquals(0, time.sleptMs);
    }

    @Test
    void shouldMakeTheNextUploadWaitForTheDebtOfALargeOne() {
        // given
        SleepCountingTime time = new SleepCountingTime();
        CopyRateLimiter limiter = new CopyRateLimiter(1000, time);

        // when: 3,000 bytes at 1,000 B/s leave a debt of 2 s, which the next upload waits out
        limiter.acquire(3000);
        long afterFirst = time.sleptMs;
        limiter.acquire(1);

        // then
        assertEquals(0, afterFirst);
        assertEquals(2000, time.sleptMs);
    }

    @Test
    void shouldHoldTheRateOverManyUploads() {
        // given
        SleepCountingTime time = new SleepCountingTime();
        CopyRateLimiter limiter = new CopyRateLimiter(1000, time);

        // when: 10 s worth of bytes
        for (int i = 0; i < 100; i++) {
            limiter.acquire(100);
        }

        // then: the first second's quota is free, the rest is paced; the last upload's own bytes are
        // paid by whichever upload comes next
        assertEquals(8900, time.sleptMs);
    }

    @Test
    void shouldNeverWaitWithoutALimit() {
        SleepCountingTime time = new SleepCountingTime();
        CopyRateLimiter limiter = new CopyRateLimiter(Long.MAX_VALUE, time);
        limiter.acquire(Long.MAX_VALUE / 2);
        limiter.acquire(Long.MAX_VALUE / 2);
        assertEquals(0, time.sleptMs);
        assertThrows(IllegalArgumentException.class, () -> new CopyRateLimiter(0, Time.SYSTEM));
    }
}
