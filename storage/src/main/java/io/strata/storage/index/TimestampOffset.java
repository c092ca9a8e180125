package io.strata.storage.index;

import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * An entry of the {@link TimeIndex}: the largest timestamp seen up to a record batch and the last
 * offset of the batch that carries it.
 *
 * @param timestamp largest timestamp so far, or {@link RecordBatch#NO_TIMESTAMP}
 * @param offset    absolute offset (the index stores it relative to the segment's base offset)
 *
 * <p>Immutable and thread-safe.
 */
public record TimestampOffset(long timestamp, long offset) {

    /** The entry of an empty time index for a segment starting at {@code baseOffset}. */
    public static TimestampOffset empty(long baseOffset) {
        return new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset);
    }
}
