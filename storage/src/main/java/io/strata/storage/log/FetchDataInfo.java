package io.strata.storage.log;

import org.apache.kafka.common.record.internal.Records;

/**
 * Result of {@link PartitionLog#read}: a view of stored record bytes plus the partition's offsets
 * at the time of the read. {@code records} is a {@code FileRecords} slice of one segment (sent with
 * sendfile, never copied to the heap) or {@code MemoryRecords.EMPTY}. {@code inRemoteTier} says the
 * fetch offset is no longer on local disk but in the remote tier (the records are then empty and
 * the caller reads the remote tier instead).
 */
public record FetchDataInfo(
        long fetchOffset,
        Records records,
        long highWatermark,
        long logStartOffset,
        long logEndOffset,
        boolean inRemoteTier) {

    /** Records read from local disk. */
    public FetchDataInfo(long fetchOffset, Records records, long highWatermark, long logStartOffset,
                         long logEndOffset) {
        this(fetchOffset, records, highWatermark, logStartOffset, logEndOffset, false);
    }
}
