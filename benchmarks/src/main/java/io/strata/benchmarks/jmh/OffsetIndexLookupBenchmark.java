package io.strata.benchmarks.jmh;

import io.strata.storage.index.OffsetIndex;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One lookup in a full offset index: the last entry at or before a target offset (memory-mapped
 * file, binary search that tries the warm last 8 KiB first).
 *
 * <ul>
 *   <li>{@link #strata}: {@code io.strata.storage.index.OffsetIndex.lookup};</li>
 *   <li>{@link #kafka}: Apache Kafka's {@code org.apache.kafka.storage.internals.log.OffsetIndex.lookup}.</li>
 * </ul>
 * The index is the one of a full 1 GiB segment written with index.interval.bytes 4096: {@value #ENTRIES}
 * entries (2 MiB, the file sized to exactly that, so the index is full), one per batch of 4 records of
 * 1 KiB ({@value #BATCH_BYTES} bytes), base offset {@value #BASE_OFFSET}. Targets are drawn with a
 * fixed seed, {@code uniform} over the whole index (a consumer catching up from anywhere) or
 * {@code tail} over the last 1024 entries, the warm section (a consumer at the head of the log).
 *
 * <p>Not thread-safe: run with one benchmark thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dlogback.configurationFile=jmh-logback.xml"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OffsetIndexLookupBenchmark {

    static final int ENTRIES = 256 * 1024;
    static final long BASE_OFFSET = 50_000_000L;
    static final int RECORDS_PER_ENTRY = 4;
    static final int BATCH_BYTES = 4197;
    private static final int WARM_ENTRIES = 1024;
    private static final int TARGETS = 4096;

    /** Where the lookup targets fall. */
    @State(Scope.Benchmark)
    public static class Targets {
        @Param({"uniform", "tail"})
        String range;

        long[] offsets;
        int next;

        @Setup(Level.Trial)
        public void draw() {
            int firstEntry = switch (range) {
                case "uniform" -> 0;
                case "tail" -> ENTRIES - WARM_ENTRIES;
                default -> throw new IllegalArgumentException("Unknown range " + range);
            };
            long from = BASE_OFFSET + (long) firstEntry * RECORDS_PER_ENTRY;
            long span = (long) (ENTRIES - firstEntry) * RECORDS_PER_ENTRY;
            Random random = new Random(BenchmarkRecords.SEED);
            offsets = new long[TARGETS];
            for (int i = 0; i < TARGETS; i++) {
                offsets[i] = from + (long) (random.nextDouble() * span);
            }
        }

        long next() {
            return offsets[next++ & (TARGETS - 1)];
        }
    }

    /** A full Strata offset index. */
    @State(Scope.Benchmark)
    public static class StrataIndex {
        Path dir;
        OffsetIndex index;

        @Setup(Level.Trial)
        public void fill() throws IOException {
            dir = BenchmarkDirs.create("strata-index-");
            index = new OffsetIndex(dir.resolve("00000000000050000000.index"), BASE_OFFSET,
                    ENTRIES * OffsetIndex.ENTRY_SIZE);
            for (int i = 0; i < ENTRIES; i++) {
                index.append(lastOffsetOfEntry(i), positionOfEntry(i));
            }
            if (!index.isFull()) {
                throw new IllegalStateException("The Strata index is not full: " + index);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            index.close();
            BenchmarkDirs.deleteRecursively(dir);
        }
    }

    /** The same full index in Kafka's implementation. */
    @State(Scope.Benchmark)
    public static class KafkaIndex {
        Path dir;
        org.apache.kafka.storage.internals.log.OffsetIndex index;

        @Setup(Level.Trial)
        public void fill() throws IOException {
            dir = BenchmarkDirs.create("kafka-index-");
            index = new org.apache.kafka.storage.internals.log.OffsetIndex(
                    dir.resolve("00000000000050000000.index").toFile(), BASE_OFFSET, ENTRIES * OffsetIndex.ENTRY_SIZE, true);
            for (int i = 0; i < ENTRIES; i++) {
                index.append(lastOffsetOfEntry(i), positionOfEntry(i));
            }
            if (!index.isFull()) {
                throw new IllegalStateException("The Kafka index is not full: " + index);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            index.close();
            BenchmarkDirs.deleteRecursively(dir);
        }
    }

    @Benchmark
    public void strata(StrataIndex state, Targets targets, Blackhole blackhole) {
        blackhole.consume(state.index.lookup(targets.next()));
    }

    @Benchmark
    public void kafka(KafkaIndex state, Targets targets, Blackhole blackhole) {
        blackhole.consume(state.index.lookup(targets.next()));
    }

    /** Entry {@code i} indexes the batch after the first {@code i + 1} batches (as a segment's append does). */
    static long lastOffsetOfEntry(int i) {
        return BASE_OFFSET + (long) (i + 1) * RECORDS_PER_ENTRY + RECORDS_PER_ENTRY - 1;
    }

    static int positionOfEntry(int i) {
        return (i + 1) * BATCH_BYTES;
    }
}
