package io.strata.benchmarks.compare;

/**
 * A quantity measured in the comparison, with its unit and which direction is better. The raw
 * results keep every metric; {@link Section#reported()} picks the ones RESULTS.md shows.
 *
 * <p>Immutable and thread-safe.
 */
public enum Metric {
    RECORDS_PER_SEC("records/s", true),
    MB_PER_SEC("MB/s", true),
    LATENCY_AVG_MS("avg latency ms", false),
    LATENCY_P50_MS("p50 latency ms", false),
    LATENCY_P95_MS("p95 latency ms", false),
    LATENCY_P99_MS("p99 latency ms", false),
    LATENCY_P999_MS("p99.9 latency ms", false),
    LATENCY_MAX_MS("max latency ms", false),
    REBALANCE_MS("group join ms", false),
    FETCH_MS("fetch time ms", false),
    RECORDS("records", true),
    CPU_SECONDS("broker CPU-s", false),
    CPU_SECONDS_PER_GIB("broker CPU-s/GiB", false),
    /** CPU of everything but the broker (in practice the tool's JVM), per GiB moved: what the broker competes with. */
    OTHER_CPU_SECONDS_PER_GIB("client CPU-s/GiB", false),
    /** Share of all cores' time that was busy during the tool's run: near 100 % means the machine was CPU-bound. */
    MACHINE_BUSY_PCT("machine CPU busy %", false),
    RSS_MIB("broker RSS MiB", false),
    STARTUP_MS("ms", false);

    private final String label;
    private final boolean higherIsBetter;

    Metric(String label, boolean higherIsBetter) {
        this.label = label;
        this.higherIsBetter = higherIsBetter;
    }

    /** Returns the unit or name shown in tables, such as {@code records/s}. */
    public String label() {
        return label;
    }

    /** Returns whether a higher value is the better one (throughput) rather than the lower (latency, cost). */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }
}
