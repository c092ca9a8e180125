package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.ChildBroker;
import io.strata.broker.testing.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed offsets are durable: after a clean restart and after SIGKILL, {@code committed()} gives
 * them back and a new member of the group resumes where the group left off; a log that keeps
 * growing is rewritten and trimmed without losing them.
 */
class GroupDurabilityIT {

    private static final String TOPIC = "durable";
    private static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition TP1 = new TopicPartition(TOPIC, 1);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void shouldResumeAtCommittedOffsetsWhenBrokerRestartsCleanly() throws Exception {
        // given: a group that consumed and committed 50 records of each partition
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of("group.initial.rebalance.delay.ms", "0",
                "group.min.session.timeout.ms", "1000"))) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
            }
            produce(broker.bootstrapServers(), 50);
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker.bootstrapServers(), "durable-group")) {
                consumer.subscribe(List.of(TOPIC));
                assertEquals(100, consumeAndCommit(consumer, 100));
            }

            // when
            broker.restart();

            // then: the offsets and the (now empty) group are back; a new member reads only new records
            try (Admin admin = broker.admin()) {
                assertEquals(GroupState.EMPTY, admin.describeConsumerGroups(List.of("durable-group"))
                        .describedGroups().get("durable-group").get().groupState());
            }
            produce(broker.bootstrapServers(), 5);
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker.bootstrapServers(), "durable-group")) {
                assertEquals(Map.of(TP0, 50L, TP1, 50L), committed(consumer));
                consumer.subscribe(List.of(TOPIC));
                assertEquals(10, consumeAndCommit(consumer, 10));
                assertEquals(Map.of(TP0, 55L, TP1, 55L), committed(consumer));
            }
        }
    }

    @Test
    void shouldResumeAtCommittedOffsetsWhenBrokerIsKilled() throws Exception {
        // given: a child broker and a group that committed 30 records of each partition
        // (short sessions: after the restart the killed broker's member is still in the group until its session expires)
        try (ChildBroker broker = ChildBroker.start(dir, Map.of("group.initial.rebalance.delay.ms", "0",
                "group.min.session.timeout.ms", "1000"))) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
            }
            produce(broker.bootstrapServers(), 30);
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker.bootstrapServers(), "crash-group")) {
                consumer.subscribe(List.of(TOPIC));
                assertEquals(60, consumeAndCommit(consumer, 60));

                // when: SIGKILL while the member is still in the group
                assertEquals(ChildBroker.SIGKILL_EXIT_STATUS, broker.kill());
                consumer.close(Duration.ofMillis(100));
            }
            broker.restart();

            // then: the offsets survived; a new member resumes after them
            produce(broker.bootstrapServers(), 4);
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker.bootstrapServers(), "crash-group")) {
                assertEquals(Map.of(TP0, 30L, TP1, 30L), committed(consumer));
                consumer.subscribe(List.of(TOPIC));
                assertEquals(8, consumeAndCommit(consumer, 8));
            }
        }
    }

    @Test
    void shouldTrimOffsetsLogAndKeepOffsetsWhenCommitsKeepComing() throws Exception {
        // given: a tiny offsets segment size, so that the live state is rewritten often
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, Map.of(
                "offsets.topic.num.partitions", "1", "offsets.topic.segment.bytes", "4096"))) {
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
                // when: 300 commits of a standalone consumer
                for (int i = 1; i <= 300; i++) {
                    admin.alterConsumerGroupOffsets("trimmed", Map.of(TP0, new OffsetAndMetadata(i),
                            TP1, new OffsetAndMetadata(2L * i))).all().get();
                }
                // then: the offsets log was trimmed
                TopicPartition offsetsPartition = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, 0);
                long logStart = admin.listOffsets(Map.of(offsetsPartition, OffsetSpec.earliest()))
                        .partitionResult(offsetsPartition).get().offset();
                long logEnd = admin.listOffsets(Map.of(offsetsPartition, OffsetSpec.latest()))
                        .partitionResult(offsetsPartition).get().offset();
                assertTrue(logStart > 0, "log start offset " + logStart);
                assertTrue(logEnd - logStart < 300, "live records left: " + (logEnd - logStart));
            }

            // and the offsets are intact, also after a restart
            broker.restart();
            try (Admin admin = broker.admin()) {
                Map<TopicPartition, OffsetAndMetadata> offsets =
                        admin.listConsumerGroupOffsets("trimmed").partitionsToOffsetAndMetadata().get();
                assertEquals(300, offsets.get(TP0).offset());
                assertEquals(600, offsets.get(TP1).offset());
            }

            // and Kafka's own DumpLogSegments decodes the records as offset commits
            Path partitionDir = broker.logDir().resolve(Topic.GROUP_METADATA_TOPIC_NAME + "-0");
            Path activeSegment;
            try (Stream<Path> files = Files.list(partitionDir)) {
                activeSegment = files.filter(file -> file.toString().endsWith(".log")).sorted()
                        .reduce((first, second) -> second).orElseThrow();
            }
            String dump = dumpOffsetsSegment(activeSegment);
            assertTrue(dump.contains("\"group\":\"trimmed\""), dump);
            assertTrue(dump.contains("\"offset\":600"), dump);
        }
    }

    /** Kafka's DumpLogSegments with its __consumer_offsets decoder, in a child JVM (it calls Exit). */
    private String dumpOffsetsSegment(Path segment) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "dump", ".out");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.DumpLogSegments",
                "--files", segment.toString(), "--offsets-decoder")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("DumpLogSegments did not finish: " + Files.readString(output));
        }
        assertEquals(0, process.exitValue(), Files.readString(output));
        return Files.readString(output);
    }

    private static int consumeAndCommit(KafkaConsumer<byte[], byte[]> consumer, int expected) {
        int consumed = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (consumed < expected && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> ignored : consumer.poll(Duration.ofMillis(100))) {
                consumed++;
            }
            consumer.commitSync();
        }
        // a little longer: nothing more may come
        for (ConsumerRecord<byte[], byte[]> ignored : consumer.poll(Duration.ofMillis(300))) {
            consumed++;
        }
        consumer.commitSync();
        return consumed;
    }

    private static Map<TopicPartition, Long> committed(KafkaConsumer<byte[], byte[]> consumer) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        consumer.committed(Set.of(TP0, TP1), Duration.ofSeconds(30))
                .forEach((tp, offset) -> offsets.put(tp, offset == null ? null : offset.offset()));
        return offsets;
    }

    private static void produce(String bootstrap, int perPartition) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < perPartition; i++) {
                for (int partition = 0; partition < 2; partition++) {
                    producer.send(new ProducerRecord<>(TOPIC, partition, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 2000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props);
    }
}
