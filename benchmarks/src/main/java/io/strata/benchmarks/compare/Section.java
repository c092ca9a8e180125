package io.strata.benchmarks.compare;

import java.util.List;

/**
 * A group of measurements in the comparison, one table in RESULTS.md, with the metrics that table
 * shows (in order).
 *
 * <p>Immutable and thread-safe.
 */
public enum Section {
    PRODUCE("Produce (ProducerPerformance)", List.of(Metric.RECORDS_PER_SEC, Metric.MB_PER_SEC,
            Metric.LATENCY_P50_MS, Metric.LATENCY_P99_MS, Metric.CPU_SECONDS_PER_GIB,
            Metric.OTHER_CPU_SECONDS_PER_GIB, Metric.MACHINE_BUSY_PCT)),
    CONSUME("Consume (ConsumerPerformance)", List.of(Metric.RECORDS_PER_SEC, Metric.MB_PER_SEC,
            Metric.CPU_SECONDS_PER_GIB, Metric.OTHER_CPU_SECONDS_PER_GIB, Metric.MACHINE_BUSY_PCT)),
    END_TO_END("End-to-end latency (EndToEndLatency)", List.of(Metric.LATENCY_AVG_MS, Metric.LATENCY_P50_MS,
            Metric.LATENCY_P99_MS, Metric.LATENCY_P999_MS)),
    CPU("Broker CPU (utime + stime from /proc)", List.of(Metric.CPU_SECONDS_PER_GIB)),
    MEMORY("Broker memory (/proc/<pid>/status)", List.of(Metric.RSS_MIB)),
    STARTUP("Start-up", List.of(Metric.STARTUP_MS));

    private final String title;
    private final List<Metric> reported;

    Section(String title, List<Metric> reported) {
        this.title = title;
        this.reported = reported;
    }

    /** Returns the table's heading. */
    public String title() {
        return title;
    }

    /** Returns the metrics RESULTS.md shows for this section, in display order. */
    public List<Metric> reported() {
        return reported;
    }
}
