package io.strata.broker.handler;

import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;

/**
 * Error mapping shared by the admin API handlers: a failure becomes Kafka's {@link ApiError} (code
 * and message, {@code Errors.forException}); anything that is not an {@code ApiException} becomes
 * UNKNOWN_SERVER_ERROR and is logged once at ERROR with the resource it concerns.
 *
 * <p>This class is thread-safe (stateless).
 */
final class AdminErrors {

    /** The authorized-operations value meaning "not requested" (Kafka's {@code Integer.MIN_VALUE}). */
    static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;
    /**
     * Every operation on a topic (READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS,
     * ALTER_CONFIGS) as a bit field, what a broker without an authorizer reports.
     */
    static final int ALL_TOPIC_OPERATIONS = 3576;
    /**
     * Every operation on the cluster (CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS,
     * ALTER_CONFIGS, IDEMPOTENT_WRITE) as a bit field, what a broker without an authorizer reports.
     */
    static final int ALL_CLUSTER_OPERATIONS = 8096;

    private AdminErrors() {
    }

    /** The wire error for {@code failure}, logging unexpected ones. */
    static ApiError toApiError(Throwable failure, Logger log, String resource) {
        ApiError error = ApiError.fromThrowable(failure);
        if (error.error() == Errors.UNKNOWN_SERVER_ERROR) {
            log.error("Unexpected error on {}", resource, Errors.maybeUnwrapException(failure));
        }
        return error;
    }
}
