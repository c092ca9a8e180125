package io.strata.storage.producer;

import org.apache.kafka.common.record.internal.DefaultRecordBatch;

/**
 * Where one appended batch of an idempotent producer went: its sequence range, its offset range
 * and its max timestamp (Kafka's {@code BatchMetadata}). The first sequence and first offset are
 * derived from the last ones and {@code offsetDelta}, so a retry of the batch can be recognized and
 * answered with the original offsets.
 *
 * <p>This record is immutable and thread-safe.
 *
 * @param lastSeq     sequence number of the batch's last record
 * @param lastOffset  offset of the batch's last record
 * @param offsetDelta number of records in the batch minus one ({@code lastOffset - firstOffset})
 * @param timestamp   the batch's max timestamp (the append time for LogAppendTime topics)
 */
public record BatchMetadata(int lastSeq, long lastOffset, int offsetDelta, long timestamp) {

    public BatchMetadata {
        if (offsetDelta < 0) {
            throw new IllegalArgumentException("Negative offset delta " + offsetDelta);
        }
    }

    /** Sequence number of the batch's first record (wrapping below 0 to {@code Integer.MAX_VALUE}). */
    public int firstSeq() {
        return DefaultRecordBatch.decrementSequence(lastSeq, offsetDelta);
    }

    /** Offset of the batch's first record. */
    public long firstOffset() {
        return lastOffset - offsetDelta;
    }
}
