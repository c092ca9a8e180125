package io.strata.storage.index;

/**
 * An entry of the {@link OffsetIndex}: the last offset of a record batch and the byte position of
 * that batch in the segment's {@code .log} file.
 *
 * @param offset   absolute offset (the index stores it relative to the segment's base offset)
 * @param position byte position of the batch in the {@code .log} file
 *
 * <p>Immutable and thread-safe.
 */
public record OffsetPosition(long offset, int position) {
}
