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
import java.util.function.BiFunction;
import org.apache.kafka.common.Uuid;

/**
 * The offset and time indexes of remote segments, held in memory: a Caffeine {@link AsyncCache}
 * keyed by (segment id, file type), weighed by the index's bytes, bounded by
 * {@link RemoteReadConfig#indexCacheBytes()}. A miss downloads the whole index object with one GET
 * and parses it on the executor; concurrent misses of one index share that GET; a load that fails
 * (missing object, corrupt index) is not kept, so the next request tries again.
 *
 * <p>Futures handed out are dependents of the cached ones: cancelling one never cancels a load
 * that other readers wait for.
 *
 * <p>This class is thread-safe.
 */
public final class RemoteIndexCache {

    private final ObjectStore store;
    private final ObjectKeys keys;
    private final Executor executor;
    private final AsyncCache<Key, RemoteIndex> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** A cache key: one index object of one upload attempt of a segment. */
    private record Key(Uuid segmentId, RemoteFileType type) {
    }

    public RemoteIndexCache(ObjectStore store, ObjectKeys keys, long maximumBytes, Executor executor) {
        this.store = store;
        this.keys = keys;
        this.executor = executor;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maximumBytes)
                .weigher((Key key, RemoteIndex index) -> index.sizeInBytes())
                .executor(executor)
                .buildAsync();
    }

    /** The offset index of {@code segment}, counted in {@link #hits()} or {@link #misses()}. */
    public CompletableFuture<RemoteOffsetIndex> offsetIndex(RemoteSegmentMetadata segment) {
        return offsetIndex(segment, true);
    }

    /** The time index of {@code segment}, counted in {@link #hits()} or {@link #misses()}. */
    public CompletableFuture<RemoteTimeIndex> timeIndex(RemoteSegmentMetadata segment) {
        return get(segment, RemoteFileType.TIME_INDEX, true, (key, bytes) ->
                new RemoteTimeIndex(segment.baseOffset(), bytes, key)).thenApply(RemoteTimeIndex.class::cast);
    }

    /** Loads the offset index of {@code segment} if it is not cached, without counting (read-ahead). */
    CompletableFuture<RemoteOffsetIndex> warmOffsetIndex(RemoteSegmentMetadata segment) {
        return offsetIndex(segment, false);
    }

    private CompletableFuture<RemoteOffsetIndex> offsetIndex(RemoteSegmentMetadata segment, boolean countStats) {
        return get(segment, RemoteFileType.OFFSET_INDEX, countStats, (key, bytes) ->
                new RemoteOffsetIndex(segment.baseOffset(), bytes, key)).thenApply(RemoteOffsetIndex.class::cast);
    }

    /** Drops the cached index (e.g. after it pointed outside its segment). */
    public void invalidate(RemoteSegmentMetadata segment, RemoteFileType type) {
        cache.synchronous().invalidate(new Key(segment.segmentId(), type));
    }

    /** Index requests served without a GET (cached or joining one in flight). */
    public long hits() {
        return hits.sum();
    }

    /** Index requests that started a GET. */
    public long misses() {
        return misses.sum();
    }

    private CompletableFuture<RemoteIndex> get(RemoteSegmentMetadata segment, RemoteFileType type, boolean countStats,
                                               BiFunction<String, ByteBuffer, RemoteIndex> parser) {
        boolean[] loaded = new boolean[1];
        CompletableFuture<RemoteIndex> shared = cache.get(new Key(segment.segmentId(), type), (key, cacheExecutor) -> {
            loaded[0] = true;
            String objectKey = keys.segmentObject(segment, type);
            return store.get(objectKey).thenApplyAsync(bytes -> parser.apply(objectKey, bytes), executor);
        });
        if (countStats) {
            (loaded[0] ? misses : hits).increment();
        }
        // A dependent, so that a caller's cancel stays with the caller.
        return shared.thenApply(index -> index);
    }
}
