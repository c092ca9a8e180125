package io.strata.tiering.metadata;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * What the bucket knows of one uploaded segment (Kafka's {@code RemoteLogSegmentMetadata}). Written
 * as its own object after every data object of the segment is complete, so a segment is visible
 * exactly when all of it is readable.
 *
 * @param topicId             the topic's id
 * @param topicPartition      topic name and partition
 * @param segmentId           unique per upload attempt: every object of the attempt carries it in its key
 * @param baseOffset          the first offset the segment may hold
 * @param endOffset           the last offset the segment holds (inclusive)
 * @param maxTimestamp        the largest batch timestamp in the segment (-1 without timestamps)
 * @param segmentSizeInBytes  size of the {@code .log} object
 * @param uploadedMs          when the upload finished (broker clock)
 * @param segmentLeaderEpochs leader epoch to its first offset within the segment
 * @param hasProducerSnapshot whether a {@code .snapshot} object was uploaded
 */
public record RemoteSegmentMetadata(
        Uuid topicId,
        TopicPartition topicPartition,
        Uuid segmentId,
        long baseOffset,
        long endOffset,
        long maxTimestamp,
        int segmentSizeInBytes,
        long uploadedMs,
        NavigableMap<Integer, Long> segmentLeaderEpochs,
        boolean hasProducerSnapshot) {

    public RemoteSegmentMetadata {
        Objects.requireNonNull(topicId, "topicId");
        Objects.requireNonNull(topicPartition, "topicPartition");
        Objects.requireNonNull(segmentId, "segmentId");
        if (baseOffset < 0 || endOffset < baseOffset) {
            throw new IllegalArgumentException("Invalid offsets " + baseOffset + ".." + endOffset);
        }
        if (segmentSizeInBytes < 0) {
            throw new IllegalArgumentException("Negative segment size " + segmentSizeInBytes);
        }
        segmentLeaderEpochs = Collections.unmodifiableNavigableMap(new TreeMap<>(segmentLeaderEpochs));
    }

    /** The offset after the segment's last. */
    public long nextOffset() {
        return endOffset + 1;
    }
}
