package io.strata.tiering.read;

/**
 * A snapshot of the counters of a {@link RemoteReader}. A hit is a request served without starting
 * a GET (from the cache or by joining a GET already in flight); read-ahead is not counted.
 *
 * @param chunkHits   chunk requests served without a GET
 * @param chunkMisses chunk requests that started a ranged GET
 * @param indexHits   index requests served without a GET
 * @param indexMisses index requests that started a GET
 * @param bytesServed record bytes returned by {@link RemoteReader#read}
 *
 * <p>Immutable and thread-safe.
 */
public record RemoteReadStats(long chunkHits, long chunkMisses, long indexHits, long indexMisses, long bytesServed) {
}
