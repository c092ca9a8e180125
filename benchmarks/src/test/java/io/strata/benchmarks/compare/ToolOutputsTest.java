package io.strata.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.benchmarks.compare.ToolOutputs.ConsumeStats;
import io.strata.benchmarks.compare.ToolOutputs.EndToEndStats;
import io.strata.benchmarks.compare.ToolOutputs.ProduceStats;
import org.junit.jupiter.api.Test;

class ToolOutputsTest {

    private static final String PRODUCER_OUTPUT = """
            61134 records sent, 12202.4 records/sec (11.92 MB/sec), 1592.3 ms avg latency, 2345.0 ms max latency.
            74699 records sent, 14918.9 records/sec (14.57 MB/sec), 1758.3 ms avg latency, 2333.0 ms max latency.
            200000 records sent, 16996.685646 records/sec (16.60 MB/sec), 1526.72 ms avg latency, 2345.00 ms max \
            latency, 1691 ms 50th, 2240 ms 95th, 2329 ms 99th, 2341 ms 99.9th.
            """;

    private static final String CONSUMER_OUTPUT = """
            start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, \
            fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
            2026-11-22 07:41:10:851, 2026-11-22 07:41:16:819, 195.3125, 32.7266, 200000, 33512.0643, 3087, 2881, \
            67.7933, 69420.3402
            """;

    private static final String END_TO_END_OUTPUT = """
            0\t163.455332
            1000\t0.828847
            Avg latency: 2.9558 ms
            Percentiles: 50th = 1, 99th = 30, 99.9th = 153
            """;

    @Test
    void shouldReadTheFinalSummaryWhenProgressLinesPrecedeIt() {
        // when
        ProduceStats stats = ToolOutputs.parseProducerPerformance(PRODUCER_OUTPUT);

        // then
        assertEquals(new ProduceStats(200_000, 16996.685646, 16.60, 1526.72, 2345.00, 1691, 2240, 2329, 2341), stats);
    }

    @Test
    void shouldReadTheLastSummaryWhenTheToolPrintsTwo() {
        // given: with --warmup-records the tool adds a steady-state summary after the whole-run one
        String output = PRODUCER_OUTPUT + "150000 records sent, 20000.0 records/sec (19.53 MB/sec), 10.00 ms avg latency, "
                + "50.00 ms max latency, 8 ms 50th, 20 ms 95th, 40 ms 99th, 49 ms 99.9th.\n";

        // when
        ProduceStats stats = ToolOutputs.parseProducerPerformance(output);

        // then
        assertEquals(150_000, stats.records());
        assertEquals(40, stats.p99Ms());
    }

    @Test
    void shouldFailWhenTheProducerPrintedNoSummary() {
        // given: the tool died after progress lines only
        String output = "61134 records sent, 12202.4 records/sec (11.92 MB/sec), 1592.3 ms avg latency, 2345.0 ms max latency.\n"
                + "org.apache.kafka.common.errors.TimeoutException: Expiring 12 record(s)\n";

        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ToolOutputs.parseProducerPerformance(output));

        // then
        assertTrue(e.getMessage().contains("summary"), e.getMessage());
    }

    @Test
    void shouldMatchConsumerFieldsByHeaderName() {
        // when
        ConsumeStats stats = ToolOutputs.parseConsumerPerformance(CONSUMER_OUTPUT);

        // then
        assertEquals(new ConsumeStats(195.3125, 32.7266, 200_000, 33512.0643, 3087, 2881, 67.7933, 69420.3402), stats);
    }

    @Test
    void shouldSkipWarningsWhenTheyPrecedeTheConsumerHeader() {
        // given
        String output = "WARNING: Exiting before consuming the expected number of records: timeout (10000 ms) exceeded.\n"
                + CONSUMER_OUTPUT;

        // when
        ConsumeStats stats = ToolOutputs.parseConsumerPerformance(output);

        // then
        assertEquals(200_000, stats.records());
    }

    @Test
    void shouldFailWhenTheConsumerHeaderHasNoDataLine() {
        // given: the tool printed its header, then died (as against a broker without consumer groups)
        String output = CONSUMER_OUTPUT.lines().findFirst().orElseThrow();

        // when / then
        assertThrows(IllegalArgumentException.class, () -> ToolOutputs.parseConsumerPerformance(output));
    }

    @Test
    void shouldFailWhenTheConsumerDataLineIsCutShort() {
        // given
        String output = CONSUMER_OUTPUT.lines().findFirst().orElseThrow() + "\n2026-11-22 07:41:10:851, 12.5\n";

        // when
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ToolOutputs.parseConsumerPerformance(output));

        // then
        assertTrue(e.getMessage().contains("fields"), e.getMessage());
    }

    @Test
    void shouldFailWhenAConsumerFieldIsNotANumber() {
        // given
        String output = CONSUMER_OUTPUT.replace("32.7266", "n/a");

        // when / then
        assertThrows(IllegalArgumentException.class, () -> ToolOutputs.parseConsumerPerformance(output));
    }

    @Test
    void shouldFailWhenTheConsumerPrintedNoHeader() {
        // when / then
        assertThrows(IllegalArgumentException.class,
                () -> ToolOutputs.parseConsumerPerformance("The node does not support FIND_COORDINATOR\n"));
    }

    @Test
    void shouldReadAverageAndPercentilesWhenEndToEndLatencyFinished() {
        // when
        EndToEndStats stats = ToolOutputs.parseEndToEndLatency(END_TO_END_OUTPUT);

        // then
        assertEquals(new EndToEndStats(2.9558, 1, 30, 153), stats);
    }

    @Test
    void shouldFailWhenEndToEndLatencyPrintedNoPercentiles() {
        // given
        String output = "0\t163.455332\nAvg latency: 2.9558 ms\n";

        // when / then
        assertThrows(IllegalArgumentException.class, () -> ToolOutputs.parseEndToEndLatency(output));
    }

    @Test
    void shouldFailWhenEndToEndLatencyPrintedNoAverage() {
        // when / then
        assertThrows(IllegalArgumentException.class,
                () -> ToolOutputs.parseEndToEndLatency("Percentiles: 50th = 1, 99th = 30, 99.9th = 153\n"));
    }
}
