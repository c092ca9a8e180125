package io.strata.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ComparisonOptionsTest {

    @Test
    void shouldUseTheIssueCountsWhenRunInFullMode() {
        // when
        ComparisonOptions options = ComparisonOptions.parse();

        // then
        assertFalse(options.quick());
        assertEquals(3, options.rounds());
        assertEquals(2_000_000, options.produceRecords());
        assertEquals(10_000, options.endToEndRecords());
        Path home = Path.of("").toAbsolutePath();
        assertEquals(home, options.strataHome());
        assertEquals(home.resolve("benchmarks/target/apache-kafka/libs"), options.kafkaLibs());
        assertEquals(home.resolve("benchmarks/target/run"), options.workDir());
        assertEquals(home.resolve("benchmarks/RESULTS.md"), options.resultsFile());
    }

    @Test
    void shouldRunOneShortRoundWhenQuick() {
        // when
        ComparisonOptions options = ComparisonOptions.parse("--quick");

        // then
        assertTrue(options.quick());
        assertEquals(1, options.rounds());
        assertEquals(200_000, options.produceRecords());
        assertEquals(2_000, options.endToEndRecords());
    }

    @Test
    void shouldKeepExplicitRoundsWhenQuick() {
        // when
        ComparisonOptions options = ComparisonOptions.parse("--rounds", "2", "--quick");

        // then
        assertEquals(2, options.rounds());
        assertEquals(200_000, options.produceRecords());
    }

    @Test
    void shouldTakePathsAndCommandWhenGiven() {
        // when
        ComparisonOptions options = ComparisonOptions.parse("--strata-home", "/src", "--work-dir", "/tmp/run",
                "--results", "/tmp/R.md", "--command", "benchmarks/compare.sh --rounds 5", "--records", "10",
                "--e2e-records", "20");

        // then
        assertEquals(Path.of("/src/benchmarks/target/apache-kafka/libs"), options.kafkaLibs());
        assertEquals(Path.of("/tmp/run"), options.workDir());
        assertEquals(Path.of("/tmp/R.md"), options.resultsFile());
        assertEquals("benchmarks/compare.sh --rounds 5", options.commandLine());
        assertEquals(10, options.produceRecords());
        assertEquals(20, options.endToEndRecords());
    }

    @Test
    void shouldRefuseWhenAnOptionIsUnknown() {
        // when / then
        assertThrows(IllegalArgumentException.class, () -> ComparisonOptions.parse("--fast"));
    }

    @Test
    void shouldRefuseWhenAValueIsMissing() {
        // when / then
        assertThrows(IllegalArgumentException.class, () -> ComparisonOptions.parse("--rounds"));
    }

    @Test
    void shouldRefuseWhenRoundsAreNotPositive() {
        // when / then
        assertThrows(IllegalArgumentException.class, () -> ComparisonOptions.parse("--rounds", "0"));
    }

    @Test
    void shouldRefuseWhenACountIsNotANumber() {
        // when / then
        assertThrows(IllegalArgumentException.class, () -> ComparisonOptions.parse("--records", "lots"));
    }
}
