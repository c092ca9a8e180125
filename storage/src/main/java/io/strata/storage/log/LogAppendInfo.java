package io.strata.storage.log;

/**
 * Outcome of one {@link PartitionLog#append}: where the records went.
 *
 * @param firstOffset    offset given to the first record (the original one for a duplicate batch)
 * @param lastOffset     offset given to the last record
 * @param maxTimestamp   largest timestamp of the appended records (the append time for LogAppendTime)
 * @param logAppendTime  the broker time stamped on the batches for LogAppendTime topics, else -1
 * @param logStartOffset the log start offset after the append
 * @param recordCount    number of records appended (0 for a duplicate)
 * @param duplicate      true when an idempotent producer retried a batch that is already in the log
 */
public record LogAppendInfo(
        long firstOffset,
        long lastOffset,
        long maxTimestamp,
        long logAppendTime,
        long logStartOffset,
        int recordCount,
        boolean duplicate) {
}
