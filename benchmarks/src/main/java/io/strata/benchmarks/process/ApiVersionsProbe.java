package io.strata.benchmarks.process;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * A raw-TCP Kafka {@code ApiVersions} v0 request, used to find the moment a broker first answers a
 * client. It needs no client library state (no metadata, no retries, no backoff), so the time it
 * measures is the broker's, to within the poll interval: a refused connection is retried every few
 * milliseconds, and an accepted one waits for the response, so a broker that accepts connections
 * before it processes requests is timed when it answers.
 *
 * <p>Wire format (request header v1, response header v0, both used by every Kafka version):
 * <pre>
 *   request:  int32 size | int16 api_key=18 | int16 api_version=0 | int32 correlation_id
 *             | int16 client_id length | client_id bytes            (ApiVersions v0 has no body fields)
 *   response: int32 size | int32 correlation_id | body...
 * </pre>
 *
 * <p>This class is stateless and thread-safe.
 */
public final class ApiVersionsProbe {

    private static final String CLIENT_ID = "strata-benchmark-probe";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

    private ApiVersionsProbe() {
    }

    /**
     * Polls the broker until it answers an ApiVersions request.
     *
     * @param broker the broker process, checked for an early exit between attempts
     * @param host the broker's listener host
     * @param port the broker's listener port
     * @param timeout how long after the spawn the broker may take
     * @param pollInterval the pause after a refused or dropped connection
     * @return the time from the broker's spawn ({@link ChildProcess#spawnNanos()}) to the answer
     * @throws IllegalStateException when the broker exits or does not answer within the timeout; the
     *                               message's first line says which, the following lines quote the
     *                               end of the broker's output
     * @throws InterruptedException when the calling thread is interrupted
     */
    public static Duration awaitFirstAnswer(ChildProcess broker, String host, int port, Duration timeout,
                                            Duration pollInterval) throws InterruptedException {
        long deadline = broker.spawnNanos() + timeout.toNanos();
        int correlationId = 1;
        while (true) {
            if (!broker.isAlive()) {
                throw new IllegalStateException(broker + " exited before answering on " + host + ":" + port
                        + "\nbroker output:\n" + broker.outputTail(4000));
            }
            long remainingNanos = deadline - System.nanoTime();
            if (remainingNanos <= 0) {
                throw new IllegalStateException(broker + " did not answer ApiVersions on " + host + ":" + port
                        + " within " + timeout + "\nbroker output:\n" + broker.outputTail(4000));
            }
            if (answers(host, port, correlationId++, Duration.ofNanos(remainingNanos))) {
                return Duration.ofNanos(System.nanoTime() - broker.spawnNanos());
            }
            Thread.sleep(pollInterval.toMillis());
        }
    }

    /**
     * Sends one ApiVersions request and waits for its response.
     *
     * @param host the broker's listener host
     * @param port the broker's listener port
     * @param correlationId the request's correlation id, expected back in the response
     * @param timeout how long to wait for the response once connected
     * @return true when a response with the correlation id arrived; false when the connection was
     *         refused, closed or timed out, or the response did not match
     */
    public static boolean answers(String host, int port, int correlationId, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) Math.min(CONNECT_TIMEOUT.toMillis(),
                    Math.max(1, timeout.toMillis())));
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            OutputStream out = socket.getOutputStream();
            out.write(encodeRequest(correlationId));
            out.flush();
            byte[] responseStart = new byte[8];
            new DataInputStream(socket.getInputStream()).readFully(responseStart);
            return isResponseTo(ByteBuffer.wrap(responseStart), correlationId);
        } catch (SocketTimeoutException | EOFException e) {
            return false;
        } catch (IOException e) {
            // Connection refused or reset: the broker is not listening yet.
            return false;
        }
    }

    /**
     * Encodes a size-prefixed ApiVersions v0 request.
     *
     * @param correlationId the request's correlation id
     * @return the bytes to write to the socket
     */
    static byte[] encodeRequest(int correlationId) {
        byte[] clientId = CLIENT_ID.getBytes(StandardCharsets.UTF_8);
        int size = 2 + 2 + 4 + 2 + clientId.length;
        ByteBuffer buffer = ByteBuffer.allocate(4 + size);
        buffer.putInt(size);
        buffer.putShort(ApiKeys.API_VERSIONS.id);
        buffer.putShort((short) 0);
        buffer.putInt(correlationId);
        buffer.putShort((short) clientId.length);
        buffer.put(clientId);
        return buffer.array();
    }

    /**
     * Checks the first eight bytes of a response: a positive size and the request's correlation id.
     *
     * @param responseStart the size and correlation id fields
     * @param correlationId the correlation id the request carried
     * @return whether this is the response to that request
     */
    static boolean isResponseTo(ByteBuffer responseStart, int correlationId) {
        int size = responseStart.getInt(0);
        return size >= 4 && responseStart.getInt(4) == correlationId;
    }
}
