package io.strata.protocol.errors;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Builds a request's error response from a {@link Throwable}, the one place where failures become
 * Kafka error codes for a whole request.
 *
 * <p>The mapping is kafka-clients' own: {@link AbstractRequest#getErrorResponse(int, Throwable)},
 * which sets {@code Errors.forException(error)} at the levels the API's schema has (top level,
 * topic or partition). Exceptions that are not {@code ApiException}s become
 * {@code UNKNOWN_SERVER_ERROR}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    /**
     * The body of {@code request}'s error response for {@code error}, with throttle time 0.
     * {@link CompletionException} and {@link ExecutionException} wrappers are removed first.
     */
    public static ApiMessage forRequest(AbstractRequest request, Throwable error) {
        return request.getErrorResponse(0, unwrap(error)).data();
    }

    /** Removes the {@link CompletionException} / {@link ExecutionException} wrappers around a failure. */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
