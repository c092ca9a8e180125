package io.strata.storage.log;

import org.apache.kafka.common.record.internal.Records;

/**
 * Result of {@link PartitionLog#read}: a view of stored record bytes plus the partition's offsets
 * at the time of the read. {@code records} is a {@code FileRecords} slice of one segment (sent with
 * sendfile, never copied to the heap) or {@code MemoryRecords.EMPTY}.
 */
public record FetchDataInfo(
        long fetchOffset,
        Records records,
        long highWatermark,
        long logStartOffset,
        long logEndOffset) {
}
