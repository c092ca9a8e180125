package io.strata.benchmarks.compare;

/**
 * A workload that produced no figures in one broker run: the tool failed, timed out, or its output
 * could not be parsed, or the broker could not be started.
 *
 * <p>Immutable and thread-safe.
 *
 * @param section the table the workload belongs to
 * @param workload the workload's name
 * @param reason one line saying what went wrong
 */
public record Failure(Section section, String workload, String reason) {
}
