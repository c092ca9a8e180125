package io.strata.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.strata.benchmarks.process.ApiVersionsProbe;
import io.strata.benchmarks.process.ChildProcess;
import io.strata.benchmarks.process.Directories;
import io.strata.benchmarks.process.Loopback;
import io.strata.benchmarks.process.ProcStats;
import io.strata.benchmarks.process.StrataLauncher;

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
 * <p>It starts a Strata broker as a child process listening on 127.0.0.1, the way a user does
 * ({@code bin/strata-server-start.sh config/server.properties --override ...}, see
 * {@link StrataLauncher}), creates a one-partition topic, produces {@code --mb} megabytes of 1 KiB
 * records with a {@link KafkaProducer}, then consumes them all from offset 0 with a
 * {@link KafkaConsumer} in assign mode. The broker's CPU time (utime + stime from
 * {@code /proc/<pid>/stat}) is sampled around each phase, and its resident set size ({@code VmRSS})
 * when idle after start and at the end (see {@link ProcStats}). Fetches of local data go out with
 * sendfile, so broker CPU per GB fetched should be far below the CPU per GB produced. Linux only (it
 * reads {@code /proc}).
 *
 * <p>Usage: {@code FetchCpuBenchmark [--mb N] [--strata-home DIR] [--logback PATH]}.
 *
 * <p>Not thread-safe: run once from {@link #main(String[])}.
 */
public final class FetchCpuBenchmark {

    private static final String TOPIC = "fetch-cpu-bench";
    private static final int RECORD_SIZE = 1024;
    private static final long MIB = 1024L * 1024L;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(5);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration CONSUME_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final long megabytes;
    private final StrataLauncher launcher;
    private final Path logbackConfig;

    private FetchCpuBenchmark(long megabytes, StrataLauncher launcher, Path logbackConfig) {
        this.megabytes = megabytes;
        this.launcher = launcher;
        this.logbackConfig = logbackConfig;
    }

    /**
     * Runs the benchmark and prints its figures to standard output.
     *
     * @param args {@code --mb N} (default 1024), {@code --strata-home DIR} (the repository root,
     *             default the current directory), {@code --logback PATH} (the broker's logback
     *             configuration, default the start script's {@code config/logback.xml})
     * @throws Exception when the broker cannot be started or a client operation fails
     */
    public static void main(String[] args) throws Exception {
        long mb = 1024;
        Path strataHome = Path.of(".");
        Path logback = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mb" -> mb = Long.parseLong(requireValue(args, ++i));
                case "--strata-home" -> strataHome = Path.of(requireValue(args, ++i));
                case "--logback" -> logback = Path.of(requireValue(args, ++i));
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]
                        + "; usage: FetchCpuBenchmark [--mb N] [--strata-home DIR] [--logback PATH]");
            }
        }
        if (mb <= 0) {
            throw new IllegalArgumentException("--mb must be positive, was " + mb);
        }
        if (logback != null && !Files.isRegularFile(logback)) {
            throw new IllegalArgumentException("--logback " + logback + " is not a file");
        }
        StrataLauncher launcher = new StrataLauncher(strataHome);
        launcher.requireBuilt();
        new FetchCpuBenchmark(mb, launcher, logback).run();
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
        int port = Loopback.freePort();
        String bootstrap = Loopback.HOST + ":" + port;
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("listeners", "PLAINTEXT://" + bootstrap);
        overrides.put("advertised.listeners", "PLAINTEXT://" + bootstrap);
        overrides.put("log.dirs", logDir.toAbsolutePath().toString());
        overrides.put("num.partitions", "1");
        overrides.put("auto.create.topics.enable", "false");
        // Local fetch CPU only: no uploads running beside the reads.
        overrides.put("remote.log.storage.system.enable", "false");

        ChildProcess broker = ChildProcess.start("strata", launcher.command(overrides),
                launcher.environment(logbackConfig), workDir, workDir.resolve("broker.out"));
        long pid = broker.pid();
        System.out.printf("broker pid %d, %s, work dir %s%n", pid, bootstrap, workDir);
        try {
            Duration startup = ApiVersionsProbe.awaitFirstAnswer(broker, Loopback.HOST, port, STARTUP_TIMEOUT,
                    PROBE_INTERVAL);
            long idleRssKb = ProcStats.residentKb(pid);

            createTopic(bootstrap);
            long recordCount = megabytes * MIB / RECORD_SIZE;
            long totalBytes = recordCount * RECORD_SIZE;

            double produceCpuBefore = ProcStats.cpuSeconds(pid);
            long produceStart = System.nanoTime();
            produce(bootstrap, recordCount);
            long produceNanos = System.nanoTime() - produceStart;
            double produceCpuSeconds = ProcStats.cpuSeconds(pid) - produceCpuBefore;

            double fetchCpuBefore = ProcStats.cpuSeconds(pid);
            long fetchStart = System.nanoTime();
            long consumed = consume(bootstrap, recordCount);
            long fetchNanos = System.nanoTime() - fetchStart;
            double fetchCpuSeconds = ProcStats.cpuSeconds(pid) - fetchCpuBefore;
            long endRssKb = ProcStats.residentKb(pid);

            double gb = (double) totalBytes / (1024.0 * MIB);
            System.out.printf("broker answered ApiVersions %d ms after the process was spawned%n", startup.toMillis());
            System.out.printf("records: %d x %d B = %d MiB (consumed %d records)%n",
                    recordCount, RECORD_SIZE, megabytes, consumed);
            System.out.printf("produce: %.1f s, %.1f MiB/s, broker CPU %.2f s = %.2f CPU-s per GiB%n",
                    produceNanos / 1e9, megabytes / (produceNanos / 1e9), produceCpuSeconds, produceCpuSeconds / gb);
            System.out.printf("fetch:   %.1f s, %.1f MiB/s, broker CPU %.2f s = %.2f CPU-s per GiB%n",
                    fetchNanos / 1e9, megabytes / (fetchNanos / 1e9), fetchCpuSeconds, fetchCpuSeconds / gb);
            System.out.printf("broker RSS: %d MiB idle after start, %d MiB at end%n",
                    idleRssKb / 1024, endRssKb / 1024);
        } finally {
            broker.stop(STOP_GRACE);
            Directories.deleteRecursively(workDir);
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
}
