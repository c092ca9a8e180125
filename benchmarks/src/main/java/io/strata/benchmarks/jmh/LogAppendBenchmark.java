package io.strata.benchmarks.jmh;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Appending one 64 KiB client batch (63 random 1 KiB records, format v2, uncompressed) to a
 * partition's log as its leader: validation (CRC and every record), offset assignment, leader
 * epoch cache, segment roll when due, the write to the {@code .log} file and the index updates.
 *
 * <ul>
 *   <li>{@link #strata}: {@code PartitionLog.append(records, leaderEpoch)}, opened through
 *       {@code PartitionLogs} as the broker does;</li>
 *   <li>{@link #kafka}: Apache Kafka's {@code UnifiedLog.appendAsLeader(records, leaderEpoch)}
 *       (client origin), created with {@code UnifiedLog.create} as Kafka's {@code LogManager} does.</li>
 * </ul>
 * Both logs: segment.bytes {@value #SEGMENT_BYTES}, retention.bytes {@value #RETENTION_BYTES},
 * index.interval.bytes 4096, segment.index.bytes 10 MiB, no fsync (flush.messages and flush.ms at
 * their defaults), file.delete.delay.ms 0. The log is bounded by retention: every
 * {@value #RETENTION_CHECK_APPENDS} appends (one segment's worth) the benchmark thread runs the
 * log's retention check (Strata {@code deleteRetentionExpiredSegments}, Kafka
 * {@code deleteOldSegments} after moving the high watermark to the log end offset), so a log never
 * holds much more than {@value #RETENTION_BYTES} bytes plus two segments; that work, amortized over
 * the appends, and the background deletion of the files are part of the measured time on both sides.
 *
 * <p>Batches are not idempotent (producer id -1): a retried sequence would otherwise be a duplicate.
 * The batches' baseOffset and partition leader epoch are reset before each append (see
 * {@link BenchmarkRecords.Ring}), in the measured time of both sides.
 *
 * <p>Not thread-safe: run with one benchmark thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dlogback.configurationFile=jmh-logback.xml"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LogAppendBenchmark {

    static final int SEGMENT_BYTES = 128 * 1024 * 1024;
    static final long RETENTION_BYTES = 256L * 1024 * 1024;
    static final int RETENTION_CHECK_APPENDS = SEGMENT_BYTES / BenchmarkRecords.BATCH_SIZE;
    private static final int DISTINCT_BATCHES = 16;

    /** A Strata partition log and the batches to append. */
    @State(Scope.Benchmark)
    public static class StrataState {
        BenchmarkLogs.StrataLog log;
        BenchmarkRecords.Ring batches;
        long appends;

        @Setup(Level.Trial)
        public void open() {
            log = BenchmarkLogs.openStrata("strata-append-", BenchmarkLogs.strataConfig(SEGMENT_BYTES, RETENTION_BYTES));
            batches = new BenchmarkRecords.Ring(DISTINCT_BATCHES, System.currentTimeMillis());
        }

        @TearDown(Level.Trial)
        public void close() throws InterruptedException {
            log.close();
        }
    }

    /** A Kafka partition log and the same batches. */
    @State(Scope.Benchmark)
    public static class KafkaState {
        BenchmarkLogs.KafkaLog log;
        BenchmarkRecords.Ring batches;
        long appends;

        @Setup(Level.Trial)
        public void open() {
            log = BenchmarkLogs.openKafka("kafka-append-", BenchmarkLogs.kafkaConfig(SEGMENT_BYTES, RETENTION_BYTES));
            batches = new BenchmarkRecords.Ring(DISTINCT_BATCHES, System.currentTimeMillis());
        }

        @TearDown(Level.Trial)
        public void close() throws InterruptedException {
            log.close();
        }
    }

    @Benchmark
    public void strata(StrataState state, Blackhole blackhole) {
        MemoryRecords records = state.batches.next();
        blackhole.consume(state.log.log().append(records, BenchmarkLogs.LEADER_EPOCH));
        if (++state.appends % RETENTION_CHECK_APPENDS == 0) {
            state.log.enforceRetention();
        }
    }

    @Benchmark
    public void kafka(KafkaState state, Blackhole blackhole) throws IOException {
        MemoryRecords records = state.batches.next();
        blackhole.consume(state.log.log().appendAsLeader(records, BenchmarkLogs.LEADER_EPOCH));
        if (++state.appends % RETENTION_CHECK_APPENDS == 0) {
            state.log.enforceRetention();
        }
    }
}
