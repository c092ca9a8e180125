package io.strata.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * An end-to-end benchmark of the broker's CPU cost per gigabyte produced and per gigabyte fetched.
 *
 * <p>It starts {@code broker/target/strata-broker.jar} as a child process listening on 127.0.0.1,
 * creates a one-partition topic, produces {@code --mb} megabytes of 1 KiB records with a
 * {@link KafkaProducer}, then consumes them all from offset 0 with a {@link KafkaConsumer} in
 * assign mode. The broker's CPU time (utime + stime from {@code /proc/<pid>/stat}) is sampled around
 * each phase, and its resident set size ({@code VmRSS}) when idle after start and at the end. Fetches
 * of local data go out with sendfile, so broker CPU per GB fetched should be far below the CPU per GB
 * produced. Linux only (it reads {@code /proc}).
 *
 * <p>Usage: {@code FetchCpuBenchmark [--mb N] [--broker-jar PATH] [--logback PATH]}.
 *
 * <p>Not thread-safe: run once from {@link #main(String[])}.
 */
public final class FetchCpuBenchmark {

    private static final String HOST = "127.0.0.1";
    private static final String TOPIC = "fetch-cpu-bench";
    private static final int RECORD_SIZE = 1024;
    private static final long MIB = 1024L * 1024L;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONSUME_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final long megabytes;
    private final Path brokerJar;
    private final Path logbackConfig;
    private final long clockTicksPerSecond;

    private FetchCpuBenchmark(long megabytes, Path brokerJar, Path logbackConfig, long clockTicksPerSecond) {
        this.megabytes = megabytes;
        this.brokerJar = brokerJar;
        this.logbackConfig = logbackConfig;
        this.clockTicksPerSecond = clockTicksPerSecond;
    }

    /**
     * Runs the benchmark and prints its figures to standard output.
     *
     * @param args {@code --mb N} (default 1024), {@code --broker-jar PATH} (default
     *             {@code broker/target/strata-broker.jar}), {@code --logback PATH} (default
     *             {@code config/logback.xml} when present)
     * @throws Exception when the broker cannot be started or a client operation fails
     */
    public static void main(String[] args) throws Exception {
        long mb = 1024;
        Path jar = Path.of("broker/target/strata-broker.jar");
        Path logback = Path.of("config/logback.xml");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mb" -> mb = Long.parseLong(requireValue(args, ++i));
                case "--broker-jar" -> jar = Path.of(requireValue(args, ++i));
                case "--logback" -> logback = Path.of(requireValue(args, ++i));
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]
                        + "; usage: FetchCpuBenchmark [--mb N] [--broker-jar PATH] [--logback PATH]");
            }
        }
        if (mb <= 0) {
            throw new IllegalArgumentException("--mb must be positive, was " + mb);
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath()
                    + " not found: build it first with 'mvn -B -q -DskipTests package'");
        }
        new FetchCpuBenchmark(mb, jar, Files.isRegularFile(logback) ? logback : null, clockTicksPerSecond()).run();
    }

    private static String requireValue(String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException(args[index - 1] + " needs a value");
        }
        return args[index];
    }

    private void run() throws Exception {
        Path workDir = Files.createTempDirectory("strata-fetch-cpu-");
        Path logDir = Files.createDirectories(workDir.resolve("logs"));
        int port = freePort();
        Path serverProperties = workDir.resolve("server.properties");
        Files.writeString(serverProperties, String.join("\n",
                "node.id=1",
                "listeners=PLAINTEXT://" + HOST + ":" + port,
                "advertised.listeners=PLAINTEXT://" + HOST + ":" + port,
                "log.dirs=" + logDir.toAbsolutePath(),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                ""), StandardCharsets.UTF_8);
        Path brokerOutput = workDir.resolve("broker.out");
        String bootstrap = HOST + ":" + port;

        Process broker = startBroker(serverProperties, brokerOutput);
        long pid = broker.pid();
        System.out.printf("broker pid %d, %s, work dir %s%n", pid, bootstrap, workDir);
        try {
            awaitBroker(bootstrap, broker, brokerOutput);
            long idleRssKb = rssKb(pid);

            createTopic(bootstrap);
            long recordCount = megabytes * MIB / RECORD_SIZE;
            long totalBytes = recordCount * RECORD_SIZE;

            long produceCpuBefore = cpuTicks(pid);
            long produceStart = System.nanoTime();
            produce(bootstrap, recordCount);
            long produceNanos = System.nanoTime() - produceStart;
            long produceCpuTicks = cpuTicks(pid) - produceCpuBefore;

            long fetchCpuBefore = cpuTicks(pid);
            long fetchStart = System.nanoTime();
            long consumed = consume(bootstrap, recordCount);
            long fetchNanos = System.nanoTime() - fetchStart;
            long fetchCpuTicks = cpuTicks(pid) - fetchCpuBefore;
            long endRssKb = rssKb(pid);

            double gb = (double) totalBytes / (1024.0 * MIB);
            double produceCpuSeconds = (double) produceCpuTicks / clockTicksPerSecond;
            double fetchCpuSeconds = (double) fetchCpuTicks / clockTicksPerSecond;
            System.out.printf("records: %d x %d B = %d MiB (consumed %d records)%n",
                    recordCount, RECORD_SIZE, megabytes, consumed);
            System.out.printf("produce: %.1f s, %.1f MiB/s, broker CPU %.2f s = %.2f CPU-s per GiB%n",
                    produceNanos / 1e9, megabytes / (produceNanos / 1e9), produceCpuSeconds, produceCpuSeconds / gb);
            System.out.printf("fetch:   %.1f s, %.1f MiB/s, broker CPU %.2f s = %.2f CPU-s per GiB%n",
                    fetchNanos / 1e9, megabytes / (fetchNanos / 1e9), fetchCpuSeconds, fetchCpuSeconds / gb);
            System.out.printf("broker RSS: %d MiB idle after start, %d MiB at end%n",
                    idleRssKb / 1024, endRssKb / 1024);
        } finally {
            stopBroker(broker);
            deleteRecursively(workDir);
        }
    }

    private Process startBroker(Path serverProperties, Path brokerOutput) throws IOException {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(javaBin.toString(), "-Xms256m", "-Xmx1g"));
        if (logbackConfig != null) {
            command.add("-Dlogback.configurationFile=" + logbackConfig.toAbsolutePath());
        }
        command.addAll(List.of("-jar", brokerJar.toAbsolutePath().toString(),
                serverProperties.toAbsolutePath().toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(brokerOutput.toFile())
                .start();
    }

    private static void awaitBroker(String bootstrap, Process broker, Path brokerOutput) throws Exception {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(props)) {
            while (true) {
                if (!broker.isAlive()) {
                    throw new IllegalStateException("broker exited with " + broker.exitValue()
                            + "; output:\n" + Files.readString(brokerOutput));
                }
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("broker did not answer within " + STARTUP_TIMEOUT
                                + "; output:\n" + Files.readString(brokerOutput), e);
                    }
                    broker.waitFor(200, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private static void createTopic(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void produce(String bootstrap, long recordCount) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Random payloads, so neither the producer nor the disk can shrink them.
        Random random = new Random(42);
        byte[][] values = new byte[256][RECORD_SIZE];
        for (byte[] value : values) {
            random.nextBytes(value);
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (long i = 0; i < recordCount && failure.get() == null; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, values[(int) (i & 0xff)]), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("produce failed", failure.get());
        }
    }

    private static long consume(String bootstrap, long recordCount) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        long consumed = 0;
        long bytes = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, 0L);
            long idleDeadline = System.nanoTime() + CONSUME_IDLE_TIMEOUT.toNanos();
            while (consumed < recordCount) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    if (System.nanoTime() > idleDeadline) {
                        throw new IllegalStateException("no records for " + CONSUME_IDLE_TIMEOUT
                                + " after " + consumed + " of " + recordCount);
                    }
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    bytes += record.serializedValueSize();
                }
                consumed += records.count();
                idleDeadline = System.nanoTime() + CONSUME_IDLE_TIMEOUT.toNanos();
            }
        }
        if (bytes != recordCount * RECORD_SIZE) {
            throw new IllegalStateException("consumed " + bytes + " value bytes, expected " + recordCount * RECORD_SIZE);
        }
        return consumed;
    }

    private static void stopBroker(Process broker) throws InterruptedException {
        broker.destroy();
        if (!broker.waitFor(30, TimeUnit.SECONDS)) {
            broker.destroyForcibly();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** utime + stime of the process, in clock ticks; fields 14 and 15 of /proc/pid/stat. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces; fields after it start past the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so field 14 is fields[11] and field 15 is fields[12].
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring("VmRSS:".length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    private static long clockTicksPerSecond() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (getconf.waitFor() != 0 || out.isEmpty()) {
            throw new IllegalStateException("getconf CLK_TCK failed: " + out);
        }
        return Long.parseLong(out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
