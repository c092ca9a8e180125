package io.strata.benchmarks.replay;

import io.strata.benchmarks.process.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Cold replay from the remote tier against local replay of the same records, in one run.
 *
 * <p>One Strata broker runs in this JVM with tiering to a real S3 API over HTTP (see
 * {@link ReplayBroker}). The same random records go into two topics: {@value #REMOTE_TOPIC}
 * ({@code remote.storage.enable=true}, {@code local.retention.bytes=0}: every sealed segment is
 * uploaded and then deleted locally) and {@value #LOCAL_TOPIC} (tiering off). Once only the active
 * segment of the remote topic is local (ListOffsets: earliest-local = latest-tiered + 1), each round
 * reads the local topic, then the remote one, each time after a broker restart (so the chunk and
 * index caches are empty for the cold read), from offset 0 to the remote topic's earliest-local
 * offset with one consumer ({@link ReplayReader}). The remote read's GETs, bytes and chunk cache
 * hits and misses come from the broker's JMX counters ({@link RemoteCounters}).
 *
 * <p>Usage: see {@link ReplayOptions#USAGE}; {@code benchmarks/README.md} documents the command.
 *
 * <p>Not thread-safe: run once from {@link #main(String[])}.
 */
public final class ColdReplayBenchmark {

    static final String REMOTE_TOPIC = "replay-remote";
    static final String LOCAL_TOPIC = "replay-local";
    private static final Duration TIERING_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final long SEED = 20261122L;

    private final ReplayOptions options;

    ColdReplayBenchmark(ReplayOptions options) {
        this.options = options;
    }

    /** Runs the benchmark and prints each read and the medians (Markdown) to standard output. */
    public static void main(String[] args) throws Exception {
        ReplayOptions options = ReplayOptions.parse(args);
        List<ReplayRead> reads = new ColdReplayBenchmark(options).run();
        System.out.println();
        System.out.println(ReplayReport.render(reads));
    }

    /** Produces, waits for the tiering, runs the rounds and returns every read in order. */
    List<ReplayRead> run() throws Exception {
        Path workDir = options.workDir() != null ? Files.createDirectories(options.workDir())
                : Files.createTempDirectory("strata-cold-replay-");
        try (ReplayBroker broker = ReplayBroker.start(workDir, options.brokerOverrides())) {
            log("broker %s, work dir %s, %s", broker.bootstrapServers(), workDir, options);
            createTopics(broker);
            long produceStart = System.nanoTime();
            produce(broker);
            log("produced %,d records of %d bytes into each topic in %.1f s", options.recordCount(),
                    options.recordBytes(), (System.nanoTime() - produceStart) / 1e9);
            long tierStart = System.nanoTime();
            Map<Integer, Long> ends = awaitTiered(broker);
            log("remote topic tiered in %.1f s (after the produce); reading offsets [0, end) of %s", (System.nanoTime()
                    - tierStart) / 1e9, ends);
            List<ReplayRead> reads = new ArrayList<>();
            for (int round = 1; round <= options.rounds(); round++) {
                reads.add(measure(broker, round, ReplayRead.Kind.LOCAL, ends));
                reads.add(measure(broker, round, ReplayRead.Kind.COLD_REMOTE, ends));
            }
            return reads;
        } finally {
            if (options.workDir() == null) {
                Directories.deleteRecursively(workDir);
            }
        }
    }

    private ReplayRead measure(ReplayBroker broker, int round, ReplayRead.Kind kind, Map<Integer, Long> ends)
            throws Exception {
        broker.restart();
        awaitRemoteTierReady(broker);
        boolean cold = kind == ReplayRead.Kind.COLD_REMOTE;
        if (options.evictFileCache()) {
            int files = 0;
            if (cold) {
                files = FileCache.evict(broker.bucketDir());
            } else {
                for (int p = 0; p < options.partitions(); p++) {
                    files += FileCache.evict(broker.logDir().resolve(LOCAL_TOPIC + "-" + p));
                }
            }
            log("evicted %d files from the page cache", files);
        }
        RemoteCounters before = RemoteCounters.read();
        ReplayRead read = ReplayReader.read(broker.bootstrapServers(), cold ? REMOTE_TOPIC : LOCAL_TOPIC, ends,
                options.consumerOverrides(), round, kind);
        RemoteCounters delta = RemoteCounters.read().minus(before);
        read = new ReplayRead(round, kind, read.records(), read.bytes(), read.nanos(), delta,
                read.fetchLatencyAvgMs(), read.fetchSizeAvg());
        log("round %d %-11s %,d records, %,.0f MiB in %.2f s: %.1f MiB/s; GETs %d (%.1f/GiB), %,.0f MiB from the"
                        + " bucket, chunk hits %d misses %d, index misses %d; fetch latency avg %.1f ms, size avg %.0f KiB",
                round, cold ? "cold remote" : "local", read.records(), read.bytes() / 1048576.0, read.nanos() / 1e9,
                read.mibPerSecond(), delta.getRequests(), read.getsPerGib(), delta.remoteBytesRead() / 1048576.0,
                delta.chunkHits(), delta.chunkMisses(), delta.indexMisses(), read.fetchLatencyAvgMs(),
                read.fetchSizeAvg() / 1024);
        return read;
    }

    private void createTopics(ReplayBroker broker) throws Exception {
        String segmentBytes = String.valueOf(options.segmentBytes());
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(
                    new NewTopic(REMOTE_TOPIC, options.partitions(), (short) 1).configs(Map.of(
                            "remote.storage.enable", "true", "local.retention.bytes", "0",
                            "segment.bytes", segmentBytes, "retention.ms", "-1")),
                    new NewTopic(LOCAL_TOPIC, options.partitions(), (short) 1).configs(Map.of(
                            "remote.storage.enable", "false", "segment.bytes", segmentBytes, "retention.ms", "-1"))))
                    .all().get();
        }
    }

    /** The same random values (no keys) into both topics, record i to partition i % partitions of each. */
    private void produce(ReplayBroker broker) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        Random random = new Random(SEED);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (long i = 0; i < options.recordCount(); i++) {
                byte[] value = new byte[options.recordBytes()];
                random.nextBytes(value);
                int partition = (int) (i % options.partitions());
                producer.send(new ProducerRecord<>(REMOTE_TOPIC, partition, null, value));
                producer.send(new ProducerRecord<>(LOCAL_TOPIC, partition, null, value));
            }
            producer.flush();
        }
    }

    /**
     * Waits until every partition of the remote topic has only its active segment locally and no
     * upload lag, and returns each partition's earliest local offset: the end of its remote range.
     */
    private Map<Integer, Long> awaitTiered(ReplayBroker broker) throws Exception {
        long deadline = System.nanoTime() + TIERING_TIMEOUT.toNanos();
        try (Admin admin = broker.admin()) {
            while (true) {
                Map<Integer, Long> ends = new LinkedHashMap<>();
                boolean done = RemoteCounters.registered() && RemoteCounters.uploadLagSegments() == 0;
                for (int p = 0; p < options.partitions() && done; p++) {
                    TopicPartition tp = new TopicPartition(REMOTE_TOPIC, p);
                    long earliestLocal = offset(admin, tp, OffsetSpec.earliestLocal());
                    long latestTiered = offset(admin, tp, OffsetSpec.latestTiered());
                    done = earliestLocal > 0 && earliestLocal == latestTiered + 1;
                    ends.put(p, earliestLocal);
                }
                if (done) {
                    return ends;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The remote topic was not tiered within " + TIERING_TIMEOUT);
                }
                Thread.sleep(200); // the poll interval of a condition with a deadline
            }
        }
    }

    /**
     * After a restart: waits until the remote tier has loaded the remote topic's segment lists. A
     * ListOffsets by a timestamp past every record fails while they are loading and, once loaded,
     * is answered from the segments' metadata without a GET.
     */
    private void awaitRemoteTierReady(ReplayBroker broker) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        long future = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
        try (Admin admin = broker.admin()) {
            for (int p = 0; p < options.partitions(); p++) {
                TopicPartition tp = new TopicPartition(REMOTE_TOPIC, p);
                while (true) {
                    try {
                        if (RemoteCounters.registered()) {
                            offset(admin, tp, OffsetSpec.forTimestamp(future));
                            break;
                        }
                    } catch (ExecutionException e) {
                        // not loaded yet (KAFKA_STORAGE_ERROR): try again until the deadline
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("The remote tier did not load " + tp + " within " + READY_TIMEOUT);
                    }
                    Thread.sleep(20); // the poll interval of a condition with a deadline
                }
            }
        }
    }

    private static long offset(Admin admin, TopicPartition tp, OffsetSpec spec)
            throws ExecutionException, InterruptedException {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get().offset();
    }

    private static void log(String format, Object... args) {
        System.out.printf(format + "%n", args);
    }
}
