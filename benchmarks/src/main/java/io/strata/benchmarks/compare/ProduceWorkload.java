package io.strata.benchmarks.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * One produce workload of the comparison: ProducerPerformance with {@code acks}, a topic with
 * {@code partitions} partitions and a {@code compression.type}, followed by ConsumerPerformance
 * reading the same topic back.
 *
 * <p>Immutable and thread-safe.
 *
 * @param acks the producer's {@code acks}: {@code 1} or {@code all}
 * @param partitions the topic's partition count
 * @param compression the producer's {@code compression.type}
 */
public record ProduceWorkload(String acks, int partitions, String compression) {

    /**
     * Returns the comparison's produce workloads: acks 1 and all, 1 and 6 partitions, compression
     * none and lz4, in that nesting order.
     *
     * @return the eight workloads
     */
    public static List<ProduceWorkload> all() {
        List<ProduceWorkload> workloads = new ArrayList<>();
        for (String acks : List.of("1", "all")) {
            for (int partitions : List.of(1, 6)) {
                for (String compression : List.of("none", "lz4")) {
                    workloads.add(new ProduceWorkload(acks, partitions, compression));
                }
            }
        }
        return workloads;
    }

    /** Returns the name used in tables, such as {@code acks=1, 6 partitions, lz4}. */
    public String name() {
        return "acks=" + acks + ", " + partitions + (partitions == 1 ? " partition, " : " partitions, ") + compression;
    }

    /** Returns the topic this workload produces to and consumes from, such as {@code perf-acks1-p6-lz4}. */
    public String topic() {
        return "perf-acks" + acks + "-p" + partitions + "-" + compression;
    }
}
