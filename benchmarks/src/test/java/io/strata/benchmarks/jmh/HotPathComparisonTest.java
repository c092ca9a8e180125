package io.strata.benchmarks.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HotPathComparisonTest {

    @Test
    void shouldInsertSuffixBeforeExtensionWhenResultFileHasOne() {
        // given
        String file = "/tmp/results.v1/jmh.json";

        // when
        String suffixed = HotPathComparison.withSuffix(file, "-round1-strata");

        // then
        assertEquals("/tmp/results.v1/jmh-round1-strata.json", suffixed);
    }

    @Test
    void shouldAppendSuffixWhenResultFileHasNoExtension() {
        // given
        String file = "/tmp/results.v1/jmh";

        // when
        String suffixed = HotPathComparison.withSuffix(file, "-round2-kafka");

        // then
        assertEquals("/tmp/results.v1/jmh-round2-kafka", suffixed);
    }
}
