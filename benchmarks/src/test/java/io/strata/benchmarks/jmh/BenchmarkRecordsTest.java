package io.strata.benchmarks.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class BenchmarkRecordsTest {

    @Test
    void shouldFillBatchUpToProducerBatchSizeWhenBuilt() {
        // given
        Random random = new Random(BenchmarkRecords.SEED);

        // when
        MemoryRecords records = BenchmarkRecords.batch(random, 1_000L);

        // then
        MutableRecordBatch batch = records.batches().iterator().next();
        assertEquals(63, batch.countOrNull());
        assertTrue(records.sizeInBytes() <= BenchmarkRecords.BATCH_SIZE);
        assertTrue(records.sizeInBytes() > BenchmarkRecords.BATCH_SIZE - BenchmarkRecords.RECORD_BYTES - 64);
        assertEquals(RecordBatch.MAGIC_VALUE_V2, batch.magic());
        assertEquals(0L, batch.baseOffset());
        assertFalse(batch.hasProducerId());
        batch.ensureValid();
    }

    @Test
    void shouldRestoreClientHeaderWhenAppendRewroteIt() {
        // given
        MemoryRecords records = BenchmarkRecords.batch(new Random(BenchmarkRecords.SEED), 1_000L);
        MutableRecordBatch batch = records.batches().iterator().next();
        batch.setLastOffset(5_000L + batch.lastOffset());
        batch.setPartitionLeaderEpoch(7);

        // when
        BenchmarkRecords.resetForAppend(records);

        // then
        assertEquals(0L, batch.baseOffset());
        assertEquals(62L, batch.lastOffset());
        assertEquals(RecordBatch.NO_PARTITION_LEADER_EPOCH, batch.partitionLeaderEpoch());
        batch.ensureValid();
    }

    @Test
    void shouldHandOutDistinctBatchesRoundRobinWhenRingIsUsed() {
        // given
        BenchmarkRecords.Ring ring = new BenchmarkRecords.Ring(2, 1_000L);

        // when
        MemoryRecords first = ring.next();
        MemoryRecords second = ring.next();
        MemoryRecords third = ring.next();

        // then
        assertNotEquals(first.buffer(), second.buffer());
        assertSame(first, third);
    }
}
