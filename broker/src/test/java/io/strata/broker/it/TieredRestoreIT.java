package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore: a broker started with an empty data directory on a bucket that holds tiered topics
 * recreates them (same ids, partitions and configs) and serves everything that was uploaded, then
 * continues the partitions' offsets.
 *
 * <pre>
 *  broker A:  [ uploaded 0 .. n-1 ][ active, never uploaded ]   stopped, data directory lost
 *  broker B:  [ remote 0 .. n-1   ][ appends from n ... ]       empty data directory, same bucket
 * </pre>
 */
class TieredRestoreIT {

    /** The object store of this run: S3Proxy here, MinIO in {@link MinioTieredRestoreIT}. */
    S3Endpoint startObjectStore(Path dir) throws Exception {
        return S3Endpoint.s3Proxy(dir);
    }

    private static final String TOPIC = "ledger";
    private static final int PARTITIONS = 2;
    private static final int RECORDS = 400;
    private static final int VALUE_BYTES = 10 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldRebuildTieredTopicsFromTheBucketIntoAnEmptyDataDirectory() throws Exception {
        S3Endpoint s3 = startObjectStore(dir.resolve("s3"));
        try (AutoCloseable server = s3.server()) {
            // given: broker A tiers a topic, then is gone with its data directory
            Map<String, String> overrides = new HashMap<>();
            overrides.put("remote.log.storage.system.enable", "true");
            overrides.put("remote.log.storage.backend", "s3");
            overrides.put("remote.log.storage.s3.endpoint", s3.endpoint().toString());
            overrides.put("remote.log.storage.s3.bucket", "restore-it");
            overrides.put("remote.log.storage.s3.access.key", s3.accessKey());
            overrides.put("remote.log.storage.s3.secret.key", s3.secretKey());
            overrides.put("remote.log.manager.task.interval.ms", "200");
            overrides.put("log.retention.check.interval.ms", "200");
            Uuid topicId;
            long[] uploadedEnd = new long[PARTITIONS];
            try (EmbeddedBroker a = EmbeddedBroker.start(dir.resolve("a"), overrides); Admin admin = a.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1).configs(Map.of(
                        "remote.storage.enable", "true", "segment.bytes", String.valueOf(1024 * 1024),
                        "local.retention.bytes", "0", "retention.ms", "-1")))).all().get();
                topicId = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId();
                try (KafkaProducer<byte[], byte[]> producer = a.producer(Map.of())) {
                    for (int i = 0; i < RECORDS; i++) {
                        for (int p = 0; p < PARTITIONS; p++) {
                            producer.send(new ProducerRecord<>(TOPIC, p, null, value(p, i)));
                        }
                    }
                }
                for (int p = 0; p < PARTITIONS; p++) {
                    TopicPartition tp = new TopicPartition(TOPIC, p);
                    Poll.until(Duration.ofSeconds(60), "sealed segments of " + tp + " uploaded and gone locally",
                            () -> offset(admin, tp, OffsetSpec.earliestLocal()) > RECORDS / 2
                                    && offset(admin, tp, OffsetSpec.earliestLocal())
                                    == offset(admin, tp, OffsetSpec.latestTiered()) + 1);
                    uploadedEnd[p] = offset(admin, tp, OffsetSpec.latestTiered()) + 1;
                }
            }

            // when: broker B starts on an empty data directory and the same bucket
            try (EmbeddedBroker b = EmbeddedBroker.start(dir.resolve("b"), overrides); Admin admin = b.admin()) {
                // then: the topic is back with its id and configs
                assertEquals(topicId, admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).topicId());
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
                Config configs = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertEquals("true", configs.get("remote.storage.enable").value());
                assertEquals("1048576", configs.get("segment.bytes").value());

                for (int p = 0; p < PARTITIONS; p++) {
                    TopicPartition tp = new TopicPartition(TOPIC, p);
                    assertEquals(0L, offset(admin, tp, OffsetSpec.earliest()));
                    assertEquals(uploadedEnd[p], offset(admin, tp, OffsetSpec.latest()));

                    // every uploaded record, byte-identical, from offset 0
                    List<ConsumerRecord<byte[], byte[]>> records = readFromStart(b, tp, (int) uploadedEnd[p]);
                    for (int i = 0; i < uploadedEnd[p]; i++) {
                        assertEquals(i, records.get(i).offset());
                        assertArrayEquals(value(p, i), records.get(i).value(), tp + " offset " + i);
                    }
                }

                // and: the partitions continue where the bucket ends
                try (KafkaProducer<byte[], byte[]> producer = b.producer(Map.of())) {
                    long next = producer.send(new ProducerRecord<>(TOPIC, 0, null, value(0, 9999))).get().offset();
                    assertEquals(uploadedEnd[0], next);
                }
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readFromStart(EmbeddedBroker broker, TopicPartition tp,
                                                                      int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            Poll.until(Duration.ofSeconds(60), count + " records of " + tp, () -> {
                records.addAll(consumer.poll(Duration.ofMillis(100)).records(tp));
                return records.size() >= count;
            });
            assertTrue(records.size() == count, "no records beyond what was uploaded: " + records.size());
            return records;
        }
    }

    private static long offset(Admin admin, TopicPartition tp, OffsetSpec spec) {
        try {
            return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get().offset();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] value(int partition, int index) {
        byte[] value = new byte[VALUE_BYTES];
        new Random(partition * 1_000_003L + index).nextBytes(value);
        return value;
    }
}
