package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default a user gets: tiering on the embedded object store (an S3 server inside the broker
 * keeping its objects as files in {@code remote.log.storage.embedded.dir}), every topic tiered by
 * the broker default {@code log.remote.storage.enable}, no per-topic settings but the segment size
 * and local retention.
 */
class EmbeddedObjectStoreIT {

    private static final int RECORDS = 400;
    private static final int VALUE_BYTES = 16 * 1024;

    @TempDir
    Path dir;

    @Test
    void shouldTierEveryTopicOnTheEmbeddedStoreAndReadItBack() throws Exception {
        // given
        Path objects = dir.resolve("objects");
        TopicPartition tp = new TopicPartition("defaults", 0);
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of(
                "remote.log.storage.system.enable", "true",
                "log.remote.storage.enable", "true",
                "log.local.retention.bytes", "0",
                "remote.log.storage.embedded.dir", objects.toString(),
                "remote.log.manager.task.interval.ms", "200",
                "log.retention.check.interval.ms", "200"))) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1)
                        .configs(Map.of("segment.bytes", String.valueOf(1024 * 1024))))).all().get();
                try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                    for (int i = 0; i < RECORDS; i++) {
                        producer.send(new ProducerRecord<>(tp.topic(), 0, null, value(i)));
                    }
                }

                // when: the sealed segments are uploaded and then deleted locally
                Poll.until(Duration.ofSeconds(60), "segments tiered", () -> {
                    try {
                        return admin.listOffsets(Map.of(tp, OffsetSpec.earliestLocal())).partitionResult(tp).get()
                                .offset() > RECORDS / 2;
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
            }

            // then: the objects are files under the embedded store's directory, and a consumer from 0 reads all
            assertTrue(segmentObjects(objects) > 0, "segment objects in " + objects);
            try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
                Poll.until(Duration.ofSeconds(60), "all records from offset 0", () -> {
                    records.addAll(consumer.poll(Duration.ofMillis(100)).records(tp));
                    return records.size() >= RECORDS;
                });
                for (int i = 0; i < RECORDS; i++) {
                    assertEquals(i, records.get(i).offset());
                    assertArrayEquals(value(i), records.get(i).value());
                }
            }

            // and: deleting the topic deletes its objects
            try (Admin admin = broker.admin()) {
                admin.deleteTopics(List.of(tp.topic())).all().get();
            }
            Poll.until(Duration.ofSeconds(30), "the deleted topic's objects gone", () -> segmentObjects(objects) == 0);
        }
    }

    private static long segmentObjects(Path objects) {
        try (Stream<Path> files = Files.walk(objects)) {
            return files.filter(f -> f.toString().contains("/defaults-") && Files.isRegularFile(f)).count();
        } catch (IOException | UncheckedIOException e) {
            return -1; // a file deleted while walking: look again
        }
    }

    private static byte[] value(int index) {
        byte[] value = new byte[VALUE_BYTES];
        new Random(index).nextBytes(value);
        return value;
    }
}
