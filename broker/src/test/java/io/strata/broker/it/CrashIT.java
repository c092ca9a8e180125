package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.ChildBroker;
import io.strata.broker.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker in a child JVM killed with SIGKILL while a producer is sending: after a restart on the
 * same data every acknowledged record is at its acknowledged offset and the offsets are dense.
 */
class CrashIT {

    private static final String TOPIC = "crash";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int ACKED_BEFORE_KILL = 20_000;

    @TempDir
    Path dir;
    private ChildBroker broker;

    @AfterEach
    void killBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldKeepEveryAcknowledgedRecordWhenBrokerIsKilledWhileProducing() throws Throwable {
        try {
            // given: a broker in a child JVM and a producer sending without pause
            broker = ChildBroker.start(dir, Map.of());
            try (Admin admin = broker.admin()) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            ConcurrentMap<Long, String> acked = new ConcurrentHashMap<>();
            AtomicLong failed = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            KafkaProducer<byte[], byte[]> producer = producer();
            Thread sender = new Thread(() -> {
                for (long i = 0; !stop.get(); i++) {
                    String value = "value-" + i;
                    try {
                        producer.send(new ProducerRecord<>(TOPIC, 0, null, value.getBytes(StandardCharsets.UTF_8)),
                                (metadata, exception) -> {
                                    if (exception == null) {
                                        acked.put(metadata.offset(), value);
                                    } else {
                                        failed.incrementAndGet();
                                    }
                                });
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            }, "crash-it-sender");
            sender.start();
            Poll.until(Duration.ofSeconds(60), ACKED_BEFORE_KILL + " acknowledged records",
                    () -> acked.size() >= ACKED_BEFORE_KILL || !sender.isAlive());

            // when: SIGKILL while the producer is still sending
            assertTrue(sender.isAlive(), "the producer is still sending when the broker is killed");
            assertEquals(ChildBroker.SIGKILL_EXIT_STATUS, broker.kill(), "the broker is killed by SIGKILL");
            stop.set(true);
            producer.close(Duration.ZERO);
            sender.join(TimeUnit.SECONDS.toMillis(30));
            Map<Long, String> acknowledged = new HashMap<>(acked);
            broker.restart();

            // then: dense offsets from 0, every acknowledged record at its offset
            long logEndOffset;
            try (Admin admin = broker.admin()) {
                logEndOffset = admin.listOffsets(Map.of(TP, OffsetSpec.latest())).partitionResult(TP).get().offset();
            }
            long maxAcked = acknowledged.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            assertTrue(logEndOffset > maxAcked, "log end offset " + logEndOffset + " covers acked " + maxAcked);
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                consumer.assign(List.of(TP));
                consumer.seekToBeginning(List.of(TP));
                long next = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (next < logEndOffset && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(TP)) {
                        assertEquals(next, r.offset(), "offsets are dense from 0");
                        String value = acknowledged.get(r.offset());
                        if (value != null) {
                            assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), r.value(),
                                    "acknowledged value at offset " + r.offset());
                        }
                        next++;
                    }
                }
                assertEquals(logEndOffset, next, "every offset up to the log end offset consumed");
            }
            try (KafkaProducer<byte[], byte[]> after = producer()) {
                long offset = after.send(new ProducerRecord<>(TOPIC, 0, null,
                        "after".getBytes(StandardCharsets.UTF_8))).get().offset();
                assertEquals(logEndOffset, offset, "a produce after the crash continues at the log end");
            }
        } catch (Throwable failure) {
            if (broker != null) {
                System.out.println("==== the child broker's output since its last start ====");
                System.out.println(broker.output());
            }
            throw failure;
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 2048);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(props);
    }
}
