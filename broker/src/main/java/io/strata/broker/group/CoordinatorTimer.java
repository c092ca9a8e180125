package io.strata.broker.group;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed timeouts that run on the coordinator thread (Kafka's coordinator timer): scheduling a key
 * replaces the task scheduled under it before, and a task whose key was cancelled or rescheduled
 * meanwhile does not run even if its timer already fired. Nothing is parked per timeout: the
 * underlying Netty timer only posts the task to the coordinator thread.
 *
 * <p>This class is not thread-safe: call it on the coordinator thread only.
 */
final class CoordinatorTimer {

    private static final Logger log = LoggerFactory.getLogger(CoordinatorTimer.class);

    private final Timer timer;
    private final Executor coordinatorThread;
    private final Map<Key, Timeout> scheduled = new HashMap<>();

    /** What a timeout is for. */
    enum Kind { HEARTBEAT, JOIN, SYNC, OFFSETS_EXPIRY }

    /**
     * A timeout's key.
     *
     * @param groupId  the group it concerns ({@code ""} for coordinator-wide tasks)
     * @param memberId the member it concerns ({@code ""} for group-wide ones)
     */
    record Key(String groupId, Kind kind, String memberId) {
        static Key heartbeat(String groupId, String memberId) {
            return new Key(groupId, Kind.HEARTBEAT, memberId);
        }

        static Key join(String groupId) {
            return new Key(groupId, Kind.JOIN, "");
        }

        static Key sync(String groupId) {
            return new Key(groupId, Kind.SYNC, "");
        }
    }

    CoordinatorTimer(Timer timer, Executor coordinatorThread) {
        this.timer = timer;
        this.coordinatorThread = coordinatorThread;
    }

    /** Runs {@code task} on the coordinator thread in {@code delayMs}, replacing what {@code key} had. */
    void schedule(Key key, long delayMs, Runnable task) {
        cancel(key);
        Timeout[] self = new Timeout[1];
        self[0] = timer.newTimeout(timeout -> post(key, self, task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        scheduled.put(key, self[0]);
    }

    void cancel(Key key) {
        Timeout timeout = scheduled.remove(key);
        if (timeout != null) {
            timeout.cancel();
        }
    }

    boolean isScheduled(Key key) {
        return scheduled.containsKey(key);
    }

    /** Cancels every timeout of group {@code groupId}. */
    void cancelAll(String groupId) {
        scheduled.entrySet().removeIf(entry -> {
            if (entry.getKey().groupId().equals(groupId)) {
                entry.getValue().cancel();
                return true;
            }
            return false;
        });
    }

    private void post(Key key, Timeout[] self, Runnable task) {
        try {
            coordinatorThread.execute(() -> {
                if (scheduled.get(key) != self[0]) {
                    return;
                }
                scheduled.remove(key);
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("Group coordinator timer task {} failed", key, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("Dropping timer task {}: the group coordinator is shutting down", key);
        }
    }
}
