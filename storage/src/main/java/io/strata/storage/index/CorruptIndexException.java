package io.strata.storage.index;

/**
 * Thrown when an index file is missing or its content cannot be right (size not a multiple of the
 * entry size, entries out of order, or pointing outside the segment). The log layer reacts by
 * rebuilding the segment's indexes from its {@code .log} file.
 *
 * <p>Instances are immutable and thread-safe.
 */
public class CorruptIndexException extends RuntimeException {

    public CorruptIndexException(String message) {
        super(message);
    }
}
