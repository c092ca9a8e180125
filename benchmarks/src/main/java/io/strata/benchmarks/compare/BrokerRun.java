package io.strata.benchmarks.compare;

import java.util.List;

/**
 * Everything measured for one broker in one round: a fresh broker on a fresh data directory,
 * started, measured through all workloads and stopped.
 *
 * <p>Immutable and thread-safe.
 *
 * @param round the round number, from 1
 * @param broker the broker's display name
 * @param measurements the figures, in the order they were taken
 * @param failures the workloads that gave no figures
 */
public record BrokerRun(int round, String broker, List<Measurement> measurements, List<Failure> failures) {

    /** Copies the lists, so that a run cannot change after it is recorded. */
    public BrokerRun {
        measurements = List.copyOf(measurements);
        failures = List.copyOf(failures);
    }
}
