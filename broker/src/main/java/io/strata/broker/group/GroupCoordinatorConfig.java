package io.strata.broker.group;

import io.strata.broker.config.BrokerConfig;

/**
 * The group coordinator's settings, Apache Kafka's broker configs of the same names.
 *
 * @param offsetsTopicNumPartitions       offsets.topic.num.partitions: partitions of a new {@code __consumer_offsets}
 * @param offsetsTopicSegmentBytes        offsets.topic.segment.bytes: its segment size, and how much a partition
 *                                        grows before its live state is rewritten
 * @param offsetsRetentionMs              how long unused committed offsets are kept
 * @param offsetsRetentionCheckIntervalMs offsets.retention.check.interval.ms
 * @param offsetMetadataMaxBytes          offset.metadata.max.bytes
 * @param initialRebalanceDelayMs         group.initial.rebalance.delay.ms
 * @param minSessionTimeoutMs             group.min.session.timeout.ms
 * @param maxSessionTimeoutMs             group.max.session.timeout.ms
 * @param maxSize                         group.max.size
 * @param newMemberJoinTimeoutMs          how long a new member's JoinGroup may wait for the rebalance before the
 *                                        member is dropped (Kafka's fixed 5 minutes)
 *
 * <p>This record is immutable and thread-safe.
 */
public record GroupCoordinatorConfig(int offsetsTopicNumPartitions, int offsetsTopicSegmentBytes,
                                     long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs,
                                     int offsetMetadataMaxBytes, int initialRebalanceDelayMs,
                                     int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxSize,
                                     int newMemberJoinTimeoutMs) {

    /** Kafka's {@code group.coordinator.new.member.join.timeout.ms}, not configurable there either. */
    public static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

    public GroupCoordinatorConfig {
        if (offsetsTopicNumPartitions < 1 || offsetsTopicSegmentBytes < 1 || offsetsRetentionMs < 1
                || offsetsRetentionCheckIntervalMs < 1 || initialRebalanceDelayMs < 0 || maxSize < 1
                || maxSessionTimeoutMs < minSessionTimeoutMs || newMemberJoinTimeoutMs < 1) {
            throw new IllegalArgumentException("Invalid group coordinator config: " + offsetsTopicNumPartitions + ", "
                    + offsetsTopicSegmentBytes + ", " + offsetsRetentionMs + ", " + offsetsRetentionCheckIntervalMs
                    + ", " + initialRebalanceDelayMs + ", " + minSessionTimeoutMs + ".." + maxSessionTimeoutMs
                    + ", " + maxSize + ", " + newMemberJoinTimeoutMs);
        }
    }

    /** The coordinator settings of a broker. */
    public static GroupCoordinatorConfig from(BrokerConfig config) {
        return new GroupCoordinatorConfig(config.offsetsTopicNumPartitions(), config.offsetsTopicSegmentBytes(),
                config.offsetsRetentionMs(), config.offsetsRetentionCheckIntervalMs(),
                config.offsetMetadataMaxBytes(), config.groupInitialRebalanceDelayMs(),
                config.groupMinSessionTimeoutMs(), config.groupMaxSessionTimeoutMs(), config.groupMaxSize(),
                NEW_MEMBER_JOIN_TIMEOUT_MS);
    }
}
