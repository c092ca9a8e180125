package io.strata.benchmarks.compare;

/**
 * One number measured in one broker run, such as the records/s of one produce workload.
 *
 * <p>Immutable and thread-safe.
 *
 * @param section the table it belongs to
 * @param workload the workload's name, unique within the section
 * @param metric what was measured
 * @param value the value, in the metric's unit
 */
public record Measurement(Section section, String workload, Metric metric, double value) {
}
