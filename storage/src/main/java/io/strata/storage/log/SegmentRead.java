package io.strata.storage.log;

import org.apache.kafka.common.record.internal.FileRecords;

/**
 * The result of {@link LogSegment#read}: where the read starts in the segment and the bytes it returns.
 *
 * @param firstBatchBaseOffset base offset of the first batch in {@code records} (it may be lower than
 *                             the requested offset: batches are never split)
 * @param startPosition        byte position of that batch in the segment's {@code .log} file
 * @param records              a slice of the segment's file, never copied to the heap; it shares the
 *                             segment's channel, so it must not be closed
 * @param firstEntryIncomplete true when {@code records} ends inside its first batch because that batch
 *                             is larger than the requested size and {@code minOneMessage} was false
 *                             (Kafka then returns empty records to fetch v3+ clients)
 *
 * <p>Immutable and thread-safe.
 */
public record SegmentRead(long firstBatchBaseOffset, int startPosition, FileRecords records,
                          boolean firstEntryIncomplete) {
}
