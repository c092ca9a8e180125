package io.strata.tiering.read;

/**
 * An index object of a remote segment held in memory, weighed by its bytes in the {@link RemoteIndexCache}.
 *
 * <p>Implementations are immutable and thread-safe.
 */
sealed interface RemoteIndex permits RemoteOffsetIndex, RemoteTimeIndex {

    /** Bytes of the index object. */
    int sizeInBytes();
}
