package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.broker.testing.Poll;
import io.strata.tiering.store.ObjectStore;
import io.strata.tiering.store.S3ObjectStore;
import io.strata.tiering.store.S3ObjectStoreConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The stack of {@code compose/docker-compose.yml} as a user starts it: MinIO, the bucket job and
 * the broker image built from this repository ({@code compose/Dockerfile}). The real Kafka clients
 * produce and consume through the published broker port, and the sealed segments of a topic with
 * 1 MiB segments must show up as objects in MinIO's bucket, read with {@link S3ObjectStore} through
 * the published MinIO port.
 *
 * <p>Host ports are free ports chosen here and handed to the compose file through its variables
 * (STRATA_PORT, MINIO_API_PORT, MINIO_CONSOLE_PORT, STRATA_ADVERTISED_HOST); volumes are removed
 * afterwards. Skipped where no Docker engine runs or the {@code docker compose} plugin is missing.
 * The first run builds the image (a Maven build inside Docker): minutes.
 */
@Tag("docker")
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackIT {

    private static final Path COMPOSE_FILE =
            Path.of("..", "compose", "docker-compose.yml").toAbsolutePath().normalize();
    /** The compose file's defaults. */
    private static final String BUCKET = "strata";
    private static final String ACCESS_KEY = "strata";
    private static final String SECRET_KEY = "strata-secret";

    private static final String TOPIC = "compose-it";
    private static final int RECORDS = 1_000;
    /** 1,000 records of 4 KiB in 1 MiB segments: at least three sealed segments to upload. */
    private static final int VALUE_BYTES = 4 * 1024;
    private static final int SEGMENT_BYTES = 1024 * 1024;
    private static final int MIN_SEALED_SEGMENTS = 3;
    /** Uploads run every remote.log.manager.task.interval.ms (30 s by default). */
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(3);

    private static ComposeContainer stack;
    private static String bootstrap;
    private static ObjectStore bucket;

    @BeforeAll
    static void startStack() throws IOException {
        Assumptions.assumeTrue(dockerComposeInstalled(), "the docker compose plugin is not installed");
        int kafkaPort = freePort();
        int minioPort = freePort();
        stack = new ComposeContainer(COMPOSE_FILE.toFile())
                .withEnv(Map.of(
                        "STRATA_PORT", String.valueOf(kafkaPort),
                        "STRATA_ADVERTISED_HOST", "127.0.0.1",
                        "MINIO_API_PORT", String.valueOf(minioPort),
                        "MINIO_CONSOLE_PORT", String.valueOf(freePort())))
                .withBuild(true)
                .withPull(false)
                .withLogConsumer("strata", frame -> System.out.print("[strata] " + frame.getUtf8String()))
                .waitingFor("strata", Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(3)));
        stack.start();
        bootstrap = "127.0.0.1:" + kafkaPort;
        bucket = S3ObjectStore.create(S3ObjectStoreConfig.forEndpoint(
                URI.create("http://127.0.0.1:" + minioPort), BUCKET, ACCESS_KEY, SECRET_KEY));
    }

    @AfterAll
    static void stopStack() {
        if (bucket != null) {
            bucket.close();
        }
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void shouldServeEveryRecordAndUploadSealedSegmentsToMinio() throws Exception {
        // given: a topic of 1 MiB segments (tiered: the stack sets log.remote.storage.enable=true)
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)
                    .configs(Map.of("segment.bytes", String.valueOf(SEGMENT_BYTES))))).all().get(60, TimeUnit.SECONDS);
        }

        // when
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, key(i), value(i)));
            }
            producer.flush();
        }

        // then: every record back, in order and byte-identical
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read.size() < RECORDS && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        assertEquals(RECORDS, read.size(), "records read");
        for (int i = 0; i < RECORDS; i++) {
            assertEquals(i, read.get(i).offset());
            assertArrayEquals(key(i), read.get(i).key());
            assertArrayEquals(value(i), read.get(i).value());
        }

        // and: the sealed segments are objects in MinIO's bucket
        // ({topic}-{topicId}/{partition}/segments/{baseOffset}-{segmentId}.log)
        Poll.until(UPLOAD_TIMEOUT, MIN_SEALED_SEGMENTS + " segments of " + TOPIC + " in the bucket",
                () -> uploadedLogSegments() >= MIN_SEALED_SEGMENTS);
    }

    private static long uploadedLogSegments() {
        return bucket.list(TOPIC + "-").join().stream()
                .filter(o -> o.key().contains("/0/segments/") && o.key().endsWith(".log") && o.size() > 0)
                .count();
    }

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i) {
        ByteBuffer value = ByteBuffer.allocate(VALUE_BYTES);
        while (value.hasRemaining()) {
            value.put((byte) (i + value.position()));
        }
        return value.array();
    }

    private static boolean dockerComposeInstalled() {
        try {
            Process process = new ProcessBuilder("docker", "compose", "version")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
