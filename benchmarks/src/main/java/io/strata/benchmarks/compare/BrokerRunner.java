package io.strata.benchmarks.compare;

import io.strata.benchmarks.compare.ToolOutputs.ConsumeStats;
import io.strata.benchmarks.compare.ToolOutputs.EndToEndStats;
import io.strata.benchmarks.compare.ToolOutputs.ProduceStats;
import io.strata.benchmarks.process.ApiVersionsProbe;
import io.strata.benchmarks.process.ChildProcess;
import io.strata.benchmarks.process.Directories;
import io.strata.benchmarks.process.Loopback;
import io.strata.benchmarks.process.ProcStats;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One broker run of the comparison: start a fresh broker on an empty data directory, time it to its
 * first answered request, let it idle and read its resident memory, run every workload with the Kafka
 * tools while sampling its CPU time, read its peak resident memory, stop it and delete the data.
 *
 * <pre>
 *   start ─> first ApiVersions answer (start-up time) ─> idle ─> VmRSS (idle)
 *     ─> for each produce workload: create topic, ProducerPerformance, ConsumerPerformance (CPU around each)
 *     ─> EndToEndLatency ─> VmHWM (peak) ─> SIGTERM (SIGKILL after the grace period) ─> delete data
 * </pre>
 * A failing tool or step becomes a {@link Failure} and the run goes on; a broker that dies fails the
 * remaining workloads.
 *
 * <p>Not thread-safe: runs one broker at a time.
 */
final class BrokerRunner {

    static final String STARTUP_WORKLOAD = "process spawn to first answered ApiVersions request";
    static final String IDLE_WORKLOAD = "idle after start (VmRSS)";
    static final String PEAK_WORKLOAD = "peak over the run (VmHWM)";
    static final String END_TO_END_WORKLOAD = "acks=1, 1 partition, one record at a time";
    static final String END_TO_END_TOPIC = "perf-end-to-end";
    static final int RECORD_SIZE = 1024;

    private static final Duration PROBE_INTERVAL = Duration.ofMillis(5);
    private static final double GIB = 1024.0 * 1024.0 * 1024.0;

    private final ComparisonOptions options;
    private final Path javaBin;
    private final Path kafkaLibs;
    private final Path toolsLogConfig;
    private final PrintStream progress;

    BrokerRunner(ComparisonOptions options, Path javaBin, Path kafkaLibs, Path toolsLogConfig, PrintStream progress) {
        this.options = options;
        this.javaBin = javaBin;
        this.kafkaLibs = kafkaLibs;
        this.toolsLogConfig = toolsLogConfig;
        this.progress = progress;
    }

    /**
     * Runs every workload against one fresh broker.
     *
     * @param round the round number, from 1
     * @param broker the broker to start
     * @param runDir a fresh directory for this run's configuration, logs and tool outputs
     * @return the figures and failures of the run
     * @throws IOException when the run directory cannot be prepared
     * @throws InterruptedException when the calling thread is interrupted (the broker is stopped)
     */
    BrokerRun run(int round, BrokerUnderTest broker, Path runDir) throws IOException, InterruptedException {
        Run run = new Run();
        Path dataDir = Files.createDirectories(runDir.resolve("data"));
        RunningBroker running;
        try {
            running = broker.start(runDir, dataDir);
        } catch (IOException e) {
            run.fail(Section.STARTUP, STARTUP_WORKLOAD, "could not start " + broker.name() + ": " + e.getMessage());
            Directories.deleteRecursively(dataDir);
            return new BrokerRun(round, broker.name(), run.measurements, run.failures);
        }
        ChildProcess process = running.process();
        progress.printf("  %s started, pid %d, %s, run dir %s%n", broker.name(), process.pid(), running.bootstrap(), runDir);
        try {
            Duration startup;
            try {
                startup = ApiVersionsProbe.awaitFirstAnswer(process, Loopback.HOST, running.port(),
                        options.startupTimeout(), PROBE_INTERVAL);
            } catch (IllegalStateException e) {
                String output = process.outputTail(2000);
                progress.printf("  %s%n  the broker's output ends with:%n%s%n", firstLine(e.getMessage()), output);
                run.fail(Section.STARTUP, STARTUP_WORKLOAD, firstLine(e.getMessage()) + ": "
                        + ToolRun.tellingLine(output) + " (see " + process.output() + ")");
                return new BrokerRun(round, broker.name(), run.measurements, run.failures);
            }
            run.add(Section.STARTUP, STARTUP_WORKLOAD, Metric.STARTUP_MS, startup.toNanos() / 1e6);
            progress.printf("  answered ApiVersions %d ms after spawn%n", startup.toMillis());
            Thread.sleep(options.idleWait().toMillis());
            readMemory(run, process, IDLE_WORKLOAD, false);
            runWorkloads(run, running, Files.createDirectories(runDir.resolve("tools")));
            readMemory(run, process, PEAK_WORKLOAD, true);
        } finally {
            int exit = process.stop(options.stopGrace());
            progress.printf("  %s stopped (exit %d)%n", broker.name(), exit);
            Directories.deleteRecursively(dataDir);
        }
        return new BrokerRun(round, broker.name(), run.measurements, run.failures);
    }

    private static void readMemory(Run run, ChildProcess process, String workload, boolean peak) {
        if (!process.isAlive()) {
            run.fail(Section.MEMORY, workload, brokerDied(process));
            return;
        }
        try {
            long kb = peak ? ProcStats.peakResidentKb(process.pid()) : ProcStats.residentKb(process.pid());
            run.add(Section.MEMORY, workload, Metric.RSS_MIB, kb / 1024.0);
        } catch (IOException | RuntimeException e) {
            run.fail(Section.MEMORY, workload, "cannot read /proc/" + process.pid() + "/status: " + describe(e));
        }
    }

    private void runWorkloads(Run run, RunningBroker running, Path toolsDir) throws InterruptedException {
        KafkaTools tools = new KafkaTools(javaBin, kafkaLibs, toolsLogConfig, toolsDir);
        ChildProcess process = running.process();
        List<ProduceWorkload> workloads = ProduceWorkload.all();
        CpuTally produced = new CpuTally();
        CpuTally fetched = new CpuTally();
        try (Admin admin = admin(running.bootstrap())) {
            for (ProduceWorkload workload : workloads) {
                if (!process.isAlive()) {
                    run.fail(Section.PRODUCE, workload.name(), brokerDied(process));
                    run.fail(Section.CONSUME, workload.name(), brokerDied(process));
                    continue;
                }
                if (produce(run, tools, admin, running, workload, produced)) {
                    consume(run, tools, running, workload, fetched);
                } else {
                    run.fail(Section.CONSUME, workload.name(), "skipped: the produce workload failed");
                }
            }
            if (process.isAlive()) {
                endToEnd(run, tools, admin, running);
            } else {
                run.fail(Section.END_TO_END, END_TO_END_WORKLOAD, brokerDied(process));
            }
        }
        produced.report(run, "all produce workloads", workloads.size());
        fetched.report(run, "all consume workloads", workloads.size());
    }

    private boolean produce(Run run, KafkaTools tools, Admin admin, RunningBroker running, ProduceWorkload workload,
                            CpuTally tally) throws InterruptedException {
        String name = workload.name();
        try {
            createTopic(admin, workload.topic(), workload.partitions());
            long pid = running.process().pid();
            double cpuBefore = ProcStats.cpuSeconds(pid);
            ProcStats.MachineTicks machineBefore = ProcStats.machineTicks();
            ToolRun tool = tools.run("ProducerPerformance", KafkaTools.PERF_TEST_HEAP,
                    KafkaTools.producerPerformanceArgs(running.bootstrap(), workload, options.produceRecords(), RECORD_SIZE),
                    "produce-" + workload.topic() + ".out", options.produceTimeout());
            double cpuSeconds = ProcStats.cpuSeconds(pid) - cpuBefore;
            ProcStats.MachineTicks machineAfter = ProcStats.machineTicks();
            if (!tool.succeeded()) {
                return run.fail(Section.PRODUCE, name, tool.failureReason());
            }
            ProduceStats stats = ToolOutputs.parseProducerPerformance(tool.output());
            if (stats.records() < options.produceRecords()) {
                return run.fail(Section.PRODUCE, name, "only " + stats.records() + " of " + options.produceRecords()
                        + " records were acknowledged; see " + tool.outputFile());
            }
            double gib = stats.records() * (double) RECORD_SIZE / GIB;
            run.add(Section.PRODUCE, name, Metric.RECORDS_PER_SEC, stats.recordsPerSec());
            run.add(Section.PRODUCE, name, Metric.MB_PER_SEC, stats.mbPerSec());
            run.add(Section.PRODUCE, name, Metric.LATENCY_AVG_MS, stats.avgLatencyMs());
            run.add(Section.PRODUCE, name, Metric.LATENCY_P50_MS, stats.p50Ms());
            run.add(Section.PRODUCE, name, Metric.LATENCY_P95_MS, stats.p95Ms());
            run.add(Section.PRODUCE, name, Metric.LATENCY_P99_MS, stats.p99Ms());
            run.add(Section.PRODUCE, name, Metric.LATENCY_P999_MS, stats.p999Ms());
            run.add(Section.PRODUCE, name, Metric.LATENCY_MAX_MS, stats.maxLatencyMs());
            run.add(Section.PRODUCE, name, Metric.RECORDS, stats.records());
            run.add(Section.PRODUCE, name, Metric.CPU_SECONDS, cpuSeconds);
            run.add(Section.PRODUCE, name, Metric.CPU_SECONDS_PER_GIB, cpuSeconds / gib);
            addMachineCpu(run, Section.PRODUCE, name, machineBefore, machineAfter, cpuSeconds, gib);
            tally.add(cpuSeconds, gib);
            progress.printf("  produce %-32s %,10.0f records/s %8.1f MB/s  p50 %5d ms  p99 %5d ms  %6.2f CPU-s/GiB%n",
                    name, stats.recordsPerSec(), stats.mbPerSec(), stats.p50Ms(), stats.p99Ms(), cpuSeconds / gib);
            return true;
        } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
            return run.fail(Section.PRODUCE, name, describe(e));
        }
    }

    private void consume(Run run, KafkaTools tools, RunningBroker running, ProduceWorkload workload, CpuTally tally)
            throws InterruptedException {
        String name = workload.name();
        try {
            long pid = running.process().pid();
            double cpuBefore = ProcStats.cpuSeconds(pid);
            ProcStats.MachineTicks machineBefore = ProcStats.machineTicks();
            ToolRun tool = tools.run("ConsumerPerformance", KafkaTools.PERF_TEST_HEAP,
                    KafkaTools.consumerPerformanceArgs(running.bootstrap(), workload, options.produceRecords()),
                    "consume-" + workload.topic() + ".out", options.consumeTimeout());
            double cpuSeconds = ProcStats.cpuSeconds(pid) - cpuBefore;
            ProcStats.MachineTicks machineAfter = ProcStats.machineTicks();
            if (!tool.succeeded()) {
                run.fail(Section.CONSUME, name, tool.failureReason());
                return;
            }
            ConsumeStats stats = ToolOutputs.parseConsumerPerformance(tool.output());
            if (stats.records() < options.produceRecords()) {
                run.fail(Section.CONSUME, name, "consumed only " + stats.records() + " of " + options.produceRecords()
                        + " records: " + ToolRun.tellingLine(tool.output()));
                return;
            }
            double gib = stats.records() * (double) RECORD_SIZE / GIB;
            run.add(Section.CONSUME, name, Metric.RECORDS_PER_SEC, stats.fetchRecordsPerSec());
            run.add(Section.CONSUME, name, Metric.MB_PER_SEC, stats.fetchMbPerSec());
            run.add(Section.CONSUME, name, Metric.REBALANCE_MS, stats.rebalanceMs());
            run.add(Section.CONSUME, name, Metric.FETCH_MS, stats.fetchMs());
            run.add(Section.CONSUME, name, Metric.RECORDS, stats.records());
            run.add(Section.CONSUME, name, Metric.CPU_SECONDS, cpuSeconds);
            run.add(Section.CONSUME, name, Metric.CPU_SECONDS_PER_GIB, cpuSeconds / gib);
            addMachineCpu(run, Section.CONSUME, name, machineBefore, machineAfter, cpuSeconds, gib);
            tally.add(cpuSeconds, gib);
            progress.printf("  consume %-32s %,10.0f records/s %8.1f MB/s  (group join %,.0f ms)     %6.2f CPU-s/GiB%n",
                    name, stats.fetchRecordsPerSec(), stats.fetchMbPerSec(), stats.rebalanceMs(), cpuSeconds / gib);
        } catch (IOException | RuntimeException e) {
            run.fail(Section.CONSUME, name, describe(e));
        }
    }

    private void endToEnd(Run run, KafkaTools tools, Admin admin, RunningBroker running) throws InterruptedException {
        try {
            createTopic(admin, END_TO_END_TOPIC, 1);
            ToolRun tool = tools.run("EndToEndLatency", KafkaTools.RUN_CLASS_HEAP,
                    KafkaTools.endToEndLatencyArgs(running.bootstrap(), END_TO_END_TOPIC, options.endToEndRecords(),
                            RECORD_SIZE), "end-to-end-latency.out", options.endToEndTimeout());
            if (!tool.succeeded()) {
                run.fail(Section.END_TO_END, END_TO_END_WORKLOAD, tool.failureReason());
                return;
            }
            EndToEndStats stats = ToolOutputs.parseEndToEndLatency(tool.output());
            run.add(Section.END_TO_END, END_TO_END_WORKLOAD, Metric.LATENCY_AVG_MS, stats.avgMs());
            run.add(Section.END_TO_END, END_TO_END_WORKLOAD, Metric.LATENCY_P50_MS, stats.p50Ms());
            run.add(Section.END_TO_END, END_TO_END_WORKLOAD, Metric.LATENCY_P99_MS, stats.p99Ms());
            run.add(Section.END_TO_END, END_TO_END_WORKLOAD, Metric.LATENCY_P999_MS, stats.p999Ms());
            progress.printf("  end-to-end latency: avg %.2f ms, p50 %d ms, p99 %d ms, p99.9 %d ms%n",
                    stats.avgMs(), stats.p50Ms(), stats.p99Ms(), stats.p999Ms());
        } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
            run.fail(Section.END_TO_END, END_TO_END_WORKLOAD, describe(e));
        }
    }

    /**
     * Adds how busy the whole machine was during a tool's run and the CPU everything but the broker
     * used (on an otherwise idle machine, the tool's JVM): the evidence of whether a workload was
     * bound by the broker or by the client sharing the cores.
     */
    private static void addMachineCpu(Run run, Section section, String name, ProcStats.MachineTicks before,
                                      ProcStats.MachineTicks after, double brokerCpuSeconds, double gib)
            throws IOException {
        run.add(section, name, Metric.MACHINE_BUSY_PCT, 100 * after.busyFractionSince(before));
        double otherCpuSeconds = Math.max(0, after.busySecondsSince(before) - brokerCpuSeconds);
        run.add(section, name, Metric.OTHER_CPU_SECONDS_PER_GIB, otherCpuSeconds / gib);
    }

    private static Admin admin(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "strata-comparison");
        return Admin.create(props);
    }

    private static void createTopic(Admin admin, String topic, int partitions)
            throws ExecutionException, TimeoutException, InterruptedException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
    }

    private static String brokerDied(ChildProcess process) {
        return "the broker exited; its output ends with: " + firstLine(lastLines(process.outputTail(2000)));
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + firstLine(String.valueOf(cause.getMessage()));
    }

    private static String lastLines(String text) {
        String trimmed = text.strip();
        int lastBreak = trimmed.lastIndexOf('\n');
        return lastBreak < 0 ? trimmed : trimmed.substring(lastBreak + 1);
    }

    private static String firstLine(String text) {
        int lineBreak = text.indexOf('\n');
        return lineBreak < 0 ? text : text.substring(0, lineBreak);
    }

    /** The figures and failures of the run in progress. */
    private static final class Run {
        final List<Measurement> measurements = new ArrayList<>();
        final List<Failure> failures = new ArrayList<>();

        void add(Section section, String workload, Metric metric, double value) {
            measurements.add(new Measurement(section, workload, metric, value));
        }

        boolean fail(Section section, String workload, String reason) {
            failures.add(new Failure(section, workload, reason));
            return false;
        }
    }

    /** Broker CPU seconds and GiB moved, summed over the successful workloads of one kind. */
    private static final class CpuTally {
        double cpuSeconds;
        double gib;
        int workloads;

        void add(double workloadCpuSeconds, double workloadGib) {
            cpuSeconds += workloadCpuSeconds;
            gib += workloadGib;
            workloads++;
        }

        /** Adds the aggregate CPU-s/GiB, only when every workload of the kind succeeded (else it would mislead). */
        void report(Run run, String name, int expectedWorkloads) {
            if (workloads == expectedWorkloads && gib > 0) {
                run.add(Section.CPU, name, Metric.CPU_SECONDS, cpuSeconds);
                run.add(Section.CPU, name, Metric.CPU_SECONDS_PER_GIB, cpuSeconds / gib);
            } else {
                run.fail(Section.CPU, name, (expectedWorkloads - workloads) + " of " + expectedWorkloads
                        + " workloads failed, so there is no aggregate");
            }
        }
    }
}
