package io.strata.benchmarks.replay;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The command line of {@link ColdReplayBenchmark}.
 *
 * @param megabytes        MiB of record values produced into each topic (split over the partitions)
 * @param recordBytes      bytes of each record's value (no key)
 * @param partitions       partitions of each topic
 * @param segmentBytes     {@code segment.bytes} of both topics
 * @param rounds           rounds of (local read, cold remote read)
 * @param evictFileCache   whether the local topic's segment files and the bucket's object files are
 *                         evicted from the OS page cache before each read
 * @param workDir          where the broker's log dir and the bucket live; null: a new temporary
 *                         directory, deleted at the end
 * @param brokerOverrides  extra broker configs ({@code --broker key=value}, e.g. reader tuning)
 * @param consumerOverrides extra consumer configs ({@code --consumer key=value})
 *
 * <p>Immutable and thread-safe.
 */
public record ReplayOptions(long megabytes, int recordBytes, int partitions, long segmentBytes, int rounds,
                            boolean evictFileCache, @Nullable Path workDir, Map<String, String> brokerOverrides,
                            Map<String, String> consumerOverrides) {

    static final String USAGE = "usage: ColdReplayBenchmark [--mb N] [--record-bytes N] [--partitions N]"
            + " [--segment-mb N] [--rounds N] [--evict-file-cache] [--work-dir DIR] [--broker key=value]..."
            + " [--consumer key=value]...";

    public ReplayOptions {
        positive("--mb", megabytes);
        positive("--record-bytes", recordBytes);
        positive("--partitions", partitions);
        positive("--segment-mb", segmentBytes);
        positive("--rounds", rounds);
        brokerOverrides = Map.copyOf(brokerOverrides);
        consumerOverrides = Map.copyOf(consumerOverrides);
    }

    /** Parses the arguments; defaults: 1152 MiB, 1 KiB records, 1 partition, 128 MiB segments, 3 rounds. */
    public static ReplayOptions parse(String... args) {
        long mb = 1152;
        int recordBytes = 1024;
        int partitions = 1;
        long segmentMb = 128;
        int rounds = 3;
        boolean evict = false;
        Path workDir = null;
        Map<String, String> broker = new LinkedHashMap<>();
        Map<String, String> consumer = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mb" -> mb = Long.parseLong(value(args, ++i));
                case "--record-bytes" -> recordBytes = Integer.parseInt(value(args, ++i));
                case "--partitions" -> partitions = Integer.parseInt(value(args, ++i));
                case "--segment-mb" -> segmentMb = Long.parseLong(value(args, ++i));
                case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
                case "--evict-file-cache" -> evict = true;
                case "--work-dir" -> workDir = Path.of(value(args, ++i));
                case "--broker" -> keyValue(value(args, ++i), broker);
                case "--consumer" -> keyValue(value(args, ++i), consumer);
                default -> throw new IllegalArgumentException("Unknown argument " + args[i] + "; " + USAGE);
            }
        }
        return new ReplayOptions(mb, recordBytes, partitions, segmentMb * 1024 * 1024, rounds, evict, workDir,
                broker, consumer);
    }

    /** Records produced into each topic. */
    public long recordCount() {
        return megabytes * 1024 * 1024 / recordBytes;
    }

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException(args[index - 1] + " needs a value; " + USAGE);
        }
        return args[index];
    }

    private static void keyValue(String text, Map<String, String> into) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("Expected key=value, got '" + text + "'");
        }
        into.put(text.substring(0, eq), text.substring(eq + 1));
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
