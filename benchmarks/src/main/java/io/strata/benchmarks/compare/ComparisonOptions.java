package io.strata.benchmarks.compare;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings of one comparison run, parsed from the command line.
 *
 * <p>Full mode (the default) runs 3 rounds with the counts: 2,000,000 records per produce
 * workload and 10,000 end-to-end records. Quick mode ({@code --quick}, for development) runs one
 * round with 200,000 and 2,000.
 *
 * <p>Immutable and thread-safe.
 *
 * @param quick whether quick mode was asked for
 * @param rounds how many A B rounds to run
 * @param produceRecords records per produce workload (and consumed back)
 * @param endToEndRecords records of the end-to-end latency workload
 * @param strataHome the repository root (Strata's {@code bin/}, {@code config/}, built jars); all paths are absolute
 * @param kafkaHome the directory holding the fetched Apache Kafka {@code libs/}
 * @param workDir where run directories, data and raw results go
 * @param resultsFile the RESULTS.md to update between the comparison markers
 * @param commandLine the command as the user typed it, for RESULTS.md
 * @param idleWait how long the broker idles after start before its idle memory is read
 * @param startupTimeout how long a broker may take to answer its first request
 * @param produceTimeout the deadline of one ProducerPerformance run
 * @param consumeTimeout the deadline of one ConsumerPerformance run
 * @param endToEndTimeout the deadline of the EndToEndLatency run
 * @param stopGrace how long a broker may take to stop after SIGTERM before it is killed
 */
public record ComparisonOptions(boolean quick, int rounds, long produceRecords, int endToEndRecords,
                                Path strataHome, Path kafkaHome, Path workDir, Path resultsFile, String commandLine,
                                Duration idleWait, Duration startupTimeout, Duration produceTimeout,
                                Duration consumeTimeout, Duration endToEndTimeout, Duration stopGrace) {

    /** The usage line printed with argument errors. */
    public static final String USAGE = "usage: Comparison [--quick] [--rounds N] [--records N] [--e2e-records N]"
            + " [--strata-home DIR] [--kafka-home DIR] [--work-dir DIR] [--results FILE] [--command TEXT]";

    static final int FULL_ROUNDS = 3;
    static final long FULL_PRODUCE_RECORDS = 2_000_000;
    static final int FULL_END_TO_END_RECORDS = 10_000;
    static final long QUICK_PRODUCE_RECORDS = 200_000;
    static final int QUICK_END_TO_END_RECORDS = 2_000;

    /**
     * Parses the command line.
     *
     * @param args {@code --quick}, {@code --rounds N}, {@code --records N}, {@code --e2e-records N},
     *             {@code --strata-home DIR} (default {@code .}), {@code --kafka-home DIR} (default
     *             {@code benchmarks/target/apache-kafka}), {@code --work-dir DIR} (default
     *             {@code benchmarks/target/run}), {@code --results FILE} (default
     *             {@code benchmarks/RESULTS.md}), {@code --command TEXT}
     * @return the options, with quick or full defaults for what was not given
     * @throws IllegalArgumentException for an unknown option, a missing value or a value out of range
     */
    public static ComparisonOptions parse(String... args) {
        boolean quick = false;
        Integer rounds = null;
        Long produceRecords = null;
        Integer endToEndRecords = null;
        Path strataHome = Path.of(".");
        Path kafkaHome = null;
        Path workDir = null;
        Path resultsFile = null;
        String commandLine = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> quick = true;
                case "--rounds" -> rounds = (int) positive(arg, value(args, ++i), Integer.MAX_VALUE);
                case "--records" -> produceRecords = positive(arg, value(args, ++i), Long.MAX_VALUE);
                case "--e2e-records" -> endToEndRecords = (int) positive(arg, value(args, ++i), Integer.MAX_VALUE);
                case "--strata-home" -> strataHome = Path.of(value(args, ++i));
                case "--kafka-home" -> kafkaHome = Path.of(value(args, ++i));
                case "--work-dir" -> workDir = Path.of(value(args, ++i));
                case "--results" -> resultsFile = Path.of(value(args, ++i));
                case "--command" -> commandLine = value(args, ++i);
                default -> throw new IllegalArgumentException("unknown argument " + arg + "; " + USAGE);
            }
        }
        // Absolute paths: brokers and tools run in their own working directories.
        Path home = strataHome.toAbsolutePath().normalize();
        return new ComparisonOptions(quick,
                rounds != null ? rounds : quick ? 1 : FULL_ROUNDS,
                produceRecords != null ? produceRecords : quick ? QUICK_PRODUCE_RECORDS : FULL_PRODUCE_RECORDS,
                endToEndRecords != null ? endToEndRecords : quick ? QUICK_END_TO_END_RECORDS : FULL_END_TO_END_RECORDS,
                home,
                absolute(kafkaHome != null ? kafkaHome : home.resolve("benchmarks/target/apache-kafka")),
                absolute(workDir != null ? workDir : home.resolve("benchmarks/target/run")),
                absolute(resultsFile != null ? resultsFile : home.resolve("benchmarks/RESULTS.md")),
                commandLine != null ? commandLine : "Comparison " + String.join(" ", args),
                Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofMinutes(15), Duration.ofMinutes(10),
                Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    /** Returns the directory of the fetched Kafka jars, {@code <kafkaHome>/libs}. */
    public Path kafkaLibs() {
        return kafkaHome.resolve("libs");
    }

    private static Path absolute(Path path) {
        return path.toAbsolutePath().normalize();
    }

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException(args[index - 1] + " needs a value; " + USAGE);
        }
        return args[index];
    }

    private static long positive(String option, String value, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got " + value, e);
        }
        if (parsed < 1 || parsed > max) {
            throw new IllegalArgumentException(option + " must be between 1 and " + max + ", got " + value);
        }
        return parsed;
    }
}
