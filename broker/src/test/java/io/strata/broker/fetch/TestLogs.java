package io.strata.broker.fetch;

import io.strata.storage.log.LogConfig;
import io.strata.storage.log.PartitionLog;
import io.strata.storage.log.PartitionLogs;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;

/**
 * Real partition logs in a test directory, and a helper to append batches of a chosen size.
 *
 * <p>This class is not thread-safe.
 */
public final class TestLogs implements AutoCloseable {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final PartitionLogs logs;

    public TestLogs(Path dir) {
        this.logs = PartitionLogs.open(List.of(dir), topic -> LogConfig.defaults(), Time.SYSTEM, scheduler);
    }

    public PartitionLog create(String topic, int partition, Uuid topicId) {
        return logs.getOrCreate(new TopicPartition(topic, partition), topicId, LogConfig.defaults());
    }

    /**
     * A tiered log whose first {@code remoteBatches} single-batch segments are "uploaded" and deleted
     * locally, followed by {@code localBatches} local ones: offsets {@code [0, remoteBatches)} are then
     * only in the remote tier.
     */
    public PartitionLog createTiered(String topic, int partition, int remoteBatches, int localBatches) {
        MemoryRecords sample = recordsOf(1, 100);
        LogConfig config = LogConfig.defaults().withSegmentBytes(sample.sizeInBytes())
                .withRemoteStorage(true, LogConfig.FOLLOW_RETENTION, 0L);
        PartitionLog log = logs.getOrCreate(new TopicPartition(topic, partition), Uuid.randomUuid(), config);
        for (int i = 0; i < remoteBatches + localBatches; i++) {
            log.append(recordsOf(1, 100), 0);
        }
        log.updateHighestOffsetInRemoteStorage(remoteBatches - 1);
        log.deleteRetentionExpiredSegments(System.currentTimeMillis());
        return log;
    }

    /** Appends one uncompressed batch of {@code records} records with {@code valueBytes}-byte values. */
    public static MemoryRecords append(PartitionLog log, int records, int valueBytes) {
        MemoryRecords memoryRecords = recordsOf(records, valueBytes);
        log.append(memoryRecords, 0);
        return memoryRecords;
    }

    private static MemoryRecords recordsOf(int records, int valueBytes) {
        SimpleRecord[] batch = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[valueBytes];
            Arrays.fill(value, (byte) ('a' + i % 26));
            batch[i] = new SimpleRecord(System.currentTimeMillis(), value);
        }
        return MemoryRecords.withRecords(Compression.NONE, batch);
    }

    @Override
    public void close() {
        logs.close();
        scheduler.shutdownNow();
    }
}
