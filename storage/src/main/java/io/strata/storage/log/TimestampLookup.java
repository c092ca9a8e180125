package io.strata.storage.log;

import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * ListOffsets lookups of one partition log, with Kafka's answers for a log without a remote tier
 * ({@code UnifiedLog.fetchOffsetByTimestamp}): earliest and earliest-local give the log start
 * offset, latest the log end offset, latest-tiered and earliest-pending-upload offset -1 with
 * epoch -1, max-timestamp the first record carrying the largest timestamp, and a timestamp the
 * first record at or after it (searching from the first segment whose largest timestamp reaches it).
 *
 * <p>This class is stateless and thread-safe; it reads segments without locking.
 */
final class TimestampLookup {

    private TimestampLookup() {
    }

    static Optional<TimestampAndOffset> lookup(long timestampOrSpecial, LogSegments segments,
                                               LeaderEpochCache leaderEpochCache, long logStartOffset,
                                               LogOffsetMetadata end) {
        if (timestampOrSpecial == PartitionLog.EARLIEST_TIMESTAMP
                || timestampOrSpecial == PartitionLog.EARLIEST_LOCAL_TIMESTAMP) {
            Optional<Integer> epoch = leaderEpochCache.earliestEntry()
                    .filter(entry -> entry.startOffset() <= logStartOffset)
                    .map(entry -> entry.epoch());
            return Optional.of(new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, logStartOffset, epoch));
        }
        if (timestampOrSpecial == PartitionLog.LATEST_TIMESTAMP) {
            OptionalInt epoch = leaderEpochCache.latestEpoch();
            return Optional.of(new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, end.messageOffset(),
                    epoch.isPresent() ? Optional.of(epoch.getAsInt()) : Optional.empty()));
        }
        if (timestampOrSpecial == PartitionLog.LATEST_TIERED_TIMESTAMP
                || timestampOrSpecial == PartitionLog.EARLIEST_PENDING_UPLOAD_TIMESTAMP) {
            return Optional.of(new TimestampAndOffset(RecordBatch.NO_TIMESTAMP, -1L,
                    Optional.of(RecordBatch.NO_PARTITION_LEADER_EPOCH)));
        }
        if (timestampOrSpecial == PartitionLog.MAX_TIMESTAMP) {
            return maxTimestamp(segments, end);
        }
        for (LogSegment segment : segments.values()) {
            if (segment.largestTimestamp() >= timestampOrSpecial) {
                return segment.findOffsetByTimestamp(timestampOrSpecial, logStartOffset);
            }
        }
        return Optional.empty();
    }

    /**
     * The first record carrying the largest timestamp: the segment with the largest timestamp (the
     * earliest on ties), then the first batch there whose max timestamp it is, then its first record
     * with that timestamp.
     */
    private static Optional<TimestampAndOffset> maxTimestamp(LogSegments segments, LogOffsetMetadata end) {
        LogSegment latest = null;
        for (LogSegment segment : segments.values()) {
            if (latest == null || segment.maxTimestampSoFar() > latest.maxTimestampSoFar()) {
                latest = segment;
            }
        }
        if (latest == null || latest.maxTimestampSoFar() == RecordBatch.NO_TIMESTAMP) {
            return Optional.empty();
        }
        long maxTimestamp = latest.maxTimestampSoFar();
        long maxPosition = PartitionLog.maxPosition(latest, end);
        SegmentRead read = maxPosition < 0 ? null
                : latest.read(latest.offsetOfMaxTimestampSoFar(), Integer.MAX_VALUE, maxPosition, true);
        if (read == null) {
            return Optional.empty();
        }
        for (RecordBatch batch : read.records().batches()) {
            if (batch.maxTimestamp() == maxTimestamp) {
                Optional<Integer> epoch = batch.partitionLeaderEpoch() >= 0
                        ? Optional.of(batch.partitionLeaderEpoch()) : Optional.empty();
                return batch.offsetOfMaxTimestamp().map(offset -> new TimestampAndOffset(maxTimestamp, offset, epoch));
            }
        }
        return Optional.empty();
    }
}
