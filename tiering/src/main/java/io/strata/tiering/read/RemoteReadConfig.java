package io.strata.tiering.read;

/**
 * Settings of the remote read path: how segments are cut into chunks and how much memory the
 * chunk and index caches may hold.
 *
 * @param chunkSizeBytes  bytes of a segment's {@code .log} object fetched by one ranged GET and
 *                        cached as one entry; at least {@link #MIN_CHUNK_SIZE_BYTES}
 * @param chunkCacheBytes total bytes of cached chunks; at least one chunk
 * @param indexCacheBytes total bytes of cached offset and time indexes; positive
 * @param readAheadChunks chunks warmed after the one a read ends in (crossing into the next
 *                        segment's first chunk at the end of a segment); 0 turns read-ahead off
 *
 * <p>Immutable and thread-safe.
 */
public record RemoteReadConfig(int chunkSizeBytes, long chunkCacheBytes, long indexCacheBytes, int readAheadChunks) {

    public static final int MIN_CHUNK_SIZE_BYTES = 64 * 1024;
    public static final int DEFAULT_CHUNK_SIZE_BYTES = 8 * 1024 * 1024;
    public static final long DEFAULT_CHUNK_CACHE_BYTES = 128L * 1024 * 1024;
    public static final long DEFAULT_INDEX_CACHE_BYTES = 32L * 1024 * 1024;
    public static final int DEFAULT_READ_AHEAD_CHUNKS = 1;

    /** @throws IllegalArgumentException if a value is out of its range */
    public RemoteReadConfig {
        if (chunkSizeBytes < MIN_CHUNK_SIZE_BYTES) {
            throw new IllegalArgumentException("chunkSizeBytes must be at least " + MIN_CHUNK_SIZE_BYTES
                    + ", got " + chunkSizeBytes);
        }
        if (chunkCacheBytes < chunkSizeBytes) {
            throw new IllegalArgumentException("chunkCacheBytes must hold at least one chunk of " + chunkSizeBytes
                    + " bytes, got " + chunkCacheBytes);
        }
        if (indexCacheBytes <= 0) {
            throw new IllegalArgumentException("indexCacheBytes must be positive, got " + indexCacheBytes);
        }
        if (readAheadChunks < 0) {
            throw new IllegalArgumentException("readAheadChunks must not be negative, got " + readAheadChunks);
        }
    }

    /** 8 MiB chunks, a 128 MiB chunk cache, a 32 MiB index cache, one chunk of read-ahead. */
    public static RemoteReadConfig defaults() {
        return new RemoteReadConfig(DEFAULT_CHUNK_SIZE_BYTES, DEFAULT_CHUNK_CACHE_BYTES, DEFAULT_INDEX_CACHE_BYTES,
                DEFAULT_READ_AHEAD_CHUNKS);
    }

    public RemoteReadConfig withChunkSizeBytes(int value) {
        return new RemoteReadConfig(value, chunkCacheBytes, indexCacheBytes, readAheadChunks);
    }

    public RemoteReadConfig withReadAheadChunks(int value) {
        return new RemoteReadConfig(chunkSizeBytes, chunkCacheBytes, indexCacheBytes, value);
    }
}
