package io.strata.benchmarks.jmh;

import io.strata.storage.log.FetchDataInfo;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.server.storage.log.FetchIsolation;
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
 * Reading the range a fetch sends, up to {@value #MAX_BYTES} bytes from a random offset of a
 * multi-segment log: what a fetch does before {@code sendfile}, i.e. finding the segment, the
 * offset index lookup, the scan from the indexed position to the batch holding the offset, and the
 * {@code FileRecords} slice. No record bytes are read.
 *
 * <ul>
 *   <li>{@link #strata}: {@code PartitionLog.read(fetchOffset, maxBytes, minOneMessage = true)};</li>
 *   <li>{@link #kafka}: Apache Kafka's {@code UnifiedLog.read(fetchOffset, maxBytes,
 *       FetchIsolation.HIGH_WATERMARK, minOneMessage = true)} (a consumer's fetch), with the high
 *       watermark at the log end offset.</li>
 * </ul>
 * Each log is filled in {@code @Setup} through its own append path with {@value #LOG_BYTES} bytes of
 * 64 KiB batches of random 1 KiB records, in segments of {@value #SEGMENT_BYTES} bytes (8 full ones and
 * the active one);
 * otherwise Kafka's defaults (index.interval.bytes 4096, so every batch is indexed). The fetch offsets
 * are {@value #OFFSETS} offsets drawn uniformly over the whole log with a fixed seed, used in turn.
 *
 * <p>Not thread-safe: run with one benchmark thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dlogback.configurationFile=jmh-logback.xml"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LogReadBenchmark {

    static final int MAX_BYTES = 1024 * 1024;
    static final int SEGMENT_BYTES = 64 * 1024 * 1024;
    static final long LOG_BYTES = 8L * SEGMENT_BYTES;
    private static final int OFFSETS = 1024;
    private static final int DISTINCT_BATCHES = 16;

    /** A filled Strata log and the fetch offsets. */
    @State(Scope.Benchmark)
    public static class StrataState {
        BenchmarkLogs.StrataLog log;
        long[] offsets;
        int next;

        @Setup(Level.Trial)
        public void fill() {
            log = BenchmarkLogs.openStrata("strata-read-", BenchmarkLogs.strataConfig(SEGMENT_BYTES, -1L));
            BenchmarkRecords.Ring batches = new BenchmarkRecords.Ring(DISTINCT_BATCHES, System.currentTimeMillis());
            while (log.log().size() + batches.batchSizeInBytes() <= LOG_BYTES) {
                log.log().append(batches.next(), BenchmarkLogs.LEADER_EPOCH);
            }
            offsets = fetchOffsets(log.log().logEndOffset());
            FetchDataInfo first = log.log().read(offsets[0], MAX_BYTES, true);
            requireRecords(first.records().sizeInBytes(), log.log().numberOfSegments());
        }

        @TearDown(Level.Trial)
        public void close() throws InterruptedException {
            log.close();
        }
    }

    /** A Kafka log filled with the same batches and the same fetch offsets. */
    @State(Scope.Benchmark)
    public static class KafkaState {
        BenchmarkLogs.KafkaLog log;
        long[] offsets;
        int next;

        @Setup(Level.Trial)
        public void fill() throws IOException {
            log = BenchmarkLogs.openKafka("kafka-read-", BenchmarkLogs.kafkaConfig(SEGMENT_BYTES, -1L));
            BenchmarkRecords.Ring batches = new BenchmarkRecords.Ring(DISTINCT_BATCHES, System.currentTimeMillis());
            while (log.log().size() + batches.batchSizeInBytes() <= LOG_BYTES) {
                log.log().appendAsLeader(batches.next(), BenchmarkLogs.LEADER_EPOCH);
            }
            log.advanceHighWatermark();
            offsets = fetchOffsets(log.log().logEndOffset());
            org.apache.kafka.storage.internals.log.FetchDataInfo first =
                    log.log().read(offsets[0], MAX_BYTES, FetchIsolation.HIGH_WATERMARK, true);
            requireRecords(first.records.sizeInBytes(), log.log().numberOfSegments());
        }

        @TearDown(Level.Trial)
        public void close() throws InterruptedException {
            log.close();
        }
    }

    @Benchmark
    public void strata(StrataState state, Blackhole blackhole) {
        long fetchOffset = state.offsets[state.next++ & (OFFSETS - 1)];
        FetchDataInfo info = state.log.log().read(fetchOffset, MAX_BYTES, true);
        blackhole.consume(info);
        blackhole.consume(info.records().sizeInBytes());
    }

    @Benchmark
    public void kafka(KafkaState state, Blackhole blackhole) throws IOException {
        long fetchOffset = state.offsets[state.next++ & (OFFSETS - 1)];
        org.apache.kafka.storage.internals.log.FetchDataInfo info =
                state.log.log().read(fetchOffset, MAX_BYTES, FetchIsolation.HIGH_WATERMARK, true);
        blackhole.consume(info);
        blackhole.consume(info.records.sizeInBytes());
    }

    /** {@value #OFFSETS} offsets uniform over {@code [0, logEndOffset)}, the same for both logs. */
    static long[] fetchOffsets(long logEndOffset) {
        Random random = new Random(BenchmarkRecords.SEED);
        long[] offsets = new long[OFFSETS];
        for (int i = 0; i < OFFSETS; i++) {
            offsets[i] = (long) (random.nextDouble() * logEndOffset);
        }
        return offsets;
    }

    private static void requireRecords(int bytesRead, int segments) {
        if (bytesRead == 0 || segments < 2) {
            throw new IllegalStateException("The benchmark log is not as intended: " + segments + " segment(s), "
                    + bytesRead + " bytes read at the first fetch offset");
        }
    }
}
