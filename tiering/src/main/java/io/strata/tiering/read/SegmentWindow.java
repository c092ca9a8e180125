package io.strata.tiering.read;

import io.strata.tiering.metadata.RemoteSegmentMetadata;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;

/**
 * The chunks of one remote segment that one read has loaded, and the batch walk over them: the
 * segment's {@code .log} object seen as positions {@code [0, segmentSizeInBytes)}, fetched through
 * the {@link ChunkCache} only where the walk needs bytes.
 *
 * <p>This class is not thread-safe: one read uses it, from one continuation at a time (each
 * continuation starts after the previous one's future completed, which orders their memory effects).
 */
final class SegmentWindow {

    /** Bytes of a v2 batch header up to and including the records count. */
    static final int HEADER_SIZE = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
    private static final int MAGIC_OFFSET = 16;
    private static final int MAX_TIMESTAMP_OFFSET = 35;

    private final ChunkCache chunks;
    private final RemoteSegmentMetadata segment;
    private final String logKey;
    private final Executor executor;
    private final Map<Integer, ByteBuffer> loaded = new HashMap<>();

    /** What the header of a batch says, read before the batch is checked. */
    record BatchHeader(long position, long baseOffset, int sizeInBytes, long lastOffset, long maxTimestamp) {
        long end() {
            return position + sizeInBytes;
        }
    }

    SegmentWindow(ChunkCache chunks, RemoteSegmentMetadata segment, String logKey, Executor executor) {
        this.chunks = chunks;
        this.segment = segment;
        this.logKey = logKey;
        this.executor = executor;
    }

    long size() {
        return segment.segmentSizeInBytes();
    }

    /** Whether bytes {@code [from, to)} are loaded. */
    boolean covers(long from, long to) {
        if (to <= from) {
            return true;
        }
        for (int i = chunks.chunkIndexOf(from); i <= chunks.chunkIndexOf(to - 1); i++) {
            if (!loaded.containsKey(i)) {
                return false;
            }
        }
        return true;
    }

    /** Loads the chunks holding bytes {@code [from, to)} that are not loaded yet, in parallel. */
    CompletableFuture<Void> ensure(long from, long to) {
        if (to <= from) {
            return CompletableFuture.completedFuture(null);
        }
        Map<Integer, CompletableFuture<ByteBuffer>> pending = new HashMap<>();
        for (int i = chunks.chunkIndexOf(from); i <= chunks.chunkIndexOf(to - 1); i++) {
            if (!loaded.containsKey(i)) {
                pending.put(i, chunks.chunk(segment, i));
            }
        }
        return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new))
                .thenRun(() -> pending.forEach((index, chunk) -> loaded.put(index, chunk.join())));
    }

    /**
     * Bytes {@code [from, from + length)}, which must be loaded: a slice of a chunk (not to be written) when
     * they lie in one, else a copy.
     */
    ByteBuffer bytes(long from, int length) {
        int first = chunks.chunkIndexOf(from);
        int chunkSize = chunks.chunkSizeBytes();
        int offsetInChunk = (int) (from - (long) first * chunkSize);
        ByteBuffer chunk = loaded.get(first);
        if (offsetInChunk + length <= chunk.limit()) {
            return chunk.slice(offsetInChunk, length);
        }
        ByteBuffer copy = ByteBuffer.allocate(length);
        long position = from;
        while (copy.hasRemaining()) {
            int index = chunks.chunkIndexOf(position);
            int at = (int) (position - (long) index * chunkSize);
            ByteBuffer source = loaded.get(index);
            int n = Math.min(copy.remaining(), source.limit() - at);
            copy.put(source.slice(at, n));
            position += n;
        }
        return copy.flip();
    }

    /**
     * Walks batch headers from {@code from} (a batch start) and completes with the first header that
     * {@code stop} accepts, or empty at the segment's end. Loads chunks as the walk needs them; the
     * predicate runs on {@code executor} (or the calling thread while no load is needed).
     */
    CompletableFuture<Optional<BatchHeader>> findBatch(long from, Predicate<BatchHeader> stop) {
        long position = from;
        while (position < size()) {
            long headerEnd = Math.min(size(), position + HEADER_SIZE);
            if (!covers(position, headerEnd)) {
                long resumeAt = position;
                return ensure(position, headerEnd).thenComposeAsync(v -> findBatch(resumeAt, stop), executor);
            }
            BatchHeader header = header(position);
            if (stop.test(header)) {
                return CompletableFuture.completedFuture(Optional.of(header));
            }
            position = header.end();
        }
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /** Drops every chunk this read loaded from the cache, so that the next read downloads them again. */
    void invalidateLoaded() {
        loaded.keySet().forEach(index -> chunks.invalidate(segment, index));
    }

    CorruptRecordException corrupt(long position, String problem) {
        return new CorruptRecordException("Corrupt record batch at position " + position + " of " + logKey
                + " (segment " + segment.baseOffset() + ".." + segment.endOffset() + "): " + problem);
    }

    private BatchHeader header(long position) {
        if (position + HEADER_SIZE > size()) {
            throw corrupt(position, "only " + (size() - position) + " bytes left for a batch header");
        }
        ByteBuffer header = bytes(position, HEADER_SIZE);
        long baseOffset = header.getLong(Records.OFFSET_OFFSET);
        int length = header.getInt(Records.SIZE_OFFSET);
        byte magic = header.get(MAGIC_OFFSET);
        if (magic != RecordBatch.MAGIC_VALUE_V2) {
            throw corrupt(position, "magic " + magic + ", expected " + RecordBatch.MAGIC_VALUE_V2);
        }
        long sizeInBytes = (long) length + Records.LOG_OVERHEAD;
        if (sizeInBytes < HEADER_SIZE || position + sizeInBytes > size()) {
            throw corrupt(position, "batch length " + length + " does not fit the segment's " + size() + " bytes");
        }
        long lastOffset = baseOffset + header.getInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET);
        return new BatchHeader(position, baseOffset, (int) sizeInBytes, lastOffset,
                header.getLong(MAX_TIMESTAMP_OFFSET));
    }
}
