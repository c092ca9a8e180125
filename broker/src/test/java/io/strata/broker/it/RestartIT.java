package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.RawKafkaClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clean restart keeps every record at its offset, topic ids, topic configs and idempotent producer state. */
class RestartIT {

    private static final short PRODUCE_VERSION = 12;

    @TempDir
    Path dir;
    EmbeddedBroker broker;
    private final long timestampBase = System.currentTimeMillis();

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldKeepRecordsOffsetsTopicIdAndConfigsWhenRestartedCleanly() throws Exception {
        // given: three partitions, each spread over several 64 KiB segments
        broker = EmbeddedBroker.start(dir);
        String topic = "restart";
        Map<String, String> topicConfigs = Map.of(
                "internal.segment.bytes", "65536", "retention.ms", "987654321", "max.message.bytes", "500000");
        Uuid topicId;
        Map<String, String> configsBefore;
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1).configs(topicConfigs))).all().get();
            topicId = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
            configsBefore = describeConfigs(admin, topic);
        }
        int count = 6000;
        Map<Integer, RecordMetadata> acked = new TreeMap<>();
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 16384))) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, i % 3, key(i), value(i))));
            }
            for (int i = 0; i < count; i++) {
                acked.put(i, futures.get(i).get());
            }
        }
        for (int p = 0; p < 3; p++) {
            try (Stream<Path> files = Files.list(broker.logDir().resolve(topic + "-" + p))) {
                long segments = files.filter(f -> f.getFileName().toString().endsWith(".log")).count();
                assertTrue(segments >= 3, "partition " + p + " rolled segments before restart: " + segments);
            }
        }

        // when
        broker.restart();

        // then: same topic id, same configs, every record at its acknowledged offset
        try (Admin admin = broker.admin()) {
            assertEquals(topicId, admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId());
            assertEquals(configsBefore, describeConfigs(admin, topic));
            for (int p = 0; p < 3; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                assertEquals(count / 3, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get()
                        .offset(), "log end offset of " + tp);
            }
        }
        for (int p = 0; p < 3; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            List<ConsumerRecord<byte[], byte[]>> records = broker.consume(tp, 0, count / 3);
            for (int n = 0; n < records.size(); n++) {
                int i = n * 3 + p;
                ConsumerRecord<byte[], byte[]> r = records.get(n);
                assertEquals(acked.get(i).offset(), r.offset(), "offset of record " + i);
                assertArrayEquals(key(i), r.key());
                assertArrayEquals(value(i), r.value());
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            RecordMetadata next = producer.send(new ProducerRecord<>(topic, 0, key(-1), value(-1))).get();
            assertEquals(count / 3, next.offset(), "a produce after the restart continues at the log end");
        }
    }

    @Test
    void shouldAnswerDuplicateWithOriginalOffsetWhenIdempotentBatchIsRetriedAfterRestart() throws Exception {
        // given: one idempotent batch appended at offset 1, after an ordinary record at offset 0
        broker = EmbeddedBroker.start(dir);
        String topic = "idempotent";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "1"))) {
            producer.send(new ProducerRecord<>(topic, 0, key(0), value(0))).get();
        }
        long producerId;
        short epoch;
        ProduceResponseData.PartitionProduceResponse first;
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
            InitProducerIdResponse init = (InitProducerIdResponse) client.send(new InitProducerIdRequest.Builder(
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE))
                    .build(ApiKeys.INIT_PRODUCER_ID.latestVersion()));
            assertEquals(Errors.NONE.code(), init.data().errorCode());
            producerId = init.data().producerId();
            epoch = init.data().producerEpoch();
            first = produce(client, topic, producerId, epoch, 0, 1, 2, 3);
        }
        assertEquals(Errors.NONE.code(), first.errorCode());
        assertEquals(1, first.baseOffset());

        // when
        broker.restart();

        // then: the replay is a duplicate answered with the original base offset
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
            ProduceResponseData.PartitionProduceResponse replay = produce(client, topic, producerId, epoch, 0, 1, 2, 3);
            assertEquals(Errors.NONE.code(), replay.errorCode(), "replay error");
            assertEquals(1, replay.baseOffset(), "replay answered with the original base offset");
            assertEquals(4, logEndOffset(tp), "the replay appended nothing");

            ProduceResponseData.PartitionProduceResponse gap = produce(client, topic, producerId, epoch, 5, 9);
            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(), gap.errorCode(), "sequence 5 after 0..2");
            assertEquals(4, logEndOffset(tp), "the out-of-order batch appended nothing");

            ProduceResponseData.PartitionProduceResponse next = produce(client, topic, producerId, epoch, 3, 4, 5);
            assertEquals(Errors.NONE.code(), next.errorCode(), "next sequence");
            assertEquals(4, next.baseOffset(), "the next sequence is appended right after");
            assertEquals(6, logEndOffset(tp));
        }
        List<ConsumerRecord<byte[], byte[]>> records = broker.consume(tp, 0, 6);
        int[] expectedIndexes = {0, 1, 2, 3, 4, 5};
        for (int n = 0; n < records.size(); n++) {
            assertEquals(n, records.get(n).offset());
            assertArrayEquals(value(expectedIndexes[n]), records.get(n).value());
        }
    }

    private ProduceResponseData.PartitionProduceResponse produce(RawKafkaClient client, String topic,
            long producerId, short epoch, int baseSequence, int... indexes) throws IOException {
        // Stamped like a real producer's records: a batch without timestamps counts as an expired
        // producer when the snapshot is loaded (as in Kafka), and would never be a duplicate again.
        SimpleRecord[] records = new SimpleRecord[indexes.length];
        for (int n = 0; n < indexes.length; n++) {
            records[n] = new SimpleRecord(timestampBase + indexes[n], key(indexes[n]), value(indexes[n]));
        }
        MemoryRecords batch = MemoryRecords.withIdempotentRecords(
                Compression.NONE, producerId, epoch, baseSequence, records);
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(batch))));
        ProduceRequest request = new ProduceRequest.Builder(PRODUCE_VERSION, PRODUCE_VERSION,
                new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics))
                .build(PRODUCE_VERSION);
        ProduceResponse response = (ProduceResponse) client.send(request);
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    private long logEndOffset(TopicPartition tp) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
        }
    }

    private static Map<String, String> describeConfigs(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        Map<String, String> out = new TreeMap<>();
        for (ConfigEntry entry : config.entries()) {
            out.put(entry.name(), entry.value() + " (" + entry.source() + ")");
        }
        assertEquals("987654321 (DYNAMIC_TOPIC_CONFIG)", out.get("retention.ms"));
        return out;
    }

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i) {
        return ("value-" + i + "-" + "v".repeat(Math.floorMod(i, 50) * 10)).getBytes(StandardCharsets.UTF_8);
    }
}
