package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strata.broker.testing.EmbeddedBroker;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Interoperability with kcat, an independent (librdkafka) client; skipped when kcat is not on the PATH. */
class KcatIT {

    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(30);
    private static final int RECORDS = 200;

    @TempDir
    static Path dir;
    static EmbeddedBroker broker;
    static Admin admin;

    @BeforeAll
    static void startBroker() {
        Assumptions.assumeTrue(kcatOnPath(), "kcat is not on the PATH");
        broker = EmbeddedBroker.start(dir);
        admin = broker.admin();
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void shouldRoundTripKeyedRecordsWhenKcatProducesWithCodec(String codec) throws Exception {
        // given
        String topic = "kcat-" + codec;
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        List<String> lines = lines(topic);

        // when
        ProcessResult produced = kcat(String.join("\n", lines) + "\n",
                "-P", "-t", topic, "-p", "0", "-z", codec, "-K:");

        // then: kcat reads back exactly the lines, the Java consumer the same keys and values
        assertEquals(0, produced.exitCode(), produced.stderr());
        ProcessResult consumed = kcat(null, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k:%s\n");
        assertEquals(0, consumed.exitCode(), consumed.stderr());
        assertEquals(lines, consumed.stdout().lines().toList());
        List<ConsumerRecord<byte[], byte[]>> records = consumeWithJava(new TopicPartition(topic, 0), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(i, records.get(i).offset());
            assertEquals(lines.get(i), utf8(records.get(i).key()) + ":" + utf8(records.get(i).value()));
        }
    }

    @Test
    void shouldStoreKcatBatchesWithTheirCodecWhenKcatProducesZstd() throws Exception {
        // given
        String topic = "kcat-stored-zstd";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();

        // when
        ProcessResult produced = kcat(String.join("\n", lines(topic)) + "\n",
                "-P", "-t", topic, "-p", "0", "-z", "zstd", "-K:");

        // then: the broker keeps the producer's batches as they came (compression.type=producer)
        assertEquals(0, produced.exitCode(), produced.stderr());
        assertEquals(List.of(CompressionType.ZSTD), storedCompressionTypes(topic));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void shouldReadWhatTheJavaProducerWroteWhenKcatConsumes(String codec) throws Exception {
        // given
        String topic = "java-to-kcat-" + codec;
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        List<String> lines = lines(topic);

        // when
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec, ProducerConfig.LINGER_MS_CONFIG, 10))) {
            for (String line : lines) {
                String[] keyAndValue = line.split(":", 2);
                producer.send(new ProducerRecord<>(topic, bytes(keyAndValue[0]), bytes(keyAndValue[1])));
            }
            producer.flush();
        }

        // then
        ProcessResult consumed = kcat(null, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k:%s\n");
        assertEquals(0, consumed.exitCode(), consumed.stderr());
        assertEquals(lines, consumed.stdout().lines().toList());
        assertEquals(List.of(CompressionType.forName(codec)), storedCompressionTypes(topic));
    }

    @Test
    void shouldListTopicAndBrokerWhenKcatAsksForMetadata() throws Exception {
        // given
        String topic = "kcat-listed";
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();

        // when
        ProcessResult listed = kcat(null, "-L", "-t", topic);

        // then
        assertEquals(0, listed.exitCode(), listed.stderr());
        String out = listed.stdout();
        assertTrue(out.contains("broker 1 at 127.0.0.1:" + broker.port()), out);
        assertTrue(out.contains("topic \"" + topic + "\" with 3 partitions"), out);
        for (int p = 0; p < 3; p++) {
            assertTrue(out.contains("partition " + p + ", leader 1, replicas: 1, isrs: 1"), out);
        }
    }

    private static List<String> lines(String topic) {
        List<String> lines = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            lines.add("key-" + i + ":" + topic + "-value-" + i + "-" + "abc".repeat(20 + i % 30));
        }
        return lines;
    }

    private static List<ConsumerRecord<byte[], byte[]>> consumeWithJava(TopicPartition tp, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            return EmbeddedBroker.pollUntil(consumer, tp, expected);
        }
    }

    /** The distinct compression types of the batches stored in partition 0 of the topic. */
    private static List<CompressionType> storedCompressionTypes(String topic) throws IOException {
        List<CompressionType> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(broker.logDir().resolve(topic + "-0"))) {
            for (Path segment : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                try (FileRecords records = FileRecords.open(segment.toFile(), false)) {
                    for (RecordBatch batch : records.batches()) {
                        if (!types.contains(batch.compressionType())) {
                            types.add(batch.compressionType());
                        }
                    }
                }
            }
        }
        return types;
    }

    /** Runs kcat against the broker with {@code stdin} (or none), killing it after the timeout. */
    private static ProcessResult kcat(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", broker.bootstrapServers()));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(dir, "kcat", ".out");
        Path stderr = Files.createTempFile(dir, "kcat", ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process = builder.start();
        if (stdin != null) {
            try (var in = process.getOutputStream()) {
                in.write(bytes(stdin));
            }
        }
        if (!process.waitFor(PROCESS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            fail("kcat did not finish within " + PROCESS_TIMEOUT + ": " + command + "\n" + Files.readString(stderr));
        }
        return new ProcessResult(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    private static boolean kcatOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "kcat"))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private record ProcessResult(int exitCode, String stdout, String stderr) {
    }
}
