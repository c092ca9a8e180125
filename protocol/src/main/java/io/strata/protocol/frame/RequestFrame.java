package io.strata.protocol.frame;

import io.netty.util.ReferenceCounted;
import java.util.Objects;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A decoded Kafka request: its header, its parsed body, the size of the frame it came in and the
 * time it was decoded.
 *
 * <p>{@code header} is the request header as the client sent it, {@code request} the body parsed
 * at {@code header.apiVersion()}, {@code sizeInBytes} the size of the frame (header and body,
 * without the 4-byte length prefix) and {@code receivedNanos} the {@code Time.nanoseconds()} at
 * which the frame was decoded.
 *
 * <p>{@code buffer} is null when the body was parsed from a copy of the frame and references no
 * network memory. A Produce request is parsed in place instead, so that its record batches reach
 * the log file without being copied through the Java heap: its {@code MemoryRecords} are views of
 * the pooled network buffer of the frame, and {@code buffer} holds one reference to it. Whoever
 * answers the request calls {@link #release()} exactly once, after the last use of the body (for a
 * Produce, after every append of its records has finished); until then the frame may be handed to
 * other threads (the records to a storage thread).
 *
 * <p>Immutable and thread-safe (this module never modifies the request body).
 */
public record RequestFrame(RequestHeader header, AbstractRequest request, int sizeInBytes, long receivedNanos,
                           ReferenceCounted buffer) {

    public RequestFrame {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(request, "request");
        if (request.apiKey() != header.apiKey()) {
            throw new IllegalArgumentException("Request body " + request.apiKey() + " does not match header " + header.apiKey());
        }
        if (sizeInBytes < 0) {
            throw new IllegalArgumentException("sizeInBytes must not be negative: " + sizeInBytes);
        }
    }

    /** A frame whose body references no network memory. */
    public RequestFrame(RequestHeader header, AbstractRequest request, int sizeInBytes, long receivedNanos) {
        this(header, request, sizeInBytes, receivedNanos, null);
    }

    /** Gives back the network buffer the body is a view of, if any; call once, after the body's last use. */
    public void release() {
        if (buffer != null) {
            buffer.release();
        }
    }

    /** The API this request calls. */
    public ApiKeys apiKey() {
        return header.apiKey();
    }

    /** The version of the API the client used; the response is encoded in the same version. */
    public short apiVersion() {
        return header.apiVersion();
    }

    /** The client's correlation id, echoed in the response header. */
    public int correlationId() {
        return header.correlationId();
    }

    /** The client id from the request header (may be null or empty). */
    public String clientId() {
        return header.clientId();
    }
}
