package io.strata.benchmarks.compare;

import io.strata.benchmarks.process.ChildProcess;
import io.strata.benchmarks.process.Loopback;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka as a single combined broker+controller node in KRaft mode, started as its own
 * {@code bin/kafka-server-start.sh config/server.properties} would start it, from the jars of a
 * Kafka distribution's {@code libs/}:
 * <ol>
 *   <li>a {@code server.properties} like the distribution's {@code config/server.properties}
 *       (process.roles=broker,controller, internal topics with replication factor 1,
 *       {@code group.initial.rebalance.delay.ms=0}, 1 GiB segments, no per-message flush), with
 *       the client listener and the controller on free 127.0.0.1 ports and {@code log.dirs} in the
 *       run's data directory;</li>
 *   <li>{@code kafka-storage.sh format -t <cluster id> -c server.properties --standalone}
 *       ({@code kafka.tools.StorageTool}), not counted in the start-up time;</li>
 *   <li>{@code java} with the scripts' default options: {@code -Xmx1G -Xms1G}, G1 with
 *       {@code MaxGCPauseMillis=20}, {@code InitiatingHeapOccupancyPercent=35},
 *       {@code ExplicitGCInvokesConcurrent}, headless, the {@code -loggc} GC log, local JMX, and a
 *       Log4j 2 configuration like the distribution's {@code config/log4j2.yaml} (INFO to the console
 *       and {@code server.log}), running {@code kafka.Kafka server.properties}.</li>
 * </ol>
 * ({@code kafka-run-class.sh} of older releases also passed {@code -XX:MaxInlineLevel=15}, the JDK's
 * default since JDK 14.)
 *
 * <p>Immutable and thread-safe.
 */
public final class ApacheKafkaBroker implements BrokerUnderTest {

    private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(2);
    private static final String BROKER_LOG_CONFIG = "kafka-broker-log4j2.xml";

    private final Path javaBin;
    private final Path kafkaLibs;
    private final String version;

    /**
     * Creates the broker description.
     *
     * @param javaBin the {@code java} executable (the same for both brokers)
     * @param kafkaLibs the directory holding the distribution's jars
     * @throws IOException when the directory cannot be listed
     * @throws IllegalStateException when it holds no {@code kafka_2.13-<version>.jar}
     */
    public ApacheKafkaBroker(Path javaBin, Path kafkaLibs) throws IOException {
        this.javaBin = javaBin;
        this.kafkaLibs = kafkaLibs;
        this.version = kafkaVersion(kafkaLibs);
    }

    /**
     * Returns the Kafka version of a distribution's {@code libs/}, from its broker jar's name.
     *
     * @param kafkaLibs the directory holding the jars
     * @return a version such as {@code 4.3.1}
     * @throws IOException when the directory cannot be listed
     * @throws IllegalStateException when there is no {@code kafka_<scala>-<version>.jar}
     */
    public static String kafkaVersion(Path kafkaLibs) throws IOException {
        if (!Files.isDirectory(kafkaLibs)) {
            throw new IllegalStateException(kafkaLibs.toAbsolutePath() + " does not exist: fetch Apache Kafka first with "
                    + "'mvn -B -q -f benchmarks/apache-kafka/pom.xml package'");
        }
        try (Stream<Path> jars = Files.list(kafkaLibs)) {
            List<String> names = jars.map(path -> path.getFileName().toString())
                    .filter(name -> name.matches("kafka_2\\.[0-9]+-.+\\.jar"))
                    .collect(Collectors.toList());
            if (names.size() != 1) {
                throw new IllegalStateException("expected one kafka_2.x-<version>.jar in " + kafkaLibs + ", found " + names);
            }
            String name = names.get(0);
            return name.substring(name.indexOf('-') + 1, name.length() - ".jar".length());
        }
    }

    @Override
    public String name() {
        return "Apache Kafka " + version;
    }

    @Override
    public String id() {
        return "kafka";
    }

    /** Returns the Kafka version, such as {@code 4.3.1}. */
    public String version() {
        return version;
    }

    @Override
    public RunningBroker start(Path runDir, Path dataDir) throws IOException, InterruptedException {
        int port = Loopback.freePort();
        int controllerPort = Loopback.freePort();
        while (controllerPort == port) {
            controllerPort = Loopback.freePort();
        }
        Path logsDir = Files.createDirectories(runDir.resolve("kafka-logs-dir"));
        Path properties = runDir.resolve("server.properties");
        Files.writeString(properties, serverProperties(port, controllerPort, dataDir), StandardCharsets.UTF_8);
        Path logConfig = runDir.resolve("log4j2.xml");
        copyResource(BROKER_LOG_CONFIG, logConfig);

        format(runDir, properties);

        List<String> command = new ArrayList<>(List.of(javaBin.toString(), "-Xmx1G", "-Xms1G",
                "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
                "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true",
                "-Xlog:gc*:file=" + logsDir.resolve("kafkaServer-gc.log") + ":time,tags:filecount=10,filesize=100M",
                "-Dcom.sun.management.jmxremote", "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false",
                "-Dkafka.logs.dir=" + logsDir.toAbsolutePath(),
                "-Dlog4j2.configurationFile=" + logConfig.toAbsolutePath(),
                "-cp", kafkaLibs.toAbsolutePath() + "/*",
                "kafka.Kafka", properties.toAbsolutePath().toString()));
        ChildProcess process = ChildProcess.start(id(), command, Map.of(), runDir, runDir.resolve("broker.out"));
        return new RunningBroker(process, port);
    }

    /**
     * Returns the broker's configuration: the distribution's {@code config/server.properties} for a
     * combined node, with loopback listeners on the given ports and the given data directory.
     *
     * @param port the client (PLAINTEXT) listener's port
     * @param controllerPort the controller listener's port
     * @param dataDir the data directory ({@code log.dirs})
     * @return the properties file's text
     */
    static String serverProperties(int port, int controllerPort, Path dataDir) {
        String host = Loopback.HOST;
        return String.join("\n",
                "# Apache Kafka's config/server.properties for a combined broker+controller node,",
                "# with loopback listeners on free ports and log.dirs in the benchmark's run directory.",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=" + host + ":" + controllerPort,
                "listeners=PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort,
                "inter.broker.listener.name=PLAINTEXT",
                "advertised.listeners=PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,"
                        + "SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
                "num.network.threads=3",
                "num.io.threads=8",
                "socket.send.buffer.bytes=102400",
                "socket.receive.buffer.bytes=102400",
                "socket.request.max.bytes=104857600",
                "log.dirs=" + dataDir.toAbsolutePath(),
                "num.partitions=1",
                "num.recovery.threads.per.data.dir=1",
                "offsets.topic.replication.factor=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.retention.hours=168",
                "log.segment.bytes=1073741824",
                "log.retention.check.interval.ms=300000",
                "");
    }

    private void format(Path runDir, Path properties) throws IOException, InterruptedException {
        List<String> command = List.of(javaBin.toString(), "-Xmx256M",
                "-Dlog4j2.configurationFile=" + copyToolsLogConfig(runDir).toAbsolutePath(),
                "-cp", kafkaLibs.toAbsolutePath() + "/*", "kafka.tools.StorageTool",
                "format", "-t", Uuid.randomUuid().toString(), "-c", properties.toAbsolutePath().toString(), "--standalone");
        ChildProcess storageTool = ChildProcess.start("kafka-storage format", command, Map.of(), runDir,
                runDir.resolve("kafka-storage-format.out"));
        try {
            OptionalInt exit = storageTool.waitFor(FORMAT_TIMEOUT);
            if (exit.isEmpty() || exit.getAsInt() != 0) {
                throw new IOException("kafka-storage format failed (" + (exit.isEmpty() ? "timed out" : "exit " + exit.getAsInt())
                        + "): " + storageTool.outputTail(2000));
            }
        } finally {
            storageTool.close();
        }
    }

    private static Path copyToolsLogConfig(Path runDir) throws IOException {
        Path target = runDir.resolve("tools-log4j2.xml");
        copyResource(Comparison.TOOLS_LOG_CONFIG, target);
        return target;
    }

    /**
     * Copies a resource of this package to a file.
     *
     * @param resource the resource's name in {@code io/strata/benchmarks/compare/}
     * @param target the file to write (replaced)
     * @throws IOException when the resource is missing or the file cannot be written
     */
    static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = ApacheKafkaBroker.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " missing from the benchmarks jar");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
