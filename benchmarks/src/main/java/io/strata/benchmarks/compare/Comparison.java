package io.strata.benchmarks.compare;

import io.strata.benchmarks.process.Directories;
import io.strata.benchmarks.process.StrataLauncher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The side-by-side comparison of Strata and Apache Kafka on this machine, run by
 * {@code benchmarks/compare.sh}. Each round starts Apache Kafka, then Strata (A B A B ...), each
 * fresh on an empty data directory on the same disk, and runs the same workloads against each with
 * the same Kafka client tools (see {@link BrokerRunner}). It then writes the medians over the rounds
 * and the Strata/Kafka ratios into {@code benchmarks/RESULTS.md} between the comparison markers
 * (see {@link ResultsFile}), and every per-round figure into a CSV under the run directory.
 *
 * <p>Usage: see {@link ComparisonOptions#USAGE}; the run directory is
 * {@code benchmarks/target/run/<date-time>/} with one {@code round-N-<broker>} directory per broker
 * run (configuration, broker output, tool outputs), {@code results.csv} and {@code RESULTS-section.md}.
 *
 * <p>Not thread-safe: run once from {@link #main(String[])}.
 */
public final class Comparison {

    static final String TOOLS_LOG_CONFIG = "tools-log4j2.xml";
    private static final DateTimeFormatter SESSION_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final DateTimeFormatter REPORT_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private final ComparisonOptions options;
    private final PrintStream out;

    private Comparison(ComparisonOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Runs the comparison and writes the results.
     *
     * @param args see {@link ComparisonOptions#parse(String...)}
     * @throws Exception when the comparison cannot be set up or its results cannot be written; a
     *                   failing workload or broker is recorded in the results instead
     */
    public static void main(String[] args) throws Exception {
        ComparisonOptions options;
        try {
            options = ComparisonOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new Comparison(options, System.out).run();
    }

    private void run() throws IOException, InterruptedException {
        StrataLauncher launcher = new StrataLauncher(options.strataHome());
        launcher.requireBuilt();
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        ApacheKafkaBroker kafka = new ApacheKafkaBroker(javaBin, options.kafkaLibs());
        StrataBroker strata = new StrataBroker(launcher, MachineInfo.strataVersion(options.strataHome()));
        List<BrokerUnderTest> brokers = List.of(kafka, strata);

        Files.createDirectories(options.workDir());
        deleteLeftoverData(options.workDir());
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        Path session = Files.createDirectories(options.workDir().resolve(SESSION_NAME.format(started)));
        Path toolsLogConfig = session.resolve(TOOLS_LOG_CONFIG);
        ApacheKafkaBroker.copyResource(TOOLS_LOG_CONFIG, toolsLogConfig);
        Path rawResults = session.resolve("results.csv");

        out.printf("Strata vs %s: %d round(s), %,d records per produce workload, %,d end-to-end records%n",
                kafka.name(), options.rounds(), options.produceRecords(), options.endToEndRecords());
        out.printf("run directory %s%n", session.toAbsolutePath());
        BrokerRunner runner = new BrokerRunner(options, javaBin, options.kafkaLibs(), toolsLogConfig, out);
        List<BrokerRun> runs = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            for (BrokerUnderTest broker : brokers) {
                out.printf("[round %d/%d] %s%n", round, options.rounds(), broker.name());
                Path runDir = Files.createDirectories(session.resolve("round-" + round + "-" + broker.id()));
                runs.add(runOne(runner, round, broker, runDir));
                RawResults.write(rawResults, runs);
            }
        }

        MachineInfo machine = MachineInfo.collect(session, options.strataHome(), kafka.version());
        ReportRenderer.ReportContext context = new ReportRenderer.ReportContext(REPORT_DATE.format(started),
                options.commandLine(), options.quick(), options.rounds(), options.produceRecords(),
                options.endToEndRecords(), displayPath(rawResults).toString(), kafka.name(), strata.name(), machine);
        String section = ReportRenderer.render(context, runs);
        Path sectionFile = session.resolve("RESULTS-section.md");
        Files.writeString(sectionFile, section);
        out.println();
        out.println(section);
        try {
            ResultsFile.write(options.resultsFile(), section);
        } catch (IllegalStateException e) {
            System.err.printf("%s was not updated: %s. The section is in %s%n", options.resultsFile(), e.getMessage(),
                    sectionFile);
            System.exit(1);
        }
        out.printf("Wrote %s (between %s and %s) and raw figures to %s%n", options.resultsFile(),
                ResultsFile.BEGIN, ResultsFile.END, rawResults);
    }

    private BrokerRun runOne(BrokerRunner runner, int round, BrokerUnderTest broker, Path runDir)
            throws IOException, InterruptedException {
        try {
            return runner.run(round, broker, runDir);
        } catch (RuntimeException e) {
            // Unexpected (a bug or an environment problem): keep the other runs going.
            e.printStackTrace(out);
            return new BrokerRun(round, broker.name(), List.of(), List.of(new Failure(Section.STARTUP,
                    BrokerRunner.STARTUP_WORKLOAD, "the run aborted: " + e)));
        }
    }

    /** Deletes the data directories an interrupted earlier comparison may have left (gigabytes each). */
    private static void deleteLeftoverData(Path workDir) throws IOException {
        try (Stream<Path> dirs = Files.find(workDir, 3, (path, attributes) -> attributes.isDirectory()
                && path.getFileName().toString().equals("data")
                && path.getParent().getFileName().toString().startsWith("round-"))) {
            dirs.forEach(Directories::deleteRecursively);
        }
    }

    private Path displayPath(Path file) {
        Path home = options.strataHome().toAbsolutePath().normalize();
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(home) ? home.relativize(absolute) : absolute;
    }
}
