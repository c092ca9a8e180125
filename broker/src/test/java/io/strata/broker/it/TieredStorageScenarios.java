package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.Poll;
import io.strata.tiering.store.ObjectStore;
import io.strata.tiering.store.S3ObjectStore;
import io.strata.tiering.store.S3ObjectStoreConfig;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tiered storage end to end, the way users see it: the real Kafka clients against a broker whose
 * sealed segments go to a real S3 API over HTTP (configured as an external S3 endpoint: S3Proxy in
 * {@link TieredStorageIT}, MinIO in {@link MinioTieredStorageIT}), 200 MiB over 3 partitions with 1 MiB
 * segments and no local retention, so that almost everything is read back from the bucket.
 *
 * <pre>
 *  partition p:  [ remote: 1 MiB segments, uploaded then deleted locally ......... ][ local: active ]
 *                ^ consumer from offset 0         ^ offsetsForTimes / seek into a remote segment
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TieredStorageScenarios {

    /** Starts (or points at) the object store of this run, in {@code dir} if it needs one. */
    abstract S3Endpoint startObjectStore(Path dir) throws Exception;


    private static final String TOPIC = "history";
    private static final int PARTITIONS = 3;
    private static final int VALUE_BYTES = 10 * 1024;
    /** 3 x 6,830 x 10 KiB: 200 MiB, about 200 segments of 1 MiB. */
    private static final int RECORDS_PER_PARTITION = 6_830;
    /** Recent enough that retention.ms (7 days) keeps everything. */
    private static final long BASE_TIMESTAMP = System.currentTimeMillis() - 3_600_000L;
    private static final String BUCKET = "tiered-it";

    private Path dir;
    private S3Endpoint s3;
    private ObjectStore bucket;
    private EmbeddedBroker broker;

    @BeforeAll
    void startBrokerAndProduce() throws Exception {
        dir = Files.createTempDirectory("tiered-it");
        s3 = startObjectStore(dir.resolve("s3"));
        bucket = S3ObjectStore.create(S3ObjectStoreConfig.forEndpoint(s3.endpoint(), BUCKET, s3.accessKey(),
                s3.secretKey()));
        Map<String, String> overrides = new HashMap<>();
        overrides.put("remote.log.storage.system.enable", "true");
        overrides.put("remote.log.storage.backend", "s3");
        overrides.put("remote.log.storage.s3.endpoint", s3.endpoint().toString());
        overrides.put("remote.log.storage.s3.bucket", BUCKET);
        overrides.put("remote.log.storage.s3.access.key", s3.accessKey());
        overrides.put("remote.log.storage.s3.secret.key", s3.secretKey());
        overrides.put("remote.log.manager.task.interval.ms", "200");
        overrides.put("log.retention.check.interval.ms", "200");
        overrides.put("remote.log.reader.chunk.size.bytes", String.valueOf(4 * 1024 * 1024));
        broker = EmbeddedBroker.start(dir.resolve("broker"), overrides);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1).configs(Map.of(
                    "remote.storage.enable", "true",
                    "segment.bytes", String.valueOf(1024 * 1024),
                    "local.retention.bytes", "0")))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024))) {
            for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    producer.send(new ProducerRecord<>(TOPIC, p, BASE_TIMESTAMP + i, key(p, i), value(p, i)));
                }
            }
            producer.flush();
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
        if (bucket != null) {
            bucket.close();
        }
        if (s3 != null) {
            s3.server().close();
        }
        Utils.delete(dir.toFile());
    }

    @Test
    void shouldServeEveryRecordFromOffsetZeroOnceTheSegmentsAreInTheBucketAndGoneLocally() throws Exception {
        // given: local copies deleted after upload, the objects in the bucket
        awaitTiered();
        for (int p = 0; p < PARTITIONS; p++) {
            String segments = "/" + p + "/segments/";
            List<ObjectStore.ObjectSummary> logs = bucket.list("").join().stream()
                    .filter(o -> o.key().contains(segments) && o.key().endsWith(".log")).toList();
            assertTrue(logs.size() >= 10, "partition " + p + " has " + logs.size() + " remote .log objects");
        }

        // when
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> read = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000))) {
            List<TopicPartition> all = partitions();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (total(read) < PARTITIONS * RECORDS_PER_PARTITION && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), tp -> new ArrayList<>())
                            .add(record);
                }
            }
        }

        // then: every record, byte-identical, in order
        for (int p = 0; p < PARTITIONS; p++) {
            List<ConsumerRecord<byte[], byte[]>> records = read.getOrDefault(new TopicPartition(TOPIC, p), List.of());
            assertEquals(RECORDS_PER_PARTITION, records.size(), "records of partition " + p);
            for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                ConsumerRecord<byte[], byte[]> record = records.get(i);
                assertEquals(i, record.offset());
                assertEquals(BASE_TIMESTAMP + i, record.timestamp());
                assertArrayEquals(key(p, i), record.key());
                assertArrayEquals(value(p, i), record.value(), "value of partition " + p + " offset " + i);
            }
        }
    }

    @Test
    void shouldFindOffsetsByTimestampAndSeekIntoTheMiddleOfARemoteSegment() throws Exception {
        // given
        awaitTiered();
        TopicPartition tp = new TopicPartition(TOPIC, 1);
        long target = 437;

        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            // when: a timestamp inside the remote tier
            Map<TopicPartition, OffsetAndTimestamp> found =
                    consumer.offsetsForTimes(Map.of(tp, BASE_TIMESTAMP + target), Duration.ofSeconds(30));

            // then
            assertEquals(target, found.get(tp).offset());
            assertEquals(BASE_TIMESTAMP + target, found.get(tp).timestamp());
        }

        // and: a consumer seeking into the middle of a remote segment gets exactly that record first
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, target);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            Poll.until(Duration.ofSeconds(30), "records from offset " + target,
                    () -> records.addAll(consumer.poll(Duration.ofMillis(100)).records(tp)) && records.size() >= 5);
            for (int i = 0; i < 5; i++) {
                assertEquals(target + i, records.get(i).offset());
                assertArrayEquals(value(1, (int) target + i), records.get(i).value());
            }
        }
    }

    @Test
    void shouldReportTheRemoteAndLocalStartsThroughListOffsets() throws Exception {
        // given
        awaitTiered();
        TopicPartition tp = new TopicPartition(TOPIC, 2);

        try (Admin admin = broker.admin()) {
            // when
            long earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset();
            long earliestLocal = admin.listOffsets(Map.of(tp, OffsetSpec.earliestLocal())).partitionResult(tp).get()
                    .offset();
            long latestTiered = admin.listOffsets(Map.of(tp, OffsetSpec.latestTiered())).partitionResult(tp).get()
                    .offset();
            long latest = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();

            // then
            assertEquals(0L, earliest);
            assertEquals(latestTiered + 1, earliestLocal);
            assertEquals(RECORDS_PER_PARTITION, latest);
            assertTrue(earliestLocal > 0 && earliestLocal <= latest, "earliest local " + earliestLocal);
        }
    }

    @Test
    void shouldPublishUploadsRequestsAndCacheFiguresOverJmx() throws Exception {
        // given: a topic of its own (other tests may restart the broker, which resets the counters)
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.strata:type=RemoteStorage");
        TopicPartition tp = new TopicPartition("metered", 0);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1).configs(Map.of(
                    "remote.storage.enable", "true", "segment.bytes", String.valueOf(1024 * 1024),
                    "local.retention.bytes", "0")))).all().get();
        }
        long uploadedBefore = (Long) jmx.getAttribute(name, "SegmentsUploaded");
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            for (int i = 0; i < 300; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), 0, BASE_TIMESTAMP + i, key(0, i), value(0, i)));
            }
        }

        // when: its sealed segments are uploaded, and a consumer reads its start from the bucket
        Poll.until(Duration.ofSeconds(60), "two segments of " + tp + " uploaded and gone locally",
                () -> (Long) attribute(jmx, name, "SegmentsUploaded") >= uploadedBefore + 2
                        && attribute(jmx, name, "UploadLagSegments").equals(0));
        try (Admin admin = broker.admin()) {
            Poll.until(Duration.ofSeconds(30), "local segments of " + tp + " deleted",
                    () -> offset(admin, tp, OffsetSpec.earliestLocal()) > 0);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 0);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            Poll.until(Duration.ofSeconds(30), "records from offset 0",
                    () -> records.addAll(consumer.poll(Duration.ofMillis(100)).records(tp)) && !records.isEmpty());
            assertArrayEquals(value(0, 0), records.get(0).value());
        }

        // then
        long uploaded = (Long) jmx.getAttribute(name, "SegmentsUploaded");
        assertTrue((Long) jmx.getAttribute(name, "BytesUploaded") >= uploaded * 900_000L);
        assertTrue((Long) jmx.getAttribute(name, "PutRequests") >= uploaded * 5, "a PUT per object");
        assertTrue((Long) jmx.getAttribute(name, "GetRequests") > 0);
        assertTrue((Long) jmx.getAttribute(name, "RemoteBytesRead") > 0);
        assertTrue((Long) jmx.getAttribute(name, "RemoteBytesServed") > 0);
        assertTrue((Long) jmx.getAttribute(name, "ChunkCacheMisses") > 0);
        double hitRate = (Double) jmx.getAttribute(name, "ChunkCacheHitRate");
        assertTrue(hitRate >= 0 && hitRate < 1, "hit rate " + hitRate);
        assertEquals(0L, jmx.getAttribute(name, "UploadFailures"));
    }

    private static Object attribute(MBeanServer jmx, ObjectName name, String attribute) {
        try {
            return jmx.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shouldStillServeTheRemoteTierAfterARestartWithTheLocalDataKept() throws Exception {
        // given
        awaitTiered();

        // when: the broker restarts and reloads its remote logs from the bucket
        broker.restart();

        // then
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000))) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            Poll.until(Duration.ofSeconds(60), "every record of " + tp + " after the restart", () -> {
                records.addAll(consumer.poll(Duration.ofMillis(100)).records(tp));
                return records.size() >= RECORDS_PER_PARTITION;
            });
            for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                assertEquals(i, records.get(i).offset());
                assertArrayEquals(value(0, i), records.get(i).value());
            }
        }
        awaitTiered();
    }

    /** Waits until every partition's sealed segments are uploaded and deleted locally. */
    private void awaitTiered() {
        try (Admin admin = broker.admin()) {
            Poll.until(Duration.ofSeconds(120), "sealed segments uploaded and deleted locally", () -> {
                for (TopicPartition tp : partitions()) {
                    long earliestLocal = offset(admin, tp, OffsetSpec.earliestLocal());
                    long latestTiered = offset(admin, tp, OffsetSpec.latestTiered());
                    // One 1 MiB segment holds about 100 records of 10 KiB: only the active one stays.
                    if (earliestLocal != latestTiered + 1 || earliestLocal < RECORDS_PER_PARTITION - 200) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    private static long offset(Admin admin, TopicPartition tp, OffsetSpec spec) {
        try {
            return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get().offset();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private static List<TopicPartition> partitions() {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            all.add(new TopicPartition(TOPIC, p));
        }
        return all;
    }

    private static int total(Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> read) {
        return read.values().stream().mapToInt(List::size).sum();
    }

    private static byte[] key(int partition, int index) {
        return ("p" + partition + "-" + index).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int partition, int index) {
        byte[] value = new byte[VALUE_BYTES];
        new Random(partition * 1_000_003L + index).nextBytes(value);
        return value;
    }
}
