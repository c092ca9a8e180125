package io.strata.benchmarks.jmh;

import io.strata.storage.log.LogConfig;
import io.strata.storage.log.PartitionLog;
import io.strata.storage.log.PartitionLogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.util.KafkaScheduler;
import org.apache.kafka.storage.internals.log.LogDirFailureChannel;
import org.apache.kafka.storage.internals.log.ProducerStateManagerConfig;
import org.apache.kafka.storage.internals.log.UnifiedLog;
import org.apache.kafka.storage.log.metrics.BrokerTopicStats;

/**
 * Opens a Strata {@link PartitionLog} and an Apache Kafka {@link UnifiedLog} of one partition with
 * the same settings, each in its own temporary directory: Kafka's defaults (index.interval.bytes
 * 4096, segment.index.bytes 10 MiB, CreateTime, no fsync by flush.messages/flush.ms) except
 * segment.bytes and retention.bytes as given, retention.ms -1 and file.delete.delay.ms 0.
 *
 * <p>Both logs flush a rolled segment in the background (neither can be configured not to); on a
 * tmpfs benchmark directory (see {@link BenchmarkDirs}) those flushes do no I/O.
 *
 * <p>This class is thread-safe (stateless); the handles it returns are not.
 */
final class BenchmarkLogs {

    static final TopicPartition PARTITION = new TopicPartition("bench", 0);
    static final Uuid TOPIC_ID = Uuid.fromString("c3RyYXRhLWJlbmNobWFyaw");
    static final int LEADER_EPOCH = 0;

    /** Kafka's default transaction.max.timeout.ms. */
    private static final int MAX_TRANSACTION_TIMEOUT_MS = 15 * 60 * 1000;
    /** Kafka's default producer.id.expiration.ms. */
    private static final int PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;
    /** Kafka's default producer.id.expiration.check.interval.ms. */
    private static final int PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = 10 * 60 * 1000;

    private BenchmarkLogs() {
    }

    /** Strata's settings: Kafka's defaults with the given segment and retention sizes (see the class comment). */
    static LogConfig strataConfig(int segmentBytes, long retentionBytes) {
        LogConfig defaults = LogConfig.defaults();
        return new LogConfig(segmentBytes, defaults.segmentMs(), -1L, retentionBytes, defaults.maxMessageBytes(),
                defaults.timestampType(), defaults.timestampBeforeMaxMs(), defaults.timestampAfterMaxMs(),
                defaults.indexIntervalBytes(), defaults.segmentIndexBytes(), 0L, defaults.flushMessages(),
                defaults.flushMs());
    }

    /** The same settings for Kafka's log. */
    static org.apache.kafka.storage.internals.log.LogConfig kafkaConfig(int segmentBytes, long retentionBytes) {
        Map<String, Object> props = new HashMap<>();
        props.put(TopicConfig.SEGMENT_BYTES_CONFIG, segmentBytes);
        props.put(TopicConfig.RETENTION_BYTES_CONFIG, retentionBytes);
        props.put(TopicConfig.RETENTION_MS_CONFIG, -1L);
        props.put(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, 0L);
        return new org.apache.kafka.storage.internals.log.LogConfig(props);
    }

    /** Opens an empty Strata log with {@code config}, through {@link PartitionLogs} as the broker does. */
    static StrataLog openStrata(String prefix, LogConfig config) {
        Path dir = BenchmarkDirs.create(prefix);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "storage-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        PartitionLogs logs = PartitionLogs.open(List.of(dir), topic -> config, Time.SYSTEM, scheduler);
        return new StrataLog(dir, scheduler, logs, logs.getOrCreate(PARTITION, TOPIC_ID, config));
    }

    /** Opens an empty Kafka log with {@code config}, as Kafka's {@code LogManager} creates a partition's log. */
    static KafkaLog openKafka(String prefix, org.apache.kafka.storage.internals.log.LogConfig config) {
        Path root = BenchmarkDirs.create(prefix);
        KafkaScheduler scheduler = new KafkaScheduler(1, true, "kafka-scheduler-");
        scheduler.startup();
        BrokerTopicStats stats = new BrokerTopicStats(false);
        try {
            Path dir = Files.createDirectories(root.resolve(UnifiedLog.logDirName(PARTITION)));
            UnifiedLog log = UnifiedLog.create(dir.toFile(), config, 0L, 0L, scheduler, stats, Time.SYSTEM,
                    MAX_TRANSACTION_TIMEOUT_MS, new ProducerStateManagerConfig(PRODUCER_ID_EXPIRATION_MS, false),
                    PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, new LogDirFailureChannel(1), true, Optional.of(TOPIC_ID));
            return new KafkaLog(root, scheduler, stats, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a Kafka log under " + root, e);
        }
    }

    /** A Strata partition log in its own log dir. Not thread-safe. */
    record StrataLog(Path dir, ScheduledExecutorService scheduler, PartitionLogs logs, PartitionLog log) {

        /** Deletes the segments that retention.bytes no longer keeps (the broker's periodic retention check). */
        void enforceRetention() {
            log.deleteRetentionExpiredSegments(System.currentTimeMillis());
        }

        /** Closes the log and deletes its directory. */
        void close() throws InterruptedException {
            try {
                logs.close();
            } finally {
                scheduler.shutdownNow();
                scheduler.awaitTermination(30, TimeUnit.SECONDS);
                BenchmarkDirs.deleteRecursively(dir);
            }
        }
    }

    /** A Kafka partition log in its own log dir. Not thread-safe. */
    record KafkaLog(Path dir, KafkaScheduler scheduler, BrokerTopicStats stats, UnifiedLog log) {

        /**
         * Single node: advances the high watermark to the log end offset (Kafka's {@code Partition}
         * does so after each append when the ISR is the leader alone).
         */
        void advanceHighWatermark() {
            try {
                log.updateHighWatermark(log.logEndOffset());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Deletes the segments that retention.bytes no longer keeps (Kafka's {@code LogManager}
         * retention check); Kafka deletes only below the high watermark, so that moves first.
         */
        void enforceRetention() {
            advanceHighWatermark();
            try {
                log.deleteOldSegments();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Closes the log and deletes its directory. */
        void close() throws InterruptedException {
            try {
                log.close();
            } finally {
                scheduler.shutdown();
                stats.close();
                BenchmarkDirs.deleteRecursively(dir);
            }
        }
    }
}
