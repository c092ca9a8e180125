package io.strata.tiering.store;

import io.strata.tiering.store.ObjectStoreException.Kind;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The one place where object-store failures are classified into {@link ObjectStoreException.Kind}s
 * (after the SDK's own retries are exhausted):
 *
 * <pre>
 * 404, NoSuchKey, NoSuchBucket, NotFound                          -&gt; NOT_FOUND
 * 429, 503 SlowDown, throttling error codes (Throttling, ...)     -&gt; THROTTLED
 * other 5xx, 408/RequestTimeout, API call (attempt) timeouts,
 *   client errors caused by an IOException or a timeout           -&gt; TRANSIENT
 * anything else (403 AccessDenied, 400, local file errors, bugs)  -&gt; FATAL
 * </pre>
 *
 * <p>This class is stateless and thread-safe.
 */
public final class ObjectStoreErrors {

    private static final Set<String> NOT_FOUND_CODES = Set.of("NoSuchKey", "NoSuchBucket", "NotFound",
            "NoSuchUpload");
    private static final Set<String> THROTTLING_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "ThrottledException", "RequestThrottledException", "TooManyRequestsException", "RequestThrottled",
            "RequestLimitExceeded", "BandwidthLimitExceeded", "ProvisionedThroughputExceededException",
            "TransactionInProgressException", "EC2ThrottledException", "PriorRequestNotComplete");
    private static final Set<String> TRANSIENT_CODES = Set.of("RequestTimeout", "RequestTimeoutException",
            "InternalError", "ServiceUnavailable", "IDPCommunicationError");

    private ObjectStoreErrors() {
    }

    /**
     * The failure {@code t} as an {@link ObjectStoreException}: {@code t} itself (or the one it wraps)
     * when it already is one, otherwise a new one of the {@link #kindOf kind} of {@code t} whose cause
     * is {@code t} with {@link CompletionException} and {@link ExecutionException} wrappers removed.
     */
    public static ObjectStoreException classify(Throwable t) {
        return classify(t, null);
    }

    /** Like {@link #classify(Throwable)}, naming the request (e.g. "GET key") in the message. */
    public static ObjectStoreException classify(Throwable t, String request) {
        Throwable cause = unwrap(t);
        if (cause instanceof ObjectStoreException e) {
            return e;
        }
        Kind kind = kindOf(cause);
        String message = (request == null ? "" : request + ": ") + kind + " " + describe(cause);
        return new ObjectStoreException(kind, message, cause);
    }

    /** The kind of failure {@code t} is; wrappers ({@link CompletionException}...) are looked through. */
    public static Kind kindOf(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof ObjectStoreException e) {
            return e.kind();
        }
        if (cause instanceof SdkServiceException e) {
            String code = e instanceof AwsServiceException aws && aws.awsErrorDetails() != null
                    ? aws.awsErrorDetails().errorCode() : null;
            return kindOf(e.statusCode(), code);
        }
        if (cause instanceof ApiCallTimeoutException || cause instanceof ApiCallAttemptTimeoutException) {
            return Kind.TRANSIENT;
        }
        if (cause instanceof SdkClientException && causedByIoOrTimeout(cause.getCause())) {
            return Kind.TRANSIENT;
        }
        return Kind.FATAL;
    }

    /**
     * The kind of an error answered by the server: its HTTP status (0 when unknown, as for a per-key
     * error of a DeleteObjects response) and S3 error code (nullable).
     */
    public static Kind kindOf(int statusCode, String errorCode) {
        if (statusCode == 404 || (errorCode != null && NOT_FOUND_CODES.contains(errorCode))) {
            return Kind.NOT_FOUND;
        }
        if (statusCode == 429 || (errorCode != null && THROTTLING_CODES.contains(errorCode))) {
            return Kind.THROTTLED;
        }
        if (statusCode >= 500 || statusCode == 408 || (errorCode != null && TRANSIENT_CODES.contains(errorCode))) {
            return Kind.TRANSIENT;
        }
        return Kind.FATAL;
    }

    /** {@code t} without {@link CompletionException} and {@link ExecutionException} wrappers. */
    static Throwable unwrap(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static boolean causedByIoOrTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof IOException || c instanceof TimeoutException
                    || c instanceof ApiCallTimeoutException || c instanceof ApiCallAttemptTimeoutException
                    || c instanceof io.netty.handler.timeout.TimeoutException
                    || c instanceof io.netty.channel.ChannelException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable t) {
        if (t instanceof AwsServiceException e && e.awsErrorDetails() != null) {
            return "(HTTP " + e.statusCode() + " " + e.awsErrorDetails().errorCode() + ") "
                    + e.awsErrorDetails().errorMessage();
        }
        if (t instanceof SdkServiceException e) {
            return "(HTTP " + e.statusCode() + ") " + e.getMessage();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
