package io.strata.benchmarks.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders the comparison section of RESULTS.md from the broker runs: for every workload and metric
 * the median over rounds of each broker and the Strata/Kafka ratio, followed by the failures, the
 * machine, the versions, the settings and the exact command.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class ReportRenderer {

    private ReportRenderer() {
    }

    /**
     * What the report says about how the figures were obtained.
     *
     * @param date when the comparison ran, such as {@code 2026-11-22 08:10 UTC}
     * @param commandLine the command as typed
     * @param quick whether it ran in quick mode
     * @param rounds the number of rounds
     * @param produceRecords records per produce workload
     * @param endToEndRecords records of the end-to-end workload
     * @param rawResults where the per-round CSV is
     * @param baseline the name of the broker ratios divide by (Apache Kafka)
     * @param candidate the name of the broker ratios divide (Strata)
     * @param machine the machine and versions
     */
    public record ReportContext(String date, String commandLine, boolean quick, int rounds, long produceRecords,
                                int endToEndRecords, String rawResults, String baseline, String candidate,
                                MachineInfo machine) {
    }

    /**
     * Renders the section (without the markers).
     *
     * @param context how the figures were obtained
     * @param runs every broker run, in the order they ran
     * @return Markdown text
     */
    public static String render(ReportContext context, List<BrokerRun> runs) {
        StringBuilder md = new StringBuilder();
        md.append("## Strata vs ").append(context.baseline()).append(", side by side\n\n");
        md.append("Written by `benchmarks/compare.sh` on ").append(context.date())
                .append(" (everything between the comparison markers is replaced by the next run).\n\n");
        md.append("Command: `").append(context.commandLine()).append("`. ");
        if (context.quick()) {
            md.append("**Quick mode** (for development; too short for conclusions): ");
        }
        md.append(context.rounds()).append(context.rounds() == 1 ? " round" : " rounds")
                .append(", brokers alternating ").append(context.baseline()).append(", ").append(context.candidate())
                .append(" in each; ")
                .append(String.format(Locale.ROOT, "%,d", context.produceRecords()))
                .append(" records per produce workload, ")
                .append(String.format(Locale.ROOT, "%,d", context.endToEndRecords()))
                .append(" end-to-end records. Each figure is the median over the rounds. Raw per-round figures: `")
                .append(context.rawResults()).append("`.\n\n");
        renderHowToRead(md, context);
        for (Section section : Section.values()) {
            renderSection(md, section, context, runs);
        }
        renderFailures(md, runs);
        renderSetup(md, context);
        return md.toString();
    }

    private static void renderHowToRead(StringBuilder md, ReportContext context) {
        md.append("How to read: ").append(context.candidate()).append("/Kafka is ").append(context.candidate())
                .append("'s median divided by ").append(context.baseline())
                .append("'s. ↑ marks a metric where higher is better (throughput): a ratio above 1 favours ")
                .append(context.candidate()).append(". ↓ marks one where lower is better (latency, CPU, memory, ")
                .append("start-up): a ratio below 1 favours ").append(context.candidate())
                .append(". \"failed\" means no round gave a figure (see Failures); \"(2/3 rounds)\" means only that ")
                .append("many did. MB = 2^20 bytes (as the Kafka tools count), GiB = 2^30 bytes. Consume figures ")
                .append("leave out the consumer group join. EndToEndLatency prints its percentiles in whole ")
                .append("milliseconds (truncated), so sub-millisecond latencies show as 0; its average is exact. ")
                .append("Broker CPU is utime + stime of the broker process ")
                .append("(`/proc/<pid>/stat`) during the tool's run, divided by the GiB the tool moved.\n\n");
    }

    private static void renderSection(StringBuilder md, Section section, ReportContext context, List<BrokerRun> runs) {
        Set<String> workloads = new LinkedHashSet<>();
        for (BrokerRun run : runs) {
            run.measurements().stream().filter(m -> m.section() == section).forEach(m -> workloads.add(m.workload()));
            run.failures().stream().filter(f -> f.section() == section).forEach(f -> workloads.add(f.workload()));
        }
        if (workloads.isEmpty()) {
            return;
        }
        md.append("### ").append(section.title()).append("\n\n");
        md.append("| workload | metric | ").append(context.baseline()).append(" | ").append(context.candidate())
                .append(" | ").append(context.candidate()).append("/Kafka |\n");
        md.append("|---|---|--:|--:|--:|\n");
        for (String workload : workloads) {
            for (Metric metric : section.reported()) {
                Cell baseline = cell(runs, context.baseline(), section, workload, metric);
                Cell candidate = cell(runs, context.candidate(), section, workload, metric);
                if (baseline.values().isEmpty() && candidate.values().isEmpty() && !hasFailure(runs, section, workload)) {
                    continue;
                }
                md.append("| ").append(escape(workload)).append(" | ").append(metric.label())
                        .append(metric.higherIsBetter() ? " ↑" : " ↓").append(" | ")
                        .append(baseline.render()).append(" | ").append(candidate.render()).append(" | ")
                        .append(ratio(baseline, candidate)).append(" |\n");
            }
        }
        md.append('\n');
    }

    private static void renderFailures(StringBuilder md, List<BrokerRun> runs) {
        // One row per broker, table and reason: a missing feature fails many workloads the same way.
        Map<List<String>, FailureGroup> groups = new LinkedHashMap<>();
        for (BrokerRun run : runs) {
            for (Failure failure : run.failures()) {
                List<String> key = List.of(run.broker(), failure.section().title(), failure.reason());
                FailureGroup group = groups.computeIfAbsent(key, k -> new FailureGroup());
                group.workloads().add(failure.workload());
                group.rounds().add(run.round());
            }
        }
        md.append("### Failures\n\n");
        if (groups.isEmpty()) {
            md.append("None: every workload gave figures in every round.\n\n");
            return;
        }
        md.append("| broker | table | workloads | rounds | reason |\n|---|---|---|---|---|\n");
        groups.forEach((key, group) -> md.append("| ").append(escape(key.get(0))).append(" | ")
                .append(escape(key.get(1))).append(" | ").append(escape(String.join("; ", group.workloads())))
                .append(" | ").append(joinRounds(group.rounds())).append(" | ").append(escape(key.get(2)))
                .append(" |\n"));
        md.append('\n');
    }

    /** The workloads and rounds that failed with one reason. */
    private record FailureGroup(Set<String> workloads, Set<Integer> rounds) {
        FailureGroup() {
            this(new LinkedHashSet<>(), new TreeSet<>());
        }
    }

    private static void renderSetup(StringBuilder md, ReportContext context) {
        MachineInfo machine = context.machine();
        md.append("### Machine, versions and settings\n\n");
        md.append("- Machine: ").append(machine.cores()).append(" cores (`nproc`), ").append(machine.cpuModel())
                .append("; memory ");
        if (machine.memTotalKb() > 0) {
            md.append(String.format(Locale.ROOT, "%.1f GiB (MemTotal %d kB)", machine.memTotalKb() / 1024.0 / 1024.0,
                    machine.memTotalKb()));
        } else {
            md.append("unknown");
        }
        md.append("; ").append(machine.kernel()).append(".\n");
        md.append("- Data disk (both brokers, `benchmarks/target/run`): `df -hT`: `").append(machine.dataDisk())
                .append("`; `lsblk` (name, type, size, rotational, model): `").append(machine.blockDevice())
                .append("`.\n");
        md.append("- Versions: ").append(machine.java()).append(" for both brokers and all tools; Apache Kafka ")
                .append(machine.kafkaVersion()).append(" (broker and tools from Maven Central); Strata `")
                .append(machine.strataVersion()).append("`.\n");
        md.append("- Both brokers: one node on 127.0.0.1, data on the same disk, fresh data directory per run, ")
                .append("1 GiB segments (`log.segment.bytes=1073741824`, the default of both), no per-message fsync ")
                .append("(`log.flush.interval.*` unset, the default of both), started as a user starts them and ")
                .append("stopped with SIGTERM after each run.\n");
        md.append("- ").append(context.baseline()).append(": KRaft combined broker+controller node with the ")
                .append("distribution's `config/server.properties` settings (internal topics with replication factor ")
                .append("1, `group.initial.rebalance.delay.ms=0`), formatted with `kafka-storage format --standalone` ")
                .append("(not counted in start-up), started like `kafka-server-start.sh`: `-Xmx1G -Xms1G -server ")
                .append("-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 ")
                .append("-XX:+ExplicitGCInvokesConcurrent`, GC log, INFO logging to `server.log`.\n");
        md.append("- ").append(context.candidate()).append(": `bin/strata-server-start.sh config/server.properties` ")
                .append("(`-Xms256m -Xmx1g`), overriding only the listener, `log.dirs` and `remote.log.storage.system.enable=false` (Kafka does not tier either).\n");
        md.append("- Clients: Apache Kafka ").append(machine.kafkaVersion()).append("'s `ProducerPerformance` ")
                .append("(1 KiB records, `--throughput -1`, `batch.size=65536 linger.ms=5`, one topic per workload ")
                .append("created beforehand), `ConsumerPerformance` (reads each topic back, `--num-records` = records ")
                .append("produced) and `EndToEndLatency` (acks=1, 1 KiB, one partition), each a separate JVM on the ")
                .append("same machine, so they share the cores with the broker. Start-up is the time from spawning ")
                .append("the broker process to its answer to a raw ApiVersions request (polled every 5 ms). Idle ")
                .append("memory is VmRSS after a few idle seconds; peak is VmHWM at the end of the run.\n");
    }

    /** The values of one broker for one row, over the rounds, and how many rounds that broker ran. */
    private record Cell(List<Double> values, int rounds) {
        String render() {
            OptionalDouble median = median(values);
            if (median.isEmpty()) {
                return rounds == 0 ? "not run" : "failed";
            }
            String value = formatValue(median.getAsDouble());
            return values.size() < rounds ? value + " (" + values.size() + "/" + rounds + " rounds)" : value;
        }
    }

    private static Cell cell(List<BrokerRun> runs, String broker, Section section, String workload, Metric metric) {
        List<Double> values = new ArrayList<>();
        int rounds = 0;
        for (BrokerRun run : runs) {
            if (!run.broker().equals(broker)) {
                continue;
            }
            rounds++;
            run.measurements().stream()
                    .filter(m -> m.section() == section && m.workload().equals(workload) && m.metric() == metric)
                    .forEach(m -> values.add(m.value()));
        }
        return new Cell(values, rounds);
    }

    private static boolean hasFailure(List<BrokerRun> runs, Section section, String workload) {
        return runs.stream().flatMap(run -> run.failures().stream())
                .anyMatch(f -> f.section() == section && f.workload().equals(workload));
    }

    private static String ratio(Cell baseline, Cell candidate) {
        OptionalDouble b = median(baseline.values());
        OptionalDouble c = median(candidate.values());
        if (b.isEmpty() || c.isEmpty()) {
            return "–";
        }
        if (b.getAsDouble() == 0) {
            return c.getAsDouble() == 0 ? "1.00" : "–";
        }
        return String.format(Locale.ROOT, "%.2f", c.getAsDouble() / b.getAsDouble());
    }

    /**
     * Returns the median: the middle value, or the mean of the two middle values of an even count.
     *
     * @param values the values, in any order
     * @return the median, or empty for no values
     */
    static OptionalDouble median(List<Double> values) {
        if (values.isEmpty()) {
            return OptionalDouble.empty();
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return OptionalDouble.of(sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
    }

    /**
     * Formats a figure with as many digits as matter: thousands grouped without decimals from 1,000,
     * no decimals from 100 or for whole numbers (the tools' millisecond percentiles), one from 10,
     * two below.
     *
     * @param value the figure
     * @return the text
     */
    static String formatValue(double value) {
        double magnitude = Math.abs(value);
        if (magnitude >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (magnitude >= 100 || value == Math.rint(value)) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String joinRounds(Set<Integer> rounds) {
        StringBuilder text = new StringBuilder();
        for (int round : rounds) {
            if (text.length() > 0) {
                text.append(", ");
            }
            text.append(round);
        }
        return text.toString();
    }

    private static String escape(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
