package io.strata.benchmarks.compare;

import io.strata.benchmarks.process.ChildProcess;
import io.strata.benchmarks.process.Loopback;

/**
 * A broker process started for one run, and the port its client listener binds on 127.0.0.1.
 *
 * <p>Immutable and thread-safe.
 *
 * @param process the broker's JVM
 * @param port the client (PLAINTEXT) listener's port
 */
public record RunningBroker(ChildProcess process, int port) {

    /** Returns {@code 127.0.0.1:<port>} for {@code bootstrap.servers}. */
    public String bootstrap() {
        return Loopback.HOST + ":" + port;
    }
}
