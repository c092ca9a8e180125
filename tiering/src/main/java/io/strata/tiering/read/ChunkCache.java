package io.strata.tiering.read;

import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteFileType;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.store.ObjectStore;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CorruptRecordException;

/**
 * Fixed-size ranges ("chunks") of the {@code .log} objects of remote segments, held in memory: a
 * least-recently-used map keyed by (segment id, chunk index), weighed by the chunk's bytes, bounded
 * by {@link RemoteReadConfig#chunkCacheBytes()}. Chunk {@code i} of a segment is bytes
 * {@code [i * chunkSize, min(segmentSize, (i + 1) * chunkSize))} of its {@code .log} object, loaded
 * by one ranged GET on a miss (Redpanda's segment chunks). Concurrent misses of one chunk share that
 * GET; a load that fails is not kept, so the next request tries again.
 *
 * <p>Why LRU and not Caffeine's W-TinyLFU: a replay reads every chunk of a segment a few times (one
 * fetch of {@code max.partition.fetch.bytes} after another) and never again, while read-ahead loads
 * the next chunks before their first read. TinyLFU's admission keeps the older, more frequently read
 * chunks and evicts a chunk that was just loaded (its window is 1% of the bound, smaller than one
 * chunk), so a cold replay of 1.1 GiB with 8 MiB chunks and a 128 MiB cache downloaded 15 GiB
 * (benchmarks/RESULTS.md, cold replay). Under LRU the chunk loaded last is the last evicted.
 *
 * <p>Chunks are handed out as views with their own position and limit (heap buffers with an
 * accessible array, not read-only ones: Kafka's CRC32C check reads a read-only buffer a byte at a
 * time, which made it 18% of a cold replay's CPU), as dependents of
 * the cached futures: cancelling one never cancels a load that other readers wait for.
 *
 * <p>This class is thread-safe.
 */
public final class ChunkCache {

    private final ObjectStore store;
    private final ObjectKeys keys;
    private final int chunkSizeBytes;
    private final Executor executor;
    private final long maximumBytes;
    /** Guards {@link #entries} and {@link #weight}. */
    private final Object lock = new Object();
    /** In access order: the eldest entry is the least recently used. */
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long weight;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** A cache key: one chunk of one upload attempt of a segment. */
    private record Key(Uuid segmentId, int chunkIndex) {
    }

    /** A chunk loaded or loading, and the bytes it counts for (its length, known before the GET). */
    private record Entry(CompletableFuture<ByteBuffer> chunk, int weight) {
    }

    /**
     * @param executor where loaded chunks are checked (never the object store's completion threads)
     */
    public ChunkCache(ObjectStore store, ObjectKeys keys, int chunkSizeBytes, long maximumBytes, Executor executor) {
        if (chunkSizeBytes <= 0) {
            throw new IllegalArgumentException("Invalid chunk size " + chunkSizeBytes);
        }
        this.store = store;
        this.keys = keys;
        this.chunkSizeBytes = chunkSizeBytes;
        this.executor = executor;
        this.maximumBytes = maximumBytes;
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
     * a buffer (never to be written) whose position 0 is byte {@code chunkIndex * chunkSizeBytes} of the segment.
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
        synchronized (lock) {
            Entry removed = entries.remove(new Key(segment.segmentId(), chunkIndex));
            if (removed != null) {
                weight -= removed.weight();
            }
        }
    }

    /** Chunk requests served without a GET (cached or joining one in flight). */
    public long hits() {
        return hits.sum();
    }

    /** Chunk requests that started a ranged GET. */
    public long misses() {
        return misses.sum();
    }

    /** Bytes of the chunks held or loading (at most the bound, plus the one chunk added last). */
    long weightBytes() {
        synchronized (lock) {
            return weight;
        }
    }

    private CompletableFuture<ByteBuffer> get(RemoteSegmentMetadata segment, int chunkIndex, boolean countStats) {
        if (chunkIndex < 0 || chunkIndex >= chunkCount(segment)) {
            throw new IllegalArgumentException("Segment " + segment.segmentId() + " of " + segment.segmentSizeInBytes()
                    + " bytes has no chunk " + chunkIndex + " of " + chunkSizeBytes + " bytes");
        }
        Key key = new Key(segment.segmentId(), chunkIndex);
        Entry entry;
        boolean loading = false;
        synchronized (lock) {
            entry = entries.get(key);
            if (entry == null) {
                entry = new Entry(new CompletableFuture<>(), chunkLength(segment, chunkIndex));
                entries.put(key, entry);
                weight += entry.weight();
                evictOver(key);
                loading = true;
            }
        }
        if (loading) {
            // The GET starts outside the lock; a failed load is dropped so that the next request retries.
            Entry started = entry;
            load(segment, chunkIndex).whenComplete((bytes, failure) -> {
                if (failure != null) {
                    synchronized (lock) {
                        if (entries.remove(key, started)) {
                            weight -= started.weight();
                        }
                    }
                    started.chunk().completeExceptionally(failure);
                } else {
                    started.chunk().complete(bytes);
                }
            });
        }
        if (countStats) {
            (loading ? misses : hits).increment();
        }
        // A dependent with its own view, so that neither a cancel nor a position change reaches the cache.
        return entry.chunk().thenApply(ByteBuffer::duplicate);
    }

    /** Drops least recently used entries, never {@code keep}, until the weight is within the bound. */
    private void evictOver(Key keep) {
        Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
        while (weight > maximumBytes && eldest.hasNext()) {
            Map.Entry<Key, Entry> candidate = eldest.next();
            if (!candidate.getKey().equals(keep)) {
                weight -= candidate.getValue().weight();
                eldest.remove();
            }
        }
    }

    private int chunkLength(RemoteSegmentMetadata segment, int chunkIndex) {
        long start = (long) chunkIndex * chunkSizeBytes;
        return (int) Math.min(chunkSizeBytes, segment.segmentSizeInBytes() - start);
    }

    private CompletableFuture<ByteBuffer> load(RemoteSegmentMetadata segment, int chunkIndex) {
        String key = keys.segmentObject(segment, RemoteFileType.LOG);
        long start = (long) chunkIndex * chunkSizeBytes;
        int length = chunkLength(segment, chunkIndex);
        return store.getRange(key, start, length).thenApplyAsync(bytes -> {
            if (bytes.remaining() != length) {
                throw new CorruptRecordException("Object " + key + " has " + bytes.remaining() + " bytes at position "
                        + start + " where its segment metadata promises " + length);
            }
            return bytes.slice();
        }, executor);
    }
}
