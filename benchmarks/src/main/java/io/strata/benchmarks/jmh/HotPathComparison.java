package io.strata.benchmarks.jmh;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs the hot-path microbenchmarks of this package with JMH and prints a Markdown table that puts
 * each Strata benchmark next to its Apache Kafka counterpart with the ratio Strata / Kafka of their
 * average times (above 1: Strata is slower).
 *
 * <p>Takes the command line of {@code org.openjdk.jmh.Main} (for example {@code -f 2 -wi 4 -i 5
 * -prof gc}); without a benchmark pattern it runs every benchmark of {@code io.strata.benchmarks.jmh}.
 * The fork count {@code -f N} (default {@value #DEFAULT_ROUNDS}) becomes N rounds of one fork each, and
 * each round runs all the {@code strata} benchmarks and all the {@code kafka} benchmarks as two separate
 * JMH runs, Strata first in odd rounds and Kafka first in even ones. On a shared machine whose load
 * drifts during the run, that keeps the drift from always falling on the side that JMH would run second
 * (it runs a class's {@code kafka} method before its {@code strata} method). The table pools the
 * measurement iterations of all rounds: mean ± 99.9% confidence half-width. With {@code -rff FILE} each
 * JMH run writes its own file, {@code FILE} with a {@code -round<N>-<side>} suffix.
 *
 * <p>Not thread-safe: run once from {@link #main(String[])}.
 */
public final class HotPathComparison {

    private static final String DEFAULT_INCLUDE = "io\\.strata\\.benchmarks\\.jmh\\..*";
    private static final int DEFAULT_ROUNDS = 2;
    private static final String STRATA = "strata";
    private static final String KAFKA = "kafka";
    private static final double CONFIDENCE = 0.999;

    private HotPathComparison() {
    }

    public static void main(String[] args) throws CommandLineOptionException, IOException, RunnerException {
        CommandLineOptions commandLine = new CommandLineOptions(args);
        if (commandLine.shouldHelp()) {
            commandLine.showHelp();
            return;
        }
        if (commandLine.shouldList()) {
            new Runner(withDefaultInclude(commandLine, new OptionsBuilder().parent(commandLine)).build()).list();
            return;
        }
        int rounds = commandLine.getForkCount().orElse(DEFAULT_ROUNDS);
        Comparison comparison = new Comparison();
        for (int round = 1; round <= rounds; round++) {
            List<String> sides = round % 2 == 1 ? List.of(STRATA, KAFKA) : List.of(KAFKA, STRATA);
            for (String side : sides) {
                ChainedOptionsBuilder options = withDefaultInclude(commandLine, new OptionsBuilder().parent(commandLine))
                        .forks(1)
                        .exclude("\\." + (side.equals(STRATA) ? KAFKA : STRATA) + "$");
                String suffix = "-round" + round + "-" + side;
                if (commandLine.getResult().hasValue()) {
                    options.result(withSuffix(commandLine.getResult().get(), suffix));
                }
                for (RunResult result : new Runner(options.build()).run()) {
                    comparison.add(result);
                }
            }
        }
        System.out.println();
        System.out.println("Strata vs Apache Kafka, " + rounds + " alternating round(s), iterations pooled:");
        System.out.println();
        System.out.println(comparison.table());
    }

    private static ChainedOptionsBuilder withDefaultInclude(CommandLineOptions commandLine,
                                                            ChainedOptionsBuilder options) {
        return commandLine.getIncludes().isEmpty() ? options.include(DEFAULT_INCLUDE) : options;
    }

    /** {@code file} with {@code suffix} inserted before its extension, if it has one. */
    static String withSuffix(String file, String suffix) {
        int dot = file.lastIndexOf('.');
        int slash = file.lastIndexOf('/');
        return dot > slash ? file.substring(0, dot) + suffix + file.substring(dot) : file + suffix;
    }

    /** The measurement iterations of every benchmark run so far, by row and side. Not thread-safe. */
    static final class Comparison {

        private final Map<String, Map<String, ListStatistics>> rows = new TreeMap<>();
        private final Map<String, String> units = new LinkedHashMap<>();

        /** Adds the measurement iterations of one benchmark run (one method and parameter set). */
        void add(RunResult result) {
            BenchmarkParams params = result.getParams();
            String benchmark = params.getBenchmark();
            int methodStart = benchmark.lastIndexOf('.');
            String className = benchmark.substring(benchmark.lastIndexOf('.', methodStart - 1) + 1, methodStart);
            String method = benchmark.substring(methodStart + 1);
            String paramText = params.getParamsKeys().stream()
                    .map(key -> key + "=" + params.getParam(key))
                    .collect(Collectors.joining(", "));
            String row = paramText.isEmpty() ? className : className + " (" + paramText + ")";
            ListStatistics statistics = rows.computeIfAbsent(row, key -> new LinkedHashMap<>())
                    .computeIfAbsent(method, key -> new ListStatistics());
            for (BenchmarkResult benchmarkResult : result.getBenchmarkResults()) {
                for (IterationResult iteration : benchmarkResult.getIterationResults()) {
                    statistics.addValue(iteration.getPrimaryResult().getScore());
                }
            }
            units.put(row, result.getPrimaryResult().getScoreUnit());
        }

        /** The Markdown table: one row per benchmark class and parameter set. */
        String table() {
            StringBuilder table = new StringBuilder()
                    .append("| Benchmark | Strata | Kafka | Unit | Strata / Kafka |\n")
                    .append("|---|---:|---:|---|---:|\n");
            rows.forEach((row, byMethod) -> {
                ListStatistics strata = byMethod.get(STRATA);
                ListStatistics kafka = byMethod.get(KAFKA);
                table.append("| ").append(row)
                        .append(" | ").append(score(strata))
                        .append(" | ").append(score(kafka))
                        .append(" | ").append(units.get(row))
                        .append(" | ").append(strata == null || kafka == null ? ""
                                : String.format(Locale.ROOT, "%.2f", strata.getMean() / kafka.getMean()))
                        .append(" |\n");
            });
            return table.toString();
        }

        private static String score(ListStatistics statistics) {
            if (statistics == null) {
                return "";
            }
            if (statistics.getN() < 2) {
                return String.format(Locale.ROOT, "%.3f", statistics.getMean());
            }
            return String.format(Locale.ROOT, "%.3f ± %.3f", statistics.getMean(),
                    statistics.getMeanErrorAt(CONFIDENCE));
        }
    }
}
