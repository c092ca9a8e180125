package io.strata.storage.index;

import org.apache.kafka.common.KafkaException;

/**
 * Thrown when an offset cannot be stored in an index because its distance from the segment's base
 * offset does not fit in the 4-byte relative offset (negative or above {@link Integer#MAX_VALUE}).
 * The log layer avoids it by rolling a new segment first.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class IndexOffsetOverflowException extends KafkaException {

    public IndexOffsetOverflowException(String message) {
        super(message);
    }
}
