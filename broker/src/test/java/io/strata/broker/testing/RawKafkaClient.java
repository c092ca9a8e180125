package io.strata.broker.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A blocking one-connection Kafka client for tests that must control the exact bytes on the wire:
 * requests kafka-clients would never send (bad CRCs, garbage, replays of one idempotent batch).
 * Requests are serialized with kafka-clients' own request classes.
 */
public final class RawKafkaClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    public RawKafkaClient(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends {@code request} in its version and waits for the answer. */
    public AbstractResponse send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-test-client", ++correlationId);
        sendBytes(request.serializeWithHeader(header));
        return AbstractResponse.parseResponse(ByteBuffer.wrap(readFrame()), header);
    }

    /** Writes {@code payload} with a correct length prefix. */
    public void sendBytes(ByteBuffer payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(4 + payload.remaining());
        frame.putInt(payload.remaining()).put(payload.duplicate()).flip();
        writeRaw(frame.array());
    }

    /** Writes bytes exactly as given (no length prefix added). */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one response frame (without its length prefix). */
    public byte[] readFrame() throws IOException {
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        return body;
    }

    /** True when the broker closed the connection (EOF or reset) within the socket timeout. */
    public boolean isClosedByPeer() {
        try {
            return in.read() == -1;
        } catch (EOFException | SocketException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
