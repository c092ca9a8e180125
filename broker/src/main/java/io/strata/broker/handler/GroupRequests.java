package io.strata.broker.handler;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Helpers shared by the group API handlers.
 *
 * <p>This class is thread-safe (stateless).
 */
final class GroupRequests {

    private GroupRequests() {
    }

    /** A member's client host as Kafka reports it: the address with a leading slash ({@code /127.0.0.1}). */
    static String clientHost(SocketAddress remoteAddress) {
        if (remoteAddress instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().toString();
        }
        return String.valueOf(remoteAddress);
    }
}
