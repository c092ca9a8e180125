package io.strata.broker.group;

import io.strata.storage.log.FetchDataInfo;
import io.strata.storage.log.PartitionLog;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Reads one {@code __consumer_offsets} partition from its log start offset to its log end offset
 * and replays every record into a {@link PartitionState}, as Kafka's coordinator loads a partition
 * it becomes the leader of.
 *
 * <p>This class is thread-safe (stateless); {@link #load} does file reads, so it runs on the
 * partition's storage thread.
 */
final class OffsetsPartitionLoader {

    /** Kafka's {@code offsets.load.buffer.size}: how much one read asks for. */
    static final int LOAD_BUFFER_BYTES = 5 * 1024 * 1024;

    private OffsetsPartitionLoader() {
    }

    /**
     * Replays the whole partition.
     *
     * @throws IllegalStateException when a record is not a valid {@code __consumer_offsets} record
     * @throws org.apache.kafka.common.errors.KafkaStorageException when the log cannot be read
     */
    static PartitionState load(PartitionLog log) {
        PartitionState state = new PartitionState();
        long offset = log.logStartOffset();
        long end = log.logEndOffset();
        while (offset < end) {
            FetchDataInfo read = log.read(offset, LOAD_BUFFER_BYTES, true);
            long next = offset;
            for (RecordBatch batch : read.records().batches()) {
                if (batch.lastOffset() < offset || batch.isControlBatch()) {
                    next = Math.max(next, batch.nextOffset());
                    continue;
                }
                for (Record record : batch) {
                    if (record.offset() >= offset) {
                        OffsetsTopicRecords.fromRecord(record).ifPresent(state::apply);
                    }
                }
                next = batch.nextOffset();
            }
            if (next == offset) {
                // Nothing readable from here on (records deleted below the end): the partition is done.
                break;
            }
            offset = next;
        }
        return state;
    }
}
