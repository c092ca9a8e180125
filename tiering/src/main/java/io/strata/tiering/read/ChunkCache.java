package io.strata.tiering.read;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteFileType;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.store.ObjectStore;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CorruptRecordException;

/**
 * Fixed-size ranges ("chunks") of the {@code .log} objects of remote segments, held in memory: a
 * Caffeine {@link AsyncCache} keyed by (segment id, chunk index), weighed by the chunk's bytes,
 * bounded by {@link RemoteReadConfig#chunkCacheBytes()}. Chunk {@code i} of a segment is bytes
 * {@code [i * chunkSize, min(segmentSize, (i + 1) * chunkSize))} of its {@code .log} object, loaded
 * by one ranged GET on a miss (Redpanda's segment chunks). Concurrent misses of one chunk share that
 * GET; a load that fails is not kept, so the next request tries again.
 *
 * <p>Chunks are handed out as read-only views with their own position and limit, as dependents of
 * the cached futures: cancelling one never cancels a load that other readers wait for.
 *
 * <p>This class is thread-safe.
 */
public final class ChunkCache {

    private final ObjectStore store;
    private final ObjectKeys keys;
    private final int chunkSizeBytes;
    private final Executor executor;
    private final AsyncCache<Key, ByteBuffer> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** A cache key: one chunk of one upload attempt of a segment. */
    private record Key(Uuid segmentId, int chunkIndex) {
    }

    /**
     * @param executor where loaded chunks are checked and cache maintenance runs (never the object
     *                 store's completion threads)
     */
    public ChunkCache(ObjectStore store, ObjectKeys keys, int chunkSizeBytes, long maximumBytes, Executor executor) {
        if (chunkSizeBytes <= 0) {
            throw new IllegalArgumentException("Invalid chunk size " + chunkSizeBytes);
        }
        this.store = store;
        this.keys = keys;
        this.chunkSizeBytes = chunkSizeBytes;
        this.executor = executor;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maximumBytes)
                .weigher((Key key, ByteBuffer chunk) -> chunk.capacity())
                .executor(executor)
                .buildAsync();
    }

    public int chunkSizeBytes() {
        return chunkSizeBytes;
    }

    /** The chunk holding byte {@code position} of a segment's {@code .log} object. */
    public int chunkIndexOf(long position) {
        return Math.toIntExact(position / chunkSizeBytes);
    }

    /** Number of chunks of {@code segment} (0 for an empty segment). */
    public int chunkCount(RemoteSegmentMetadata segment) {
        return Math.toIntExact(((long) segment.segmentSizeInBytes() + chunkSizeBytes - 1) / chunkSizeBytes);
    }

    /**
     * Chunk {@code chunkIndex} of {@code segment}, counted in {@link #hits()} or {@link #misses()}:
     * a read-only buffer whose position 0 is byte {@code chunkIndex * chunkSizeBytes} of the segment.
     * The future fails with the object store's exception, or {@link CorruptRecordException} if the
     * object is shorter than the segment's metadata says.
     *
     * @throws IllegalArgumentException if the segment has no such chunk
     */
    public CompletableFuture<ByteBuffer> chunk(RemoteSegmentMetadata segment, int chunkIndex) {
        return get(segment, chunkIndex, true);
    }

    /** Loads a chunk if it is not cached, without counting (read-ahead). */
    CompletableFuture<ByteBuffer> warm(RemoteSegmentMetadata segment, int chunkIndex) {
        return get(segment, chunkIndex, false);
    }

    /** Drops a cached chunk, so that the next request downloads it again (e.g. after a CRC failure). */
    public void invalidate(RemoteSegmentMetadata segment, int chunkIndex) {
        cache.synchronous().invalidate(new Key(segment.segmentId(), chunkIndex));
    }

    /** Chunk requests served without a GET (cached or joining one in flight). */
    public long hits() {
        return hits.sum();
    }

    /** Chunk requests that started a ranged GET. */
    public long misses() {
        return misses.sum();
    }

    private CompletableFuture<ByteBuffer> get(RemoteSegmentMetadata segment, int chunkIndex, boolean countStats) {
        if (chunkIndex < 0 || chunkIndex >= chunkCount(segment)) {
            throw new IllegalArgumentException("Segment " + segment.segmentId() + " of " + segment.segmentSizeInBytes()
                    + " bytes has no chunk " + chunkIndex + " of " + chunkSizeBytes + " bytes");
        }
        boolean[] loaded = new boolean[1];
        CompletableFuture<ByteBuffer> shared = cache.get(new Key(segment.segmentId(), chunkIndex),
                (key, cacheExecutor) -> {
                    loaded[0] = true;
                    return load(segment, chunkIndex);
                });
        if (countStats) {
            (loaded[0] ? misses : hits).increment();
        }
        // A dependent with its own view, so that neither a cancel nor a position change reaches the cache.
        return shared.thenApply(ByteBuffer::duplicate);
    }

    private CompletableFuture<ByteBuffer> load(RemoteSegmentMetadata segment, int chunkIndex) {
        String key = keys.segmentObject(segment, RemoteFileType.LOG);
        long start = (long) chunkIndex * chunkSizeBytes;
        int length = (int) Math.min(chunkSizeBytes, segment.segmentSizeInBytes() - start);
        return store.getRange(key, start, length).thenApplyAsync(bytes -> {
            if (bytes.remaining() != length) {
                throw new CorruptRecordException("Object " + key + " has " + bytes.remaining() + " bytes at position "
                        + start + " where its segment metadata promises " + length);
            }
            return bytes.slice().asReadOnlyBuffer();
        }, executor);
    }
}
