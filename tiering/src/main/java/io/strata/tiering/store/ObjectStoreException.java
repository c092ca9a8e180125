package io.strata.tiering.store;

/**
 * A failed object-store request, classified once where it happens so that callers only look at
 * {@link #kind()}.
 */
public class ObjectStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** How a caller should react to a failure. */
    public enum Kind {
        /** The object (or bucket) does not exist: retrying will not help. */
        NOT_FOUND,
        /** The store asked us to slow down (HTTP 503 SlowDown, 429): retry later with backoff. */
        THROTTLED,
        /** Network error, timeout or server error (5xx): retry later. */
        TRANSIENT,
        /** Anything else (access denied, bad request, a bug): retrying will not help. */
        FATAL
    }

    private final Kind kind;

    public ObjectStoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether a later attempt of the same request may succeed. */
    public boolean isRetriable() {
        return kind == Kind.THROTTLED || kind == Kind.TRANSIENT;
    }
}
