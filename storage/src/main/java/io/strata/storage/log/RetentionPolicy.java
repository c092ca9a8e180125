package io.strata.storage.log;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides, oldest segment first, whether a segment may be deleted; deletion stops at the first
 * segment a policy keeps (Kafka's retention predicates).
 *
 * <p>Instances are used by one thread under the log's lock; {@link #bySize} is stateful.
 */
interface RetentionPolicy {

    /**
     * @param segment the candidate
     * @param next    the segment after it, or null when the candidate is the active segment
     */
    boolean shouldDelete(LogSegment segment, LogSegment next);

    /**
     * The oldest segments this policy deletes, stopping at the first it keeps. Never the segments
     * holding offsets at or above the high watermark, nor an empty active segment.
     */
    default List<LogSegment> deletableSegments(List<LogSegment> segments, long highWatermark, long logEndOffset) {
        List<LogSegment> deletable = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            LogSegment segment = segments.get(i);
            LogSegment next = i + 1 < segments.size() ? segments.get(i + 1) : null;
            long upperBoundOffset = next != null ? next.baseOffset() : logEndOffset;
            boolean lastAndEmpty = next == null && segment.size() == 0;
            if (lastAndEmpty || highWatermark < upperBoundOffset || !shouldDelete(segment, next)) {
                break;
            }
            deletable.add(segment);
        }
        return deletable;
    }

    /**
     * {@code policy}, restricted to segments wholly in the remote tier (last offset at or below
     * {@code highestOffsetInRemoteStorage}): a tiered log deletes nothing locally before it is uploaded.
     */
    static RetentionPolicy uploaded(long highestOffsetInRemoteStorage, RetentionPolicy policy) {
        return new RetentionPolicy() {
            @Override
            public boolean shouldDelete(LogSegment segment, LogSegment next) {
                return next != null && next.baseOffset() - 1 <= highestOffsetInRemoteStorage
                        && policy.shouldDelete(segment, next);
            }

            @Override
            public String toString() {
                return "local " + policy + ", uploaded up to offset " + highestOffsetInRemoteStorage;
            }
        };
    }

    /** Segments wholly below the log start offset (after DeleteRecords or a checkpointed start). */
    static RetentionPolicy belowLogStartOffset(long logStartOffset) {
        return new RetentionPolicy() {
            @Override
            public boolean shouldDelete(LogSegment segment, LogSegment next) {
                return next != null && next.baseOffset() <= logStartOffset;
            }

            @Override
            public String toString() {
                return "below log start offset " + logStartOffset;
            }
        };
    }

    /** Oldest segments while the log stays at or above retention.bytes without them. */
    static RetentionPolicy bySize(long logSize, long retentionBytes) {
        return new RetentionPolicy() {
            private long excess = logSize - retentionBytes;

            @Override
            public boolean shouldDelete(LogSegment segment, LogSegment next) {
                if (excess - segment.size() >= 0) {
                    excess -= segment.size();
                    return true;
                }
                return false;
            }

            @Override
            public String toString() {
                return "retention.bytes " + retentionBytes + " breached by a log of " + logSize + " bytes";
            }
        };
    }

    /** Segments whose newest record (or, without timestamps, last modification) is older than retention.ms. */
    static RetentionPolicy byTime(long nowMs, long retentionMs) {
        return new RetentionPolicy() {
            @Override
            public boolean shouldDelete(LogSegment segment, LogSegment next) {
                return nowMs - segment.largestTimestamp() > retentionMs;
            }

            @Override
            public String toString() {
                return "retention.ms " + retentionMs + " breached";
            }
        };
    }
}
