package io.strata.storage.log;

import io.strata.storage.file.LeaderEpochCheckpointFile.EpochEntry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * A sealed (no longer active) segment ready for the remote tier: its files and what the remote
 * metadata needs. The files are those of the live segment; a segment deleted locally while being
 * read makes the reader fail and the upload retry (by then it is no longer a candidate).
 *
 * @param topicPartition       the partition
 * @param topicId              the topic id
 * @param baseOffset           the segment's base offset
 * @param nextOffset           the base offset of the following segment (one past the last offset)
 * @param maxTimestamp         largest batch timestamp in the segment (-1 without timestamps)
 * @param sizeInBytes          size of the {@code .log} file
 * @param logFile              the {@code .log} file
 * @param offsetIndexFile      the {@code .index} file (trimmed at roll)
 * @param timeIndexFile        the {@code .timeindex} file (trimmed at roll)
 * @param producerSnapshotFile the producer-state snapshot taken at {@code nextOffset}, if it exists
 * @param leaderEpochs         the leader epochs in effect within the segment, the first starting at or
 *                             before {@code baseOffset} (clamped to it)
 */
public record SealedSegment(
        TopicPartition topicPartition,
        Uuid topicId,
        long baseOffset,
        long nextOffset,
        long maxTimestamp,
        int sizeInBytes,
        Path logFile,
        Path offsetIndexFile,
        Path timeIndexFile,
        Optional<Path> producerSnapshotFile,
        List<EpochEntry> leaderEpochs) {

    public SealedSegment {
        leaderEpochs = List.copyOf(leaderEpochs);
    }

    /** The last offset the segment covers. */
    public long endOffset() {
        return nextOffset - 1;
    }
}
