package io.strata.tiering.metadata;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The remote log of one partition, in memory: its uploaded segments by base offset, as the bucket's
 * metadata objects say. Readers look up without locking; the partition's upload task is the only
 * writer.
 *
 * <p>This class is thread-safe.
 */
public final class RemoteLogSegments {

    private final ConcurrentSkipListMap<Long, RemoteSegmentMetadata> segments = new ConcurrentSkipListMap<>();

    /**
     * Adds a segment. Of two published uploads with the same base offset (a failed upload whose
     * clean-up failed too, found at load) the one reaching further is kept; the other is returned so
     * that its objects can be deleted.
     *
     * @return a segment this one replaces, or null
     */
    public RemoteSegmentMetadata add(RemoteSegmentMetadata segment) {
        RemoteSegmentMetadata previous = segments.get(segment.baseOffset());
        if (previous != null && previous.endOffset() > segment.endOffset()) {
            return segment;
        }
        segments.put(segment.baseOffset(), segment);
        return previous;
    }

    public void remove(RemoteSegmentMetadata segment) {
        segments.remove(segment.baseOffset(), segment);
    }

    /** The segment holding {@code offset}, or null. */
    public RemoteSegmentMetadata segmentFor(long offset) {
        Map.Entry<Long, RemoteSegmentMetadata> floor = segments.floorEntry(offset);
        if (floor == null || floor.getValue().endOffset() < offset) {
            // A gap (offsets deleted before the upload): the next segment holds the next offsets.
            Map.Entry<Long, RemoteSegmentMetadata> higher = segments.higherEntry(offset);
            return higher == null ? null : higher.getValue();
        }
        return floor.getValue();
    }

    /** The segment after {@code segment}, or null. */
    public RemoteSegmentMetadata next(RemoteSegmentMetadata segment) {
        Map.Entry<Long, RemoteSegmentMetadata> higher = segments.higherEntry(segment.baseOffset());
        return higher == null ? null : higher.getValue();
    }

    /** All segments, oldest first (a snapshot). */
    public List<RemoteSegmentMetadata> all() {
        return List.copyOf(segments.values());
    }

    /** The first remote offset, if any segment exists. */
    public OptionalLong logStartOffset() {
        Map.Entry<Long, RemoteSegmentMetadata> first = segments.firstEntry();
        return first == null ? OptionalLong.empty() : OptionalLong.of(first.getKey());
    }

    /** The last remote offset, or -1. */
    public long highestOffset() {
        Map.Entry<Long, RemoteSegmentMetadata> last = segments.lastEntry();
        return last == null ? -1L : last.getValue().endOffset();
    }

    public long sizeInBytes() {
        long size = 0;
        for (RemoteSegmentMetadata segment : segments.values()) {
            size += segment.segmentSizeInBytes();
        }
        return size;
    }

    public int count() {
        return segments.size();
    }
}
