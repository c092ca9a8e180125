package io.strata.storage.producer;

import java.util.Objects;
import java.util.Optional;

/**
 * Outcome of {@link ProducerStateManager#check}: the records may be appended, or they are the retry
 * of a batch already in the log, which must not be written again but answered with the original
 * offsets and timestamp (Kafka's duplicate handling). A check that fails throws instead.
 *
 * <p>This record is immutable and thread-safe.
 *
 * @param duplicate the original batch when the records are a retry, else empty
 */
public record AppendCheck(Optional<BatchMetadata> duplicate) {

    private static final AppendCheck ACCEPTED = new AppendCheck(Optional.empty());

    public AppendCheck {
        Objects.requireNonNull(duplicate, "duplicate");
    }

    /** The records pass the producer checks and are to be appended. */
    public static AppendCheck accepted() {
        return ACCEPTED;
    }

    /** The records repeat {@code original}, which is already in the log. */
    public static AppendCheck duplicateOf(BatchMetadata original) {
        return new AppendCheck(Optional.of(original));
    }

    public boolean isDuplicate() {
        return duplicate.isPresent();
    }
}
