package io.strata.benchmarks.jmh;

import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Record batches as a producer sends them: format v2, uncompressed, CreateTime, no producer id,
 * filled with random (incompressible) 1 KiB values up to a {@code batch.size} of 64 KiB, the way
 * kafka-clients' {@code RecordAccumulator} fills a batch ({@link MemoryRecordsBuilder#hasRoomFor}).
 *
 * <p>A batch appended to a log has its baseOffset and partition leader epoch rewritten in place
 * (both Strata and Kafka do that, and neither field is covered by the CRC), and both logs reject a
 * client batch whose baseOffset is not 0. {@link Ring} therefore resets those two header fields
 * before handing a batch out again, so that the same bytes can be appended over and over.
 *
 * <p>This class is thread-safe (stateless); a {@link Ring} is not.
 */
final class BenchmarkRecords {

    /** Size of one record value. */
    static final int RECORD_BYTES = 1024;
    /** The producer's {@code batch.size} the batches are filled to. */
    static final int BATCH_SIZE = 64 * 1024;
    /** Seed of every random payload, so that the Strata and Kafka benchmarks see the same bytes. */
    static final long SEED = 0x5742a7aL;

    private BenchmarkRecords() {
    }

    /** One batch of random 1 KiB values, filled up to {@link #BATCH_SIZE}, baseOffset 0, stamped {@code timestamp}. */
    static MemoryRecords batch(Random random, long timestamp) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(BATCH_SIZE), RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.NONE, TimestampType.CREATE_TIME, 0L);
        byte[] value = new byte[RECORD_BYTES];
        random.nextBytes(value);
        while (builder.hasRoomFor(timestamp, null, value, Record.EMPTY_HEADERS)) {
            builder.append(timestamp, null, value);
            value = new byte[RECORD_BYTES];
            random.nextBytes(value);
        }
        return builder.build();
    }

    /** Resets what an append rewrote in place: baseOffset back to 0, partition leader epoch back to "none". */
    static void resetForAppend(MemoryRecords records) {
        for (MutableRecordBatch batch : records.batches()) {
            batch.setLastOffset(batch.lastOffset() - batch.baseOffset());
            batch.setPartitionLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH);
        }
    }

    /**
     * A fixed set of distinct batches handed out round robin, each reset for a new append; a few
     * distinct buffers rather than one, so that a benchmark does not read one hot 64 KiB buffer
     * only. Not thread-safe.
     */
    static final class Ring {

        private final MemoryRecords[] batches;
        private int next;

        /** {@code count} (a power of two) batches from a random generator seeded with {@link #SEED}. */
        Ring(int count, long timestamp) {
            if (Integer.bitCount(count) != 1) {
                throw new IllegalArgumentException("count must be a power of two: " + count);
            }
            Random random = new Random(SEED);
            batches = new MemoryRecords[count];
            for (int i = 0; i < count; i++) {
                batches[i] = batch(random, timestamp);
            }
        }

        /** The next batch, ready to be appended as a client's batch. */
        MemoryRecords next() {
            MemoryRecords records = batches[next];
            next = (next + 1) & (batches.length - 1);
            resetForAppend(records);
            return records;
        }

        /** Size of the batches in bytes (all have the same). */
        int batchSizeInBytes() {
            return batches[0].sizeInBytes();
        }
    }
}
