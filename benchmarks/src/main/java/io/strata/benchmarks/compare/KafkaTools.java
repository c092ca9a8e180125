package io.strata.benchmarks.compare;

import io.strata.benchmarks.process.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Runs Apache Kafka's command-line performance tools ({@code org.apache.kafka.tools.*}) as child
 * JVMs on the Kafka distribution's classpath, with the JVM options of their {@code bin/} scripts
 * ({@code kafka-producer-perf-test.sh} and {@code kafka-consumer-perf-test.sh}: {@code -Xmx512M};
 * {@code kafka-e2e-latency.sh}: {@code kafka-run-class.sh}'s {@code -Xmx256M}; both with
 * {@code kafka-run-class.sh}'s G1 options) and an English locale so their numbers parse. The same
 * tools, options and client version run against both brokers.
 *
 * <p>Thread-safe: every call starts its own process and output file.
 */
public final class KafkaTools {

    /** The tools' heap for ProducerPerformance and ConsumerPerformance (their scripts' KAFKA_HEAP_OPTS). */
    public static final String PERF_TEST_HEAP = "-Xmx512M";
    /** kafka-run-class.sh's default heap, which kafka-e2e-latency.sh keeps. */
    public static final String RUN_CLASS_HEAP = "-Xmx256M";

    private static final List<String> JVM_PERFORMANCE_OPTS = List.of("-server", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true");

    private final Path javaBin;
    private final Path kafkaLibs;
    private final Path logConfig;
    private final Path outputDir;

    /**
     * Creates a runner.
     *
     * @param javaBin the {@code java} executable
     * @param kafkaLibs the directory of the Kafka distribution's jars
     * @param logConfig the Log4j 2 configuration for the tools (warnings to standard error)
     * @param outputDir where each run's output file is written
     */
    public KafkaTools(Path javaBin, Path kafkaLibs, Path logConfig, Path outputDir) {
        this.javaBin = javaBin;
        this.kafkaLibs = kafkaLibs;
        this.logConfig = logConfig;
        this.outputDir = outputDir;
    }

    /**
     * Returns the ProducerPerformance arguments of a workload: 1 KiB records as fast as possible.
     *
     * @param bootstrap the broker's host:port
     * @param workload the workload (topic, acks, compression)
     * @param records how many records to send
     * @param recordSize bytes per record value
     * @return the tool's arguments
     */
    public static List<String> producerPerformanceArgs(String bootstrap, ProduceWorkload workload, long records,
                                                       int recordSize) {
        return List.of("--bootstrap-server", bootstrap, "--topic", workload.topic(),
                "--num-records", Long.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", "-1",
                "--command-property", "batch.size=65536", "linger.ms=5", "acks=" + workload.acks(),
                "compression.type=" + workload.compression());
    }

    /**
     * Returns the ConsumerPerformance arguments that read a workload's topic back from the start.
     *
     * @param bootstrap the broker's host:port
     * @param workload the workload whose topic to read
     * @param records how many records to consume
     * @return the tool's arguments
     */
    public static List<String> consumerPerformanceArgs(String bootstrap, ProduceWorkload workload, long records) {
        return List.of("--bootstrap-server", bootstrap, "--topic", workload.topic(),
                "--num-records", Long.toString(records), "--group", workload.topic() + "-consumer");
    }

    /**
     * Returns the EndToEndLatency arguments: one record at a time, acks=1.
     *
     * @param bootstrap the broker's host:port
     * @param topic a one-partition topic
     * @param records how many records to send and receive
     * @param recordSize bytes per record value
     * @return the tool's arguments
     */
    public static List<String> endToEndLatencyArgs(String bootstrap, String topic, int records, int recordSize) {
        return List.of("--bootstrap-server", bootstrap, "--topic", topic, "--num-records", Integer.toString(records),
                "--producer-acks", "1", "--record-size", Integer.toString(recordSize));
    }

    /**
     * Runs a tool to completion, or kills it at the deadline.
     *
     * @param tool the class name in {@code org.apache.kafka.tools}, such as {@code ProducerPerformance}
     * @param heap the heap option, such as {@link #PERF_TEST_HEAP}
     * @param args the tool's arguments
     * @param outputName the output file's name (without directory) in the output directory
     * @param timeout the deadline
     * @return the outcome
     * @throws IOException when the JVM cannot be started or its output cannot be read
     * @throws InterruptedException when the calling thread is interrupted (the tool is killed)
     */
    public ToolRun run(String tool, String heap, List<String> args, String outputName, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(javaBin.toString());
        command.add(heap);
        command.addAll(JVM_PERFORMANCE_OPTS);
        command.add("-Duser.language=en");
        command.add("-Duser.country=US");
        command.add("-Dlog4j2.configurationFile=" + logConfig.toAbsolutePath());
        command.add("-cp");
        command.add(kafkaLibs.toAbsolutePath() + "/*");
        command.add("org.apache.kafka.tools." + tool);
        command.addAll(args);
        Path output = outputDir.resolve(outputName);
        ChildProcess child = ChildProcess.start(tool, command, Map.of(), outputDir, output);
        OptionalInt exitCode;
        Duration elapsed;
        try {
            exitCode = child.waitFor(timeout);
            elapsed = Duration.ofNanos(System.nanoTime() - child.spawnNanos());
        } finally {
            child.close();
        }
        return new ToolRun(tool, exitCode, Files.readString(output, StandardCharsets.UTF_8), output, elapsed);
    }
}
