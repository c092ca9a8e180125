package io.strata.protocol.frame;

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
 * which the frame was decoded. The body never references the network buffer it was decoded from,
 * so a frame may be kept and handed to other threads (a Produce request's records to a storage
 * thread, for example).
 *
 * <p>Immutable and thread-safe (this module never modifies the request body).
 */
public record RequestFrame(RequestHeader header, AbstractRequest request, int sizeInBytes, long receivedNanos) {

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
