package io.strata.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ReportRendererTest {

    private static final String KAFKA = "Apache Kafka 4.3.1";
    private static final String STRATA = "Strata";
    private static final String WORKLOAD = "acks=1, 1 partition, none";
    private static final MachineInfo MACHINE = new MachineInfo(2, "AMD EPYC", 24_684_100, "/dev/vda ext4 252G 24G 78G 24% /",
            "vda disk 256G 1", "Linux 6.1", "OpenJDK 17.0.15", "4.3.1", "abc1234");

    @Test
    void shouldTakeTheMiddleValueWhenTheCountIsOdd() {
        // when / then
        assertEquals(OptionalDouble.of(5.0), ReportRenderer.median(List.of(9.0, 1.0, 5.0)));
    }

    @Test
    void shouldAverageTheTwoMiddleValuesWhenTheCountIsEven() {
        // when / then
        assertEquals(OptionalDouble.of(4.0), ReportRenderer.median(List.of(9.0, 1.0, 5.0, 3.0)));
    }

    @Test
    void shouldHaveNoMedianWhenThereAreNoValues() {
        // when / then
        assertEquals(OptionalDouble.empty(), ReportRenderer.median(List.of()));
    }

    @Test
    void shouldShowDigitsThatMatterWhenFormatting() {
        // when / then
        assertEquals("123,457", ReportRenderer.formatValue(123_456.7));
        assertEquals("457", ReportRenderer.formatValue(456.7));
        assertEquals("45.7", ReportRenderer.formatValue(45.67));
        assertEquals("4.57", ReportRenderer.formatValue(4.567));
        assertEquals("7", ReportRenderer.formatValue(7.0));
        assertEquals("0", ReportRenderer.formatValue(0.0));
        assertEquals("2.50", ReportRenderer.formatValue(2.5));
    }

    @Test
    void shouldShowBothMediansAndTheRatioWhenBothBrokersHaveFigures() {
        // given
        List<BrokerRun> runs = List.of(
                run(1, KAFKA, 100_000), run(1, STRATA, 150_000),
                run(2, KAFKA, 120_000), run(2, STRATA, 130_000),
                run(3, KAFKA, 110_000), run(3, STRATA, 140_000));

        // when
        String md = ReportRenderer.render(context(3), runs);

        // then
        assertTrue(md.contains("| " + WORKLOAD + " | records/s ↑ | 110,000 | 140,000 | 1.27 |"), md);
        assertTrue(md.contains("None: every workload gave figures in every round."), md);
        assertTrue(md.contains("`benchmarks/compare.sh`"), md);
    }

    @Test
    void shouldSayFailedAndGroupReasonsWhenABrokerFailsAWorkloadEveryRound() {
        // given
        String reason = "ConsumerPerformance exited with 1: UnsupportedVersionException: FIND_COORDINATOR";
        List<BrokerRun> runs = List.of(
                consumeRun(1, KAFKA, null), consumeRun(1, STRATA, reason),
                consumeRun(2, KAFKA, null), consumeRun(2, STRATA, reason));

        // when
        String md = ReportRenderer.render(context(2), runs);

        // then
        assertTrue(md.contains("| " + WORKLOAD + " | MB/s ↑ | 50 | failed | – |"), md);
        assertTrue(md.contains("| Strata | Consume (ConsumerPerformance) | " + WORKLOAD + "; acks=all, 6 partitions, lz4 | 1, 2 | "
                + reason + " |"), md);
    }

    @Test
    void shouldCountRoundsWhenOnlySomeRoundsGaveAFigure() {
        // given
        List<BrokerRun> runs = List.of(
                run(1, KAFKA, 100_000), run(1, STRATA, 150_000),
                run(2, KAFKA, 100_000), new BrokerRun(2, STRATA, List.of(),
                        List.of(new Failure(Section.PRODUCE, WORKLOAD, "ProducerPerformance timed out"))));

        // when
        String md = ReportRenderer.render(context(2), runs);

        // then
        assertTrue(md.contains("| 100,000 | 150,000 (1/2 rounds) | 1.50 |"), md);
    }

    @Test
    void shouldLeaveOutMetricsThatAreOnlyKeptRaw() {
        // given
        List<BrokerRun> runs = List.of(new BrokerRun(1, KAFKA,
                List.of(new Measurement(Section.PRODUCE, WORKLOAD, Metric.LATENCY_MAX_MS, 900)), List.of()));

        // when
        String md = ReportRenderer.render(context(1), runs);

        // then
        assertFalse(md.contains("max latency"), md);
    }

    @Test
    void shouldStateMachineVersionsAndCommandWhenRendering() {
        // when
        String md = ReportRenderer.render(context(1), List.of(run(1, KAFKA, 1), run(1, STRATA, 1)));

        // then
        assertTrue(md.contains("2 cores"), md);
        assertTrue(md.contains("MemTotal 24684100 kB"), md);
        assertTrue(md.contains("/dev/vda ext4"), md);
        assertTrue(md.contains("Strata `abc1234`"), md);
        assertTrue(md.contains("Command: `benchmarks/compare.sh --quick`"), md);
        assertTrue(md.contains("**Quick mode**"), md);
        assertTrue(md.contains("2026-11-22 08:00 UTC"), md);
    }

    private static BrokerRun run(int round, String broker, double recordsPerSec) {
        return new BrokerRun(round, broker,
                List.of(new Measurement(Section.PRODUCE, WORKLOAD, Metric.RECORDS_PER_SEC, recordsPerSec)), List.of());
    }

    private static BrokerRun consumeRun(int round, String broker, String failure) {
        if (failure == null) {
            return new BrokerRun(round, broker,
                    List.of(new Measurement(Section.CONSUME, WORKLOAD, Metric.MB_PER_SEC, 50.0)), List.of());
        }
        return new BrokerRun(round, broker, List.of(), List.of(new Failure(Section.CONSUME, WORKLOAD, failure),
                new Failure(Section.CONSUME, "acks=all, 6 partitions, lz4", failure)));
    }

    private static ReportRenderer.ReportContext context(int rounds) {
        return new ReportRenderer.ReportContext("2026-11-22 08:00 UTC", "benchmarks/compare.sh --quick", true, rounds,
                200_000, 2_000, "benchmarks/target/run/x/results.csv", KAFKA, STRATA, MACHINE);
    }
}
