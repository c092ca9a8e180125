package io.strata.benchmarks.replay;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The figures of a cold-replay run as Markdown: one row per read, then the medians over the rounds
 * of local and cold remote MiB/s, their ratio (cold / local), GETs per GiB and chunk cache hits and
 * misses of the cold reads, against the targets (ratio at least 0.5, at most 150 GETs per GiB).
 *
 * <p>This class is stateless and thread-safe.
 */
final class ReplayReport {

    static final double TARGET_RATIO = 0.5;
    static final double TARGET_GETS_PER_GIB = 150;

    private ReplayReport() {
    }

    /** The median of {@code values} (the mean of the middle two for an even count); NaN when empty. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    static double median(List<ReplayRead> reads, ReplayRead.Kind kind, ToDoubleFunction<ReplayRead> figure) {
        return median(reads.stream().filter(r -> r.kind() == kind).mapToDouble(figure).toArray());
    }

    /** The table of every read and the summary of medians. */
    static String render(List<ReplayRead> reads) {
        StringBuilder out = new StringBuilder();
        out.append("| round | read | records | MiB | seconds | MiB/s | GETs | GETs/GiB | MiB from bucket"
                + " | chunk hits | chunk misses | index misses | fetch latency avg ms | fetch size avg KiB |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ReplayRead r : reads) {
            boolean cold = r.kind() == ReplayRead.Kind.COLD_REMOTE;
            out.append(String.format(Locale.ROOT, "| %d | %s | %,d | %,.0f | %.2f | %.1f | %s | %s | %s | %s | %s | %s | %.1f | %.0f |%n",
                    r.round(), cold ? "cold remote" : "local", r.records(), r.bytes() / 1048576.0, r.nanos() / 1e9,
                    r.mibPerSecond(), cold ? String.valueOf(r.remote().getRequests()) : "-",
                    cold ? String.format(Locale.ROOT, "%.1f", r.getsPerGib()) : "-",
                    cold ? String.format(Locale.ROOT, "%,.0f", r.remote().remoteBytesRead() / 1048576.0) : "-",
                    cold ? String.valueOf(r.remote().chunkHits()) : "-",
                    cold ? String.valueOf(r.remote().chunkMisses()) : "-",
                    cold ? String.valueOf(r.remote().indexMisses()) : "-",
                    r.fetchLatencyAvgMs(), r.fetchSizeAvg() / 1024));
        }
        double local = median(reads, ReplayRead.Kind.LOCAL, ReplayRead::mibPerSecond);
        double cold = median(reads, ReplayRead.Kind.COLD_REMOTE, ReplayRead::mibPerSecond);
        double ratio = cold / local;
        double gets = median(reads, ReplayRead.Kind.COLD_REMOTE, ReplayRead::getsPerGib);
        out.append('\n');
        out.append("| median over rounds | measured | target | met |\n|---|---|---|---|\n");
        out.append(String.format(Locale.ROOT, "| local replay MiB/s | %.1f | | |%n", local));
        out.append(String.format(Locale.ROOT, "| cold remote replay MiB/s | %.1f | | |%n", cold));
        out.append(String.format(Locale.ROOT, "| cold / local | %.2f | ≥ %.2f | %s |%n", ratio, TARGET_RATIO,
                ratio >= TARGET_RATIO ? "yes" : "no"));
        out.append(String.format(Locale.ROOT, "| GETs per GiB (cold) | %.1f | ≤ %.0f | %s |%n", gets,
                TARGET_GETS_PER_GIB, gets <= TARGET_GETS_PER_GIB ? "yes" : "no"));
        out.append(String.format(Locale.ROOT, "| chunk cache hits / misses (cold) | %.0f / %.0f | | |%n",
                median(reads, ReplayRead.Kind.COLD_REMOTE, r -> r.remote().chunkHits()),
                median(reads, ReplayRead.Kind.COLD_REMOTE, r -> r.remote().chunkMisses())));
        return out.toString();
    }
}
