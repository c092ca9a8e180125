package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.Poll;
import io.strata.tiering.store.EmbeddedS3Server;
import io.strata.tiering.store.ObjectStore;
import io.strata.tiering.store.S3ObjectStore;
import io.strata.tiering.store.S3ObjectStoreConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 settings of {@code compose/docker-compose.yml}, the ones a user gives for AWS: backend
 * {@code s3} with an endpoint, bucket, region and path-style access but no keys in the broker's
 * config, the credentials coming from the standard {@code AWS_ACCESS_KEY_ID} /
 * {@code AWS_SECRET_ACCESS_KEY} environment variables. The broker runs as a child process started
 * by {@code bin/strata-server-start.sh} with those variables set; the object store is a real S3 API
 * over HTTP ({@link EmbeddedS3Server}) that accepts only those keys.
 */
class S3DefaultCredentialsIT {

    private static final Path PROJECT_ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String ACCESS_KEY = "env-access";
    private static final String SECRET_KEY = "env-secret";
    private static final String BUCKET = "env-credentials";
    private static final String TOPIC = "env-credentials";

    @TempDir
    Path dir;

    @Test
    void shouldUploadSegmentsWithTheEnvironmentCredentialsWhenTheConfigHasNoKeys() throws Exception {
        // given
        try (EmbeddedS3Server s3 = EmbeddedS3Server.start(dir.resolve("s3"), ACCESS_KEY, SECRET_KEY);
             ObjectStore bucket = S3ObjectStore.create(
                     S3ObjectStoreConfig.forEndpoint(s3.endpoint(), BUCKET, ACCESS_KEY, SECRET_KEY))) {
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder(
                    PROJECT_ROOT.resolve("bin/strata-server-start.sh").toString(),
                    PROJECT_ROOT.resolve("config/server.properties").toString(),
                    "--override", "listeners=PLAINTEXT://127.0.0.1:" + port,
                    "--override", "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "--override", "log.dirs=" + dir.resolve("logs"),
                    "--override", "remote.log.storage.system.enable=true",
                    "--override", "log.remote.storage.enable=true",
                    "--override", "remote.log.storage.backend=s3",
                    "--override", "remote.log.storage.s3.endpoint=" + s3.endpoint(),
                    "--override", "remote.log.storage.s3.bucket=" + BUCKET,
                    "--override", "remote.log.storage.s3.region=us-east-1",
                    "--override", "remote.log.storage.s3.path.style.access=true",
                    "--override", "remote.log.manager.task.interval.ms=200")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("broker.out").toFile());
            builder.environment().put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
            builder.environment().put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process broker = builder.start();
            try {
                String bootstrap = "127.0.0.1:" + port;
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                    Poll.until(Duration.ofSeconds(30), "the scripted broker answers", () -> {
                        if (!broker.isAlive()) {
                            throw new AssertionError("the broker exited with " + broker.exitValue() + "; see "
                                    + dir.resolve("broker.out"));
                        }
                        try {
                            return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
                        } catch (Exception e) {
                            return false;
                        }
                    });
                    admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)
                            .configs(Map.of("segment.bytes", "1048576")))).all().get(30, TimeUnit.SECONDS);
                }

                // when: 2 MiB in 1 MiB segments, so that at least one segment is sealed
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                        new ByteArraySerializer(), new ByteArraySerializer())) {
                    for (int i = 0; i < 512; i++) {
                        producer.send(new ProducerRecord<>(TOPIC, 0, null, new byte[4096]));
                    }
                    producer.flush();
                }

                // then: the broker created the bucket and uploaded into it
                Path output = dir.resolve("broker.out");
                Poll.until(Duration.ofSeconds(30), "a segment of " + TOPIC + " in the bucket (see " + output + ")",
                        () -> uploaded(bucket));
                assertTrue(Files.readString(output).contains("Tiered storage enabled: s3 object store"),
                        Files.readString(output));
            } finally {
                broker.destroyForcibly();
                broker.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean uploaded(ObjectStore bucket) {
        try {
            return bucket.list(TOPIC + "-").join().stream().anyMatch(o -> o.key().endsWith(".log"));
        } catch (CompletionException e) {
            return false; // no bucket yet
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
