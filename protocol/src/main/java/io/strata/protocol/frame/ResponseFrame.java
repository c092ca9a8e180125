package io.strata.protocol.frame;

import java.util.Objects;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * A Kafka response ready to be encoded: the body and the versions and correlation id that frame
 * it on the wire.
 *
 * <p>Use {@link #of(RequestFrame, ApiMessage)} to answer a request: the body is encoded in the
 * request's own version and the response header version follows from it (ApiVersions responses
 * always use response header v0, so that a client can read the response even when it sent a
 * version the broker does not know).
 *
 * <p>{@code apiVersion} is the version the body is encoded in, {@code headerVersion} the response
 * header version (0 or 1) and {@code correlationId} the request's correlation id; the body's
 * {@code apiKey()} must be {@code apiKey.id}.
 *
 * <p>Immutable and thread-safe as long as the body is not modified after construction.
 */
public record ResponseFrame(ApiKeys apiKey, short apiVersion, short headerVersion, int correlationId, ApiMessage body) {

    public ResponseFrame {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(body, "body");
        if (body.apiKey() != apiKey.id) {
            throw new IllegalArgumentException("Response body " + body.getClass().getSimpleName()
                + " (api key " + body.apiKey() + ") does not answer " + apiKey);
        }
        if (headerVersion != 0 && headerVersion != 1) {
            throw new IllegalArgumentException("Unknown response header version " + headerVersion);
        }
    }

    /** Frames {@code body} as the answer to {@code request}, in the request's version. */
    public static ResponseFrame of(RequestFrame request, ApiMessage body) {
        return of(request.apiKey(), request.apiVersion(), request.correlationId(), body);
    }

    /** Frames {@code body} as an answer at {@code apiVersion} to the request with {@code correlationId}. */
    public static ResponseFrame of(ApiKeys apiKey, short apiVersion, int correlationId, ApiMessage body) {
        return new ResponseFrame(apiKey, apiVersion, responseHeaderVersion(apiKey, apiVersion), correlationId, body);
    }

    /** The response header version for an API version; ApiVersions always uses v0. */
    public static short responseHeaderVersion(ApiKeys apiKey, short apiVersion) {
        return apiKey == ApiKeys.API_VERSIONS ? 0 : apiKey.responseHeaderVersion(apiVersion);
    }
}
