package io.strata.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ToolRunTest {

    private static final String CRASH_OUTPUT = """
            start.time, end.time, data.consumed.in.MB
            The node does not support FIND_COORDINATOR
            org.apache.kafka.common.errors.UnsupportedVersionException: The node does not support FIND_COORDINATOR
                at org.apache.kafka.clients.consumer.internals.Foo.bar(Foo.java:1)
                ... 12 more
            """;

    @Test
    void shouldSucceedOnlyWhenTheToolExitedWithZero() {
        // when / then
        assertTrue(run(OptionalInt.of(0), "").succeeded());
        assertFalse(run(OptionalInt.of(1), "").succeeded());
        assertFalse(run(OptionalInt.empty(), "").succeeded());
    }

    @Test
    void shouldQuoteTheExceptionLineWhenTheToolCrashed() {
        // when
        String reason = run(OptionalInt.of(1), CRASH_OUTPUT).failureReason();

        // then
        assertEquals("ConsumerPerformance exited with 1: org.apache.kafka.common.errors.UnsupportedVersionException: "
                + "The node does not support FIND_COORDINATOR", reason);
    }

    @Test
    void shouldSayTimedOutWhenTheToolWasKilled() {
        // when
        String reason = run(OptionalInt.empty(), "").failureReason();

        // then
        assertEquals("ConsumerPerformance timed out after 600 s and was killed", reason);
    }

    @Test
    void shouldUseTheLastLineWhenNoLineNamesAnError() {
        // when
        String line = ToolRun.tellingLine("first\nWARNING: Exiting before consuming the expected number of records\n\n");

        // then
        assertEquals("WARNING: Exiting before consuming the expected number of records", line);
    }

    @Test
    void shouldShortenTheReasonWhenTheLineIsVeryLong() {
        // when
        String reason = run(OptionalInt.of(1), "Exception: " + "x".repeat(1000)).failureReason();

        // then
        assertEquals(300, reason.length());
        assertTrue(reason.endsWith("..."));
    }

    private static ToolRun run(OptionalInt exitCode, String output) {
        return new ToolRun("ConsumerPerformance", exitCode, output, Path.of("consume.out"), Duration.ofMinutes(10));
    }
}
