package io.strata.storage.producer;

import org.apache.kafka.common.KafkaException;

/**
 * A producer state snapshot file that cannot be used: unknown version, truncated or CRC mismatch
 * (Kafka's {@code CorruptSnapshotException}). The snapshot is discarded and the state rebuilt from
 * an older snapshot or the log.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class CorruptSnapshotException extends KafkaException {

    public CorruptSnapshotException(String message) {
        super(message);
    }

    public CorruptSnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
