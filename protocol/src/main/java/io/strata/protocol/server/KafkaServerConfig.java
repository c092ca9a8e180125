package io.strata.protocol.server;

/**
 * Settings of one Kafka listener served by {@link KafkaServer}.
 *
 * <p>{@code host} is the address to bind (null or empty: all interfaces), {@code port} the TCP port
 * (0: an ephemeral port, see {@link KafkaServer#boundPort()}), {@code maxFrameBytes} Kafka's
 * {@code socket.request.max.bytes}, {@code ioThreads} the number of {@code net-N} event-loop
 * threads, {@code maxInFlightPerConnection} the pending responses above which a connection stops
 * reading, and {@code sendBufferBytes} / {@code receiveBufferBytes} Kafka's
 * {@code socket.send.buffer.bytes} / {@code socket.receive.buffer.bytes} ({@value #OS_DEFAULT}:
 * leave the operating system's default).
 *
 * <p>Immutable and thread-safe.
 */
public record KafkaServerConfig(String host, int port, int maxFrameBytes, int ioThreads, int maxInFlightPerConnection,
                                int sendBufferBytes, int receiveBufferBytes) {

    /** Kafka's default {@code socket.request.max.bytes} (100 MiB). */
    public static final int DEFAULT_MAX_FRAME_BYTES = 104_857_600;
    /** Default pending responses per connection before it stops reading. */
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 64;
    /** Kafka's default {@code socket.send.buffer.bytes} and {@code socket.receive.buffer.bytes}. */
    public static final int DEFAULT_SOCKET_BUFFER_BYTES = 102_400;
    /** Socket buffer size meaning "use the operating system's default". */
    public static final int OS_DEFAULT = -1;

    public KafkaServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be positive: " + ioThreads);
        }
        if (maxInFlightPerConnection < 1) {
            throw new IllegalArgumentException("maxInFlightPerConnection must be positive: " + maxInFlightPerConnection);
        }
        if (sendBufferBytes != OS_DEFAULT && sendBufferBytes < 1) {
            throw new IllegalArgumentException("sendBufferBytes must be positive or -1: " + sendBufferBytes);
        }
        if (receiveBufferBytes != OS_DEFAULT && receiveBufferBytes < 1) {
            throw new IllegalArgumentException("receiveBufferBytes must be positive or -1: " + receiveBufferBytes);
        }
    }

    /** A listener with Kafka's default socket buffer sizes. */
    public KafkaServerConfig(String host, int port, int maxFrameBytes, int ioThreads, int maxInFlightPerConnection) {
        this(host, port, maxFrameBytes, ioThreads, maxInFlightPerConnection,
            DEFAULT_SOCKET_BUFFER_BYTES, DEFAULT_SOCKET_BUFFER_BYTES);
    }
}
