package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.Poll;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
    /** Exit status of a JVM ended by SIGKILL (128 + 9). */
    private static final int SIGKILL_EXIT_STATUS = 137;

    @TempDir
    Path dir;
    private final List<Process> children = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();
    private int port;

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void shouldKeepEveryAcknowledgedRecordWhenBrokerIsKilledWhileProducing() throws Throwable {
        try {
            // given: a broker in a child JVM and a producer sending without pause
            Process broker = startFirstBroker();
            try (Admin admin = admin()) {
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
            broker.destroyForcibly();
            assertTrue(broker.waitFor(30, TimeUnit.SECONDS), "the killed broker exits");
            assertEquals(SIGKILL_EXIT_STATUS, broker.exitValue(), "destroyForcibly sends SIGKILL");
            stop.set(true);
            producer.close(Duration.ZERO);
            sender.join(TimeUnit.SECONDS.toMillis(30));
            Map<Long, String> acknowledged = new HashMap<>(acked);
            restartBroker();

            // then: dense offsets from 0, every acknowledged record at its offset
            long logEndOffset;
            try (Admin admin = admin()) {
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
            printChildOutputs();
            throw failure;
        }
    }

    /** Starts the first child on a free port, picking another one when the port was taken meanwhile. */
    private Process startFirstBroker() throws Exception {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            Process child = startBroker(port);
            if (child.isAlive() || attempt == 3) {
                assertTrue(child.isAlive(), "the broker started");
                return child;
            }
        }
    }

    /** Starts a child on the same port and data again, retrying while the port is not yet free. */
    private void restartBroker() throws IOException {
        for (int attempt = 1; ; attempt++) {
            Process child = startBroker(port);
            if (child.isAlive() || attempt == 3) {
                assertTrue(child.isAlive(), "the broker restarted");
                return;
            }
        }
    }

    /** Starts a child JVM broker on {@code port} and waits until it answers or exits. */
    private Process startBroker(int port) throws IOException {
        Path properties = dir.resolve("server.properties");
        Properties props = new Properties();
        props.setProperty("node.id", "1");
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.setProperty("log.dirs", dir.resolve("logs").toString());
        props.setProperty("num.network.threads", "2");
        props.setProperty("num.io.threads", "2");
        try (OutputStream out = Files.newOutputStream(properties)) {
            props.store(out, "CrashIT broker");
        }
        Path output = dir.resolve("broker-" + (outputs.size() + 1) + ".out");
        outputs.add(output);
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "io.strata.broker.server.Main", properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        children.add(child);
        try (Admin admin = admin()) {
            Poll.until(Duration.ofSeconds(30), "the broker on port " + port + " answers", () -> {
                if (!child.isAlive()) {
                    return true;
                }
                try {
                    return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
                } catch (Exception e) {
                    return false;
                }
            });
        }
        return child;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
        return Admin.create(props);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
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
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(props);
    }

    private void printChildOutputs() throws IOException {
        for (Path output : outputs) {
            System.out.println("==== " + output + " ====");
            try (InputStream in = Files.newInputStream(output)) {
                in.transferTo(System.out);
            }
        }
    }
}
