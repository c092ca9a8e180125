package io.strata.storage.log;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segments of one partition keyed by base offset. Lookups never lock; the owning
 * {@link PartitionLog} serializes additions and removals under its write lock.
 *
 * <p>This class is thread-safe.
 */
final class LogSegments {

    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

    void add(LogSegment segment) {
        segments.put(segment.baseOffset(), segment);
    }

    void remove(long baseOffset) {
        segments.remove(baseOffset);
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    int numberOfSegments() {
        return segments.size();
    }

    /** The segment a reader of {@code offset} starts with: the one with the greatest base offset at or below it. */
    LogSegment floorSegment(long offset) {
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        return entry == null ? null : entry.getValue();
    }

    /** The segment following the one based at {@code baseOffset}, or null. */
    LogSegment higherSegment(long baseOffset) {
        Map.Entry<Long, LogSegment> entry = segments.higherEntry(baseOffset);
        return entry == null ? null : entry.getValue();
    }

    LogSegment firstSegment() {
        Map.Entry<Long, LogSegment> entry = segments.firstEntry();
        return entry == null ? null : entry.getValue();
    }

    /** The active segment: the one with the greatest base offset. */
    LogSegment activeSegment() {
        Map.Entry<Long, LogSegment> entry = segments.lastEntry();
        return entry == null ? null : entry.getValue();
    }

    /** A stable copy of all segments in base-offset order. */
    List<LogSegment> values() {
        return new ArrayList<>(segments.values());
    }

    /** Segments that may hold offsets in [from, to): from the one holding {@code from} to those based below it. */
    List<LogSegment> values(long from, long to) {
        Long start = segments.floorKey(from);
        if (start != null && start > to) {
            return List.of();
        }
        Collection<LogSegment> range = start == null
                ? segments.headMap(to, false).values()
                : segments.subMap(start, true, to, false).values();
        return new ArrayList<>(range);
    }

    long sizeInBytes() {
        long size = 0;
        for (LogSegment segment : segments.values()) {
            size += segment.size();
        }
        return size;
    }

    void clear() {
        segments.clear();
    }
}
