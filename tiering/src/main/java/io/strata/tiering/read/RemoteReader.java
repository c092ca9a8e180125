package io.strata.tiering.read;

import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteFileType;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.read.SegmentWindow.BatchHeader;
import io.strata.tiering.store.ObjectStore;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Fetch and ListOffsets-by-timestamp from one segment in the bucket, through the
 * {@link ChunkCache} (ranged GETs of the {@code .log} object) and the {@link RemoteIndexCache}, with
 * the answers the local {@code LogSegment} gives for the same bytes.
 *
 * <p>A read finds the start position with the offset index, walks batch headers from there (12-byte
 * log overhead, then the v2 header) to the batch holding the fetch offset, and returns whole batches
 * up to {@code maxBytes}: a slice of a chunk when they lie in one, else one copy. Every returned
 * batch is checked (CRC, offsets inside the segment); a failed check fails the read with
 * {@link CorruptRecordException} naming the object and drops the chunks the read used from the
 * cache. A read that ends in chunk {@code i} warms chunks {@code i+1..i+readAheadChunks}, or the
 * first chunk and offset index of the next segment past the end (failures only logged at DEBUG).
 *
 * <p>Threads: the object store completes futures on its own threads; all parsing and copying runs
 * on the injected {@code executor} (the {@code remote-read} pool). Returned futures are dependents
 * of the cache loads, so cancelling one (e.g. a fetch timing out) never cancels a shared download.
 *
 * <p>This class is thread-safe.
 */
public final class RemoteReader {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteReader.class);

    private final ObjectKeys keys;
    private final RemoteReadConfig config;
    private final Executor executor;
    private final ChunkCache chunkCache;
    private final RemoteIndexCache indexCache;
    private final LongAdder bytesServed = new LongAdder();

    /** The result of a read: its records and the segment position after them. */
    private record Served(MemoryRecords records, long end) {
    }

    public RemoteReader(ObjectStore store, ObjectKeys keys, RemoteReadConfig config, Executor executor) {
        this.keys = keys;
        this.config = config;
        this.executor = executor;
        this.chunkCache = new ChunkCache(store, keys, config.chunkSizeBytes(), config.chunkCacheBytes(), executor);
        this.indexCache = new RemoteIndexCache(store, keys, config.indexCacheBytes(), executor);
    }

    /**
     * Batches from the one holding fetchOffset, whole, up to maxBytes (first batch even if larger when
     * minOneMessage; empty records if the first batch is larger and !minOneMessage), from this one
     * segment only; CRC of every returned batch checked. nextSegment (nullable) is the following
     * remote segment, for read-ahead across the segment end.
     *
     * <p>The future fails with {@link OffsetOutOfRangeException} if {@code fetchOffset} is outside
     * {@code [segment.baseOffset(), segment.endOffset()]}, {@link CorruptRecordException} for corrupt
     * data, or the {@link io.strata.tiering.store.ObjectStoreException} of a failed GET.
     */
    public CompletableFuture<MemoryRecords> read(RemoteSegmentMetadata segment, @Nullable RemoteSegmentMetadata nextSegment,
                                                 long fetchOffset, int maxBytes, boolean minOneMessage) {
        if (maxBytes < 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Invalid maxBytes " + maxBytes));
        }
        if (fetchOffset < segment.baseOffset() || fetchOffset > segment.endOffset()) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException("Offset " + fetchOffset
                    + " is not in remote segment " + segment.baseOffset() + ".." + segment.endOffset()));
        }
        SegmentWindow window = window(segment);
        CompletableFuture<Served> served = indexCache.offsetIndex(segment)
                .thenComposeAsync(index -> {
                    long start = startPosition(segment, index, fetchOffset);
                    return window.findBatch(start, header -> header.lastOffset() >= fetchOffset);
                }, executor)
                .thenComposeAsync(first -> first.isEmpty()
                        ? CompletableFuture.completedFuture(new Served(MemoryRecords.EMPTY, 0))
                        : collect(segment, window, first.get(), maxBytes, minOneMessage), executor);
        return served.whenComplete((result, failure) -> {
            if (failure != null) {
                onFailure(window, failure);
            } else if (result.records().sizeInBytes() > 0) {
                bytesServed.add(result.records().sizeInBytes());
                readAhead(segment, nextSegment, result.end());
            }
        }).thenApply(Served::records);
    }

    /**
     * ListOffsets by timestamp within one remote segment: first offset whose batch maxTimestamp >=
     * timestamp and offset >= startingOffset, like the local lookup; empty if none in this segment.
     *
     * <p>As {@code LogSegment.findOffsetByTimestamp}: the time index gives the last entry at or below
     * {@code timestamp}, the offset index the position to scan from (for the larger of that entry's
     * offset and {@code startingOffset}), and the answer is the first record of a batch whose max
     * timestamp reaches {@code timestamp} with a timestamp {@code >= timestamp} and an offset
     * {@code >= startingOffset}. The batch answered from is checked like a read's.
     */
    public CompletableFuture<Optional<TimestampAndOffset>> findOffsetByTimestamp(RemoteSegmentMetadata segment,
                                                                                 long timestamp, long startingOffset) {
        if (segment.maxTimestamp() < timestamp) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        SegmentWindow window = window(segment);
        CompletableFuture<Optional<TimestampAndOffset>> found = indexCache.timeIndex(segment)
                .thenCombineAsync(indexCache.offsetIndex(segment), (timeIndex, offsetIndex) ->
                        startPosition(segment, offsetIndex,
                                Math.max(timeIndex.lookup(timestamp).offset(), startingOffset)), executor)
                .thenComposeAsync(start -> search(segment, window, start, timestamp, startingOffset), executor);
        return found.whenComplete((result, failure) -> {
            if (failure != null) {
                onFailure(window, failure);
            }
        });
    }

    /** Chunk hits/misses, index hits/misses and bytes served so far. */
    public RemoteReadStats stats() {
        return new RemoteReadStats(chunkCache.hits(), chunkCache.misses(), indexCache.hits(), indexCache.misses(),
                bytesServed.sum());
    }

    private SegmentWindow window(RemoteSegmentMetadata segment) {
        return new SegmentWindow(chunkCache, segment, keys.segmentObject(segment, RemoteFileType.LOG), executor);
    }

    /** Position of the offset index's floor entry for {@code offset}, checked against the segment size. */
    private long startPosition(RemoteSegmentMetadata segment, RemoteOffsetIndex index, long offset) {
        int position = index.lookup(offset).position();
        if (position > 0 && position >= segment.segmentSizeInBytes()) {
            indexCache.invalidate(segment, RemoteFileType.OFFSET_INDEX);
            throw new CorruptRecordException("Offset index " + keys.segmentObject(segment, RemoteFileType.OFFSET_INDEX)
                    + " points at position " + position + " for offset " + offset + ", past the segment's "
                    + segment.segmentSizeInBytes() + " bytes");
        }
        return position;
    }

    /** Whole batches from {@code first} up to {@code maxBytes} (KIP-74 for the first), loaded and checked. */
    private CompletableFuture<Served> collect(RemoteSegmentMetadata segment, SegmentWindow window, BatchHeader first,
                                              int maxBytes, boolean minOneMessage) {
        if (first.sizeInBytes() > maxBytes) {
            return minOneMessage
                    ? load(segment, window, first.position(), first.end())
                    : CompletableFuture.completedFuture(new Served(MemoryRecords.EMPTY, 0));
        }
        long[] collected = {first.sizeInBytes()};
        if (maxBytes - collected[0] < SegmentWindow.HEADER_SIZE) {
            return load(segment, window, first.position(), first.end());
        }
        return window.findBatch(first.end(), header -> {
            if (collected[0] + header.sizeInBytes() > maxBytes) {
                return true;
            }
            collected[0] += header.sizeInBytes();
            return maxBytes - collected[0] < SegmentWindow.HEADER_SIZE;
        }).thenComposeAsync(stop -> {
            long end = first.position() + collected[0];
            return load(segment, window, first.position(), end);
        }, executor);
    }

    private CompletableFuture<Served> load(RemoteSegmentMetadata segment, SegmentWindow window, long start, long end) {
        return window.ensure(start, end).thenApplyAsync(v -> {
            ByteBuffer bytes = window.bytes(start, (int) (end - start));
            MemoryRecords records = MemoryRecords.readableRecords(bytes);
            checkBatches(segment, window, records, start, end);
            return new Served(records, end);
        }, executor);
    }

    /** Checks every batch of {@code records}, which must tile {@code [start, end)} of the segment exactly. */
    private static void checkBatches(RemoteSegmentMetadata segment, SegmentWindow window, MemoryRecords records,
                                     long start, long end) {
        long position = start;
        try {
            for (MutableRecordBatch batch : records.batches()) {
                checkBatch(segment, window, batch, position);
                position += batch.sizeInBytes();
            }
        } catch (CorruptRecordException | InvalidRecordException e) {
            CorruptRecordException corrupt = window.corrupt(position, e.getMessage());
            corrupt.initCause(e);
            throw corrupt;
        }
        if (position != end) {
            throw window.corrupt(position, "batches end at " + position + " instead of " + end);
        }
    }

    private static void checkBatch(RemoteSegmentMetadata segment, SegmentWindow window, RecordBatch batch,
                                   long position) {
        batch.ensureValid();
        if (batch.baseOffset() < segment.baseOffset() || batch.lastOffset() > segment.endOffset()) {
            throw window.corrupt(position, "offsets " + batch.baseOffset() + ".." + batch.lastOffset()
                    + " outside the segment");
        }
    }

    private CompletableFuture<Optional<TimestampAndOffset>> search(RemoteSegmentMetadata segment, SegmentWindow window,
                                                                   long from, long timestamp, long startingOffset) {
        return window.findBatch(from, header -> header.maxTimestamp() >= timestamp
                        && header.lastOffset() >= startingOffset)
                .thenComposeAsync(found -> {
                    if (found.isEmpty()) {
                        return CompletableFuture.completedFuture(Optional.<TimestampAndOffset>empty());
                    }
                    BatchHeader header = found.get();
                    return window.ensure(header.position(), header.end()).thenComposeAsync(v -> {
                        Optional<TimestampAndOffset> match = firstAtOrAfter(segment, window, header, timestamp,
                                startingOffset);
                        return match.isPresent() ? CompletableFuture.completedFuture(match)
                                : search(segment, window, header.end(), timestamp, startingOffset);
                    }, executor);
                }, executor);
    }

    private static Optional<TimestampAndOffset> firstAtOrAfter(RemoteSegmentMetadata segment, SegmentWindow window,
                                                               BatchHeader header, long timestamp, long startingOffset) {
        MemoryRecords records = MemoryRecords.readableRecords(window.bytes(header.position(), header.sizeInBytes()));
        checkBatches(segment, window, records, header.position(), header.end());
        Iterator<MutableRecordBatch> batches = records.batches().iterator();
        RecordBatch batch = batches.next();
        for (Record record : batch) {
            if (record.timestamp() >= timestamp && record.offset() >= startingOffset) {
                Optional<Integer> epoch = batch.partitionLeaderEpoch() == RecordBatch.NO_PARTITION_LEADER_EPOCH
                        ? Optional.empty() : Optional.of(batch.partitionLeaderEpoch());
                return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(), epoch));
            }
        }
        return Optional.empty();
    }

    private void readAhead(RemoteSegmentMetadata segment, @Nullable RemoteSegmentMetadata nextSegment, long end) {
        int chunks = config.readAheadChunks();
        if (chunks == 0 || end <= 0) {
            return;
        }
        int lastRead = chunkCache.chunkIndexOf(end - 1);
        int chunkCount = chunkCache.chunkCount(segment);
        for (int i = lastRead + 1; i <= lastRead + chunks; i++) {
            if (i < chunkCount) {
                logFailure(chunkCache.warm(segment, i), segment, "chunk " + i);
            } else {
                if (nextSegment != null) {
                    logFailure(indexCache.warmOffsetIndex(nextSegment), nextSegment, "offset index");
                    if (chunkCache.chunkCount(nextSegment) > 0) {
                        logFailure(chunkCache.warm(nextSegment, 0), nextSegment, "chunk 0");
                    }
                }
                return;
            }
        }
    }

    private static void logFailure(CompletableFuture<?> warming, RemoteSegmentMetadata segment, String what) {
        warming.whenComplete((v, failure) -> {
            if (failure != null) {
                LOG.debug("Read-ahead of {} of remote segment {} ({}) failed", what, segment.segmentId(),
                        segment.topicPartition(), failure);
            }
        });
    }

    private static void onFailure(SegmentWindow window, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof CorruptRecordException) {
            window.invalidateLoaded();
        }
    }
}
