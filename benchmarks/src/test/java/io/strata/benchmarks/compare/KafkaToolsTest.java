package io.strata.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaToolsTest {

    private static final ProduceWorkload WORKLOAD = new ProduceWorkload("all", 6, "lz4");

    @Test
    void shouldPassTheIssueProducerSettingsWhenBuildingProducerArguments() {
        // when
        List<String> args = KafkaTools.producerPerformanceArgs("127.0.0.1:9092", WORKLOAD, 2_000_000, 1024);

        // then
        assertEquals(List.of("--bootstrap-server", "127.0.0.1:9092", "--topic", "perf-acksall-p6-lz4",
                "--num-records", "2000000", "--record-size", "1024", "--throughput", "-1",
                "--command-property", "batch.size=65536", "linger.ms=5", "acks=all", "compression.type=lz4"), args);
    }

    @Test
    void shouldReadTheWholeTopicBackWhenBuildingConsumerArguments() {
        // when
        List<String> args = KafkaTools.consumerPerformanceArgs("127.0.0.1:9092", WORKLOAD, 2_000_000);

        // then
        assertEquals(List.of("--bootstrap-server", "127.0.0.1:9092", "--topic", "perf-acksall-p6-lz4",
                "--num-records", "2000000", "--group", "perf-acksall-p6-lz4-consumer"), args);
    }

    @Test
    void shouldUseAcksOneWhenBuildingEndToEndArguments() {
        // when
        List<String> args = KafkaTools.endToEndLatencyArgs("127.0.0.1:9092", "e2e", 10_000, 1024);

        // then
        assertEquals(List.of("--bootstrap-server", "127.0.0.1:9092", "--topic", "e2e", "--num-records", "10000",
                "--producer-acks", "1", "--record-size", "1024"), args);
    }
}
