package io.strata.tiering.metadata;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The bucket layout, in one place. Under the configured prefix:
 *
 * <pre>
 * {prefix}{topic}-{topicId}/topic.properties                                   topic id, partitions, configs
 * {prefix}{topic}-{topicId}/{partition}/segments/{baseOffset:%020d}-{segmentId}.log|.index|.timeindex|...
 * {prefix}{topic}-{topicId}/{partition}/metadata/{baseOffset:%020d}-{segmentId}.segment   written last
 * {prefix}{topic}-{topicId}/{partition}/log-start-offset                       after DeleteRecords
 * </pre>
 *
 * The segment id makes every upload attempt a distinct set of objects, so a retried upload never
 * overwrites a complete one, and a listing of {@code metadata/} is the partition's remote log.
 *
 * <p>This class is immutable and thread-safe.
 */
public final class ObjectKeys {

    public static final String METADATA_SUFFIX = ".segment";
    public static final String TOPIC_FILE = "topic.properties";
    public static final String LOG_START_OFFSET_FILE = "log-start-offset";

    private final String prefix;

    /** @param prefix prepended to every key; empty, or ending with '/' (added if missing) */
    public ObjectKeys(String prefix) {
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    public String prefix() {
        return prefix;
    }

    /** {@code {prefix}{topic}-{topicId}/} */
    public String topicPrefix(String topic, Uuid topicId) {
        return prefix + topic + "-" + topicId + "/";
    }

    public String topicFile(String topic, Uuid topicId) {
        return topicPrefix(topic, topicId) + TOPIC_FILE;
    }

    /** {@code {prefix}{topic}-{topicId}/{partition}/} */
    public String partitionPrefix(TopicPartition tp, Uuid topicId) {
        return topicPrefix(tp.topic(), topicId) + tp.partition() + "/";
    }

    public String segmentsPrefix(TopicPartition tp, Uuid topicId) {
        return partitionPrefix(tp, topicId) + "segments/";
    }

    public String metadataPrefix(TopicPartition tp, Uuid topicId) {
        return partitionPrefix(tp, topicId) + "metadata/";
    }

    public String logStartOffsetFile(TopicPartition tp, Uuid topicId) {
        return partitionPrefix(tp, topicId) + LOG_START_OFFSET_FILE;
    }

    /** The object of one file of an uploaded segment. */
    public String segmentObject(RemoteSegmentMetadata segment, RemoteFileType type) {
        return segmentsPrefix(segment.topicPartition(), segment.topicId())
                + segmentFileName(segment.baseOffset(), segment.segmentId()) + type.suffix();
    }

    /** The metadata object of an uploaded segment. */
    public String metadataObject(RemoteSegmentMetadata segment) {
        return metadataPrefix(segment.topicPartition(), segment.topicId())
                + segmentFileName(segment.baseOffset(), segment.segmentId()) + METADATA_SUFFIX;
    }

    /** {@code {baseOffset:%020d}-{segmentId}} */
    public static String segmentFileName(long baseOffset, Uuid segmentId) {
        return String.format("%020d-%s", baseOffset, segmentId);
    }

    /**
     * The segment id in an object name made by {@link #segmentFileName} (with any suffix), or null
     * if the name is not one.
     */
    public static Uuid segmentIdOf(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        int dash = name.indexOf('-');
        int dot = name.indexOf('.', dash + 1);
        if (dash != 20 || dot < 0) {
            return null;
        }
        try {
            return Uuid.fromString(name.substring(dash + 1, dot));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
