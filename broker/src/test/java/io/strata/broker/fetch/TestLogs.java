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

    /** Appends one uncompressed batch of {@code records} records with {@code valueBytes}-byte values. */
    public static MemoryRecords append(PartitionLog log, int records, int valueBytes) {
        SimpleRecord[] batch = new SimpleRecord[records];
        for (int i = 0; i < records; i++) {
            byte[] value = new byte[valueBytes];
            Arrays.fill(value, (byte) ('a' + i % 26));
            batch[i] = new SimpleRecord(System.currentTimeMillis(), value);
        }
        MemoryRecords memoryRecords = MemoryRecords.withRecords(Compression.NONE, batch);
        log.append(memoryRecords, 0);
        return memoryRecords;
    }

    @Override
    public void close() {
        logs.close();
        scheduler.shutdownNow();
    }
}
