package io.strata.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A broker the comparison measures: it knows how to start a fresh single-node instance the way a
 * user would, listening on 127.0.0.1 and keeping its partitions in a given directory.
 *
 * <p>Implementations are immutable and thread-safe; each {@link #start} starts a new process.
 */
public interface BrokerUnderTest {

    /** Returns the name shown in RESULTS.md, such as {@code Apache Kafka 4.3.1}. */
    String name();

    /** Returns a short identifier for directory and file names, such as {@code kafka}. */
    String id();

    /**
     * Prepares and starts the broker. Returns once the process is spawned, without waiting for it
     * to answer: the caller times that.
     *
     * @param runDir a fresh directory for this run's configuration and logs
     * @param dataDir a fresh, empty directory for the broker's partitions ({@code log.dirs})
     * @return the spawned broker
     * @throws IOException when the broker cannot be prepared or spawned
     * @throws InterruptedException when the calling thread is interrupted during preparation
     */
    RunningBroker start(Path runDir, Path dataDir) throws IOException, InterruptedException;
}
