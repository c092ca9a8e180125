package io.strata.benchmarks.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayReportTest {

    private static final long GIB = 1L << 30;

    @Test
    void shouldTakeTheMiddleValueOrTheMeanOfTheMiddleTwoWhenComputingMedians() {
        assertEquals(2.0, ReplayReport.median(new double[] {3, 1, 2}));
        assertEquals(2.5, ReplayReport.median(new double[] {4, 1, 3, 2}));
        assertTrue(Double.isNaN(ReplayReport.median(new double[0])));
    }

    @Test
    void shouldReportMediansRatioAndGetsPerGibAgainstTheTargetsWhenRendering() {
        // given: local reads at 400 and 200 MiB/s, cold reads at 300 and 100 (medians 300 and 200)
        List<ReplayRead> reads = List.of(
                read(1, ReplayRead.Kind.LOCAL, 400, RemoteCounters.zero()),
                read(1, ReplayRead.Kind.COLD_REMOTE, 300, new RemoteCounters(140, GIB, 120, 8, 8)),
                read(2, ReplayRead.Kind.LOCAL, 200, RemoteCounters.zero()),
                read(2, ReplayRead.Kind.COLD_REMOTE, 100, new RemoteCounters(160, GIB, 100, 9, 8)));

        // when
        String report = ReplayReport.render(reads);

        // then
        assertTrue(report.contains("| local replay MiB/s | 300.0 |"), report);
        assertTrue(report.contains("| cold remote replay MiB/s | 200.0 |"), report);
        assertTrue(report.contains("| cold / local | 0.67 | ≥ 0.50 | yes |"), report);
        assertTrue(report.contains("| GETs per GiB (cold) | 150.0 | ≤ 150 | yes |"), report);
        assertTrue(report.contains("| chunk cache hits / misses (cold) | 110 / 9 |"), report);
        assertTrue(report.contains("| 2 | cold remote | 1,000 | 1,024 | "), report);
    }

    /** A read of 1 GiB of records at {@code mibPerSecond}. */
    private static ReplayRead read(int round, ReplayRead.Kind kind, double mibPerSecond, RemoteCounters remote) {
        long nanos = (long) (1024 / mibPerSecond * 1e9);
        return new ReplayRead(round, kind, 1000, GIB, nanos, remote, 3.0, 1024 * 1024);
    }
}
