package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka's own performance tools against the broker: {@code ConsumerPerformance} (a group
 * consumer that subscribes, commits on close) and {@code EndToEndLatency} (assign mode with a group
 * id). They run in a child JVM because they end with {@code Exit.exit}.
 */
class GroupToolsIT {

    @TempDir
    static Path dir;
    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(dir, Map.of("group.initial.rebalance.delay.ms", "0"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldConsumeEveryRecordWhenKafkaConsumerPerformanceSubscribesWithAGroup() throws Exception {
        // given: 3000 records in three partitions
        String topic = "perf";
        int records = 3000;
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, i % 3, null, ("record-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }

        // when
        ToolRun run = runTool("org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server",
                broker.bootstrapServers(), "--topic", topic, "--num-records", Integer.toString(records),
                "--group", "perf-group", "--timeout", "30000", "--hide-header");

        // then: it exits normally having read every record, and its offsets are committed at the end
        assertEquals(0, run.exitCode(), run.output());
        String stats = run.lines().stream().filter(line -> line.split(",").length == 10).findFirst()
                .orElseThrow(() -> new AssertionError("no statistics line in " + run.output()));
        assertEquals(records, Long.parseLong(stats.split(",")[4].trim()), "records consumed: " + stats);
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets("perf-group").partitionsToOffsetAndMetadata().get();
            assertEquals(records, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum(),
                    "committed offsets " + committed);
        }
    }

    @Test
    void shouldMeasureLatencyWhenKafkaEndToEndLatencyRunsWithAGroupId() throws Exception {
        // given
        String topic = "latency";
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }

        // when: 200 round trips of 100-byte records with acks=1
        ToolRun run = runTool("org.apache.kafka.tools.EndToEndLatency", broker.bootstrapServers(), topic, "200", "1",
                "100");

        // then: every record came back and the tool printed its statistics
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("Avg latency:"), run.output());
        assertTrue(run.output().contains("Percentiles: 50th ="), run.output());
    }

    private record ToolRun(int exitCode, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }

    private static ToolRun runTool(String mainClass, String... args) throws IOException, InterruptedException {
        Path output = Files.createTempFile(dir, "tool", ".out");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(mainClass + " did not finish: " + Files.readString(output));
        }
        return new ToolRun(process.exitValue(), Files.readString(output));
    }
}
