package io.strata.broker.fetch;

import io.strata.storage.log.PartitionLog;
import io.strata.tiering.RemoteLogManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Reads one partition from the remote tier for a fetch: the {@link RemoteLogManager} in a broker.
 * The future fails with the partition's error (KAFKA_STORAGE_ERROR while the tier is unavailable).
 */
@FunctionalInterface
public interface RemoteTierReader {

    CompletableFuture<MemoryRecords> read(PartitionLog log, long fetchOffset, int maxBytes, boolean minOneMessage);

    /** A broker without a remote tier: every read fails with KAFKA_STORAGE_ERROR. */
    RemoteTierReader UNAVAILABLE = of(() -> null);

    /**
     * Reads through the manager {@code manager} supplies; while it supplies null (tiering disabled, or
     * still starting) and when its read queue is full, reads fail with KAFKA_STORAGE_ERROR.
     */
    static RemoteTierReader of(Supplier<RemoteLogManager> manager) {
        return (log, fetchOffset, maxBytes, minOneMessage) -> {
            RemoteLogManager current = manager.get();
            if (current == null) {
                return CompletableFuture.failedFuture(new KafkaStorageException(
                        "The remote tier is not available (disabled, or still starting)"));
            }
            try {
                return current.read(log, fetchOffset, maxBytes, minOneMessage);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.failedFuture(new KafkaStorageException("Too many remote reads queued", e));
            }
        };
    }
}
