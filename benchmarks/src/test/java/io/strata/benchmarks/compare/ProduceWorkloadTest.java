package io.strata.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProduceWorkloadTest {

    @Test
    void shouldCoverAcksPartitionsAndCompressionWhenListingAll() {
        // when
        List<ProduceWorkload> all = ProduceWorkload.all();

        // then
        assertEquals(8, all.size());
        assertEquals(Set.of("1", "all"), all.stream().map(ProduceWorkload::acks).collect(Collectors.toSet()));
        assertEquals(Set.of(1, 6), all.stream().map(ProduceWorkload::partitions).collect(Collectors.toSet()));
        assertEquals(Set.of("none", "lz4"), all.stream().map(ProduceWorkload::compression).collect(Collectors.toSet()));
        assertEquals(8, all.stream().map(ProduceWorkload::topic).distinct().count(), "one topic per workload");
    }

    @Test
    void shouldNameWorkloadAndTopicReadablyWhenAsked() {
        // given
        ProduceWorkload workload = new ProduceWorkload("all", 6, "lz4");

        // when / then
        assertEquals("acks=all, 6 partitions, lz4", workload.name());
        assertEquals("perf-acksall-p6-lz4", workload.topic());
        assertEquals("acks=1, 1 partition, none", new ProduceWorkload("1", 1, "none").name());
    }
}
