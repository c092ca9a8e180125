package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.SharedBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Produce and consume with the real Java clients (consumer in assign mode). */
class ProduceConsumeIT {

    @RegisterExtension
    static final SharedBroker SHARED = new SharedBroker(Map.of("message.max.bytes", "2097152"));
    static EmbeddedBroker broker;
    static Admin admin;

    @Test
    void shouldReturnEveryKeyedRecordWithHeadersInPartitionOrderWhenProducingToSixPartitions() throws Exception {
        // given
        String topic = "keyed";
        admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        int count = 100_000;
        Map<String, Integer> partitionOfKey = new HashMap<>();
        Map<Integer, List<Integer>> sentPerPartition = new HashMap<>();

        // when
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 65536))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                acks.add(producer.send(record(topic, i)));
            }
            for (int i = 0; i < count; i++) {
                RecordMetadata metadata = acks.get(i).get();
                String key = key(i);
                Integer previous = partitionOfKey.putIfAbsent(key, metadata.partition());
                if (previous != null) {
                    assertEquals(previous, metadata.partition(), "same key, same partition: " + key);
                }
                sentPerPartition.computeIfAbsent(metadata.partition(), p -> new ArrayList<>()).add(i);
            }
        }

        // then
        assertEquals(6, sentPerPartition.size(), "records spread over all partitions");
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < 6; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<Integer, List<Integer>> received = new HashMap<>();
            int total = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (total < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    int i = indexOf(r);
                    assertRecordMatches(i, r);
                    List<Integer> list = received.computeIfAbsent(r.partition(), p -> new ArrayList<>());
                    assertEquals(list.size(), r.offset(), "offsets are dense from 0");
                    list.add(i);
                    total++;
                }
            }
            assertEquals(count, total, "every record consumed");
            assertEquals(sentPerPartition, received, "order within each partition is the send order");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void shouldRoundTripRecordsWhenProducerCompresses(String codec) throws Exception {
        // given
        String topic = "codec-" + codec;
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition(topic, 0);

        // when
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 20))) {
            for (int i = 0; i < 2000; i++) {
                producer.send(record(topic, i));
            }
            producer.flush();
        }

        // then
        List<ConsumerRecord<byte[], byte[]>> records = broker.consume(tp, 0, 2000);
        for (int i = 0; i < 2000; i++) {
            assertEquals(i, records.get(i).offset());
            assertRecordMatches(i, records.get(i));
        }
    }

    @Test
    void shouldStoreAndServeOneMegabyteRecord() throws Exception {
        // given
        String topic = "large";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        byte[] value = new byte[1024 * 1024];
        new Random(42).nextBytes(value);

        // when
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024))) {
            producer.send(new ProducerRecord<>(topic, "big".getBytes(StandardCharsets.UTF_8), value)).get();
        }

        // then
        List<ConsumerRecord<byte[], byte[]>> records = broker.consume(new TopicPartition(topic, 0), 0, 1);
        assertArrayEquals(value, records.get(0).value());
    }

    @Test
    void shouldRejectBatchLargerThanTopicMaxMessageBytes() throws Exception {
        // given: the topic accepts at most 10 KB per batch
        String topic = "small-max";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                .configs(Map.of("max.message.bytes", "10240")))).all().get();

        // when
        ExecutionException failure;
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            failure = assertThrows(ExecutionException.class, () -> producer.send(
                    new ProducerRecord<>(topic, new byte[20_000])).get());
            producer.send(new ProducerRecord<>(topic, new byte[100])).get();
        }

        // then: MESSAGE_TOO_LARGE, and the small record after it was stored at offset 0
        assertInstanceOf(RecordTooLargeException.class, failure.getCause());
        assertEquals(1, broker.consume(new TopicPartition(topic, 0), 0, 1).size());
    }

    static ProducerRecord<byte[], byte[]> record(String topic, int i) {
        List<Header> headers = List.of(
                new RecordHeader("index", Integer.toString(i).getBytes(StandardCharsets.UTF_8)),
                new RecordHeader("kind", (i % 2 == 0 ? "even" : "odd").getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(topic, null, key(i).getBytes(StandardCharsets.UTF_8), value(i), headers);
    }

    static String key(int i) {
        return "key-" + (i % 977);
    }

    static byte[] value(int i) {
        return ("value-" + i + "-" + "x".repeat(i % 200)).getBytes(StandardCharsets.UTF_8);
    }

    static int indexOf(ConsumerRecord<byte[], byte[]> r) {
        return Integer.parseInt(new String(r.headers().lastHeader("index").value(), StandardCharsets.UTF_8));
    }

    static void assertRecordMatches(int i, ConsumerRecord<byte[], byte[]> r) {
        assertEquals(key(i), new String(r.key(), StandardCharsets.UTF_8));
        assertArrayEquals(value(i), r.value());
        Header[] headers = r.headers().toArray();
        assertEquals(2, headers.length);
        assertEquals(Integer.toString(i), new String(headers[0].value(), StandardCharsets.UTF_8));
        assertEquals(i % 2 == 0 ? "even" : "odd", new String(headers[1].value(), StandardCharsets.UTF_8));
    }
}
