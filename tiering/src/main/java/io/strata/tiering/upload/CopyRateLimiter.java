package io.strata.tiering.upload;

import org.apache.kafka.common.utils.Time;

/**
 * The copy rate limit ({@code remote.log.manager.copy.max.bytes.per.second}): a token bucket of one
 * second's worth of bytes, shared by every upload thread. {@link #acquire} blocks the upload thread
 * until the bytes fit; a segment larger than a second's quota waits for its debt to be paid after
 * it, so the long-run rate holds.
 *
 * <p>This class is thread-safe.
 */
public final class CopyRateLimiter {

    private final long bytesPerSecond;
    private final Time time;
    private double available;
    private long lastRefillNs;

    /** @param bytesPerSecond the limit; {@code Long.MAX_VALUE} for none */
    public CopyRateLimiter(long bytesPerSecond, Time time) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("Copy rate limit must be positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.time = time;
        this.available = bytesPerSecond;
        this.lastRefillNs = time.nanoseconds();
    }

    /** Takes {@code bytes} from the bucket, first waiting while it is in debt. */
    public void acquire(long bytes) {
        if (bytesPerSecond == Long.MAX_VALUE) {
            return;
        }
        long waitMs;
        synchronized (this) {
            refill();
            waitMs = available >= 0 ? 0 : (long) Math.ceil(-available * 1000.0 / bytesPerSecond);
            available -= bytes;
        }
        if (waitMs > 0) {
            time.sleep(waitMs);
        }
    }

    private void refill() {
        long now = time.nanoseconds();
        available = Math.min(bytesPerSecond, available + (now - lastRefillNs) * bytesPerSecond / 1e9);
        lastRefillNs = now;
    }
}
