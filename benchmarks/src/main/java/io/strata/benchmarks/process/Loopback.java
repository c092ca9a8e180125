package io.strata.benchmarks.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * The loopback address every benchmark binds to, and free ports on it.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class Loopback {

    /** The address brokers listen on and clients connect to. */
    public static final String HOST = "127.0.0.1";

    private Loopback() {
    }

    /**
     * Returns a TCP port on {@link #HOST} that was free a moment ago (the kernel picks it).
     *
     * @return a port number
     * @throws IOException when no socket can be bound
     */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }
}
