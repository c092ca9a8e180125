package io.strata.broker.group;

import io.strata.broker.group.OffsetsTopicRecords.Entry;
import io.strata.broker.group.OffsetsTopicRecords.GroupTombstone;
import io.strata.broker.group.OffsetsTopicRecords.OffsetCommit;
import io.strata.broker.group.OffsetsTopicRecords.OffsetTombstone;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets, Kafka's rules: who may commit (a member of the current generation, or anyone
 * while the group has no members), the metadata size limit, fetching (nothing for an unknown group),
 * deleting a partition's offsets (not while the group consumes its topic), expiry after
 * {@code offsets.retention} and the removal of a deleted topic's offsets. Offsets live in the
 * {@link OffsetsPartition} of their group.
 *
 * <p>This class is not thread-safe: every method runs on the {@code group-coordinator} thread.
 */
final class OffsetStore {

    private static final Logger log = LoggerFactory.getLogger(OffsetStore.class);

    private final GroupCoordinatorConfig config;
    private final Time time;
    private final Map<String, ClassicGroup> groups;
    private final GroupMembership membership;

    OffsetStore(GroupCoordinatorConfig config, Time time, Map<String, ClassicGroup> groups,
                GroupMembership membership) {
        this.config = config;
        this.time = time;
        this.groups = groups;
        this.membership = membership;
    }

    /**
     * Commits the offsets of {@code request} (whose topics all exist) to {@code partition}, the
     * group's partition, which is ACTIVE.
     *
     * @return each partition's error, once the commit is durable
     */
    CompletableFuture<Map<TopicPartition, Errors>> commit(OffsetsPartition partition, OffsetCommitRequestData request) {
        String groupId = request.groupId();
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        ClassicGroup group = groups.get(groupId);
        Errors error;
        if (group == null) {
            if (request.generationIdOrMemberEpoch() < 0) {
                // Kafka's "simple" group: a standalone consumer or an admin client committing offsets.
                group = new ClassicGroup(groupId, GroupState.EMPTY, time);
                groups.put(groupId, group);
                error = Errors.NONE;
            } else {
                error = Errors.ILLEGAL_GENERATION;
            }
        } else {
            error = validateCommit(group, request.memberId(), request.groupInstanceId(),
                    request.generationIdOrMemberEpoch());
        }
        if (error != Errors.NONE) {
            forEachPartition(request, tp -> results.put(tp, error));
            return CompletableFuture.completedFuture(results);
        }
        if (group.isInState(GroupState.STABLE) || group.isInState(GroupState.PREPARING_REBALANCE)) {
            // A commit keeps the member's session alive, as a heartbeat does.
            membership.rescheduleHeartbeat(group, group.member(request.memberId()));
        }
        long nowMs = time.milliseconds();
        long expireTimestampMs = request.retentionTimeMs() == OffsetCommitRequest.DEFAULT_RETENTION_TIME
                ? CommittedOffset.NONE : nowMs + request.retentionTimeMs();
        List<Entry> entries = new ArrayList<>();
        for (OffsetCommitRequestTopic topic : request.topics()) {
            for (OffsetCommitRequestPartition requested : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), requested.partitionIndex());
                String metadata = requested.committedMetadata() == null ? "" : requested.committedMetadata();
                if (metadata.length() > config.offsetMetadataMaxBytes()) {
                    results.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
                    continue;
                }
                results.put(tp, Errors.NONE);
                entries.add(new OffsetCommit(groupId, tp, new CommittedOffset(requested.committedOffset(),
                        requested.committedLeaderEpoch(), metadata, nowMs, expireTimestampMs)));
            }
        }
        if (entries.isEmpty()) {
            return CompletableFuture.completedFuture(results);
        }
        return partition.write(entries).handle((done, failure) -> {
            if (failure != null) {
                Errors writeError = commitErrorToResponseError(failure);
                log.debug("Offset commit of group {} failed: {}", groupId, failure.toString());
                for (Entry entry : entries) {
                    results.put(((OffsetCommit) entry).topicPartition(), writeError);
                }
            }
            return results;
        });
    }

    /** Kafka's ClassicGroup.validateOffsetCommit, for a commit outside a transaction. */
    private static Errors validateCommit(ClassicGroup group, String memberId, String groupInstanceId, int generationId) {
        if (group.isInState(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generationId < 0 && group.isInState(GroupState.EMPTY)) {
            return Errors.NONE;
        }
        if (generationId >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            Errors error = group.validateMember(memberId, groupInstanceId);
            if (error != Errors.NONE) {
                return error;
            }
            if (generationId != group.generationId()) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!group.isInState(GroupState.EMPTY)) {
            // Commits without a member are only accepted while the group has no members.
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.isInState(GroupState.COMPLETING_REBALANCE)) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        return Errors.NONE;
    }

    private static Errors commitErrorToResponseError(Throwable failure) {
        Errors error = Errors.forException(Errors.maybeUnwrapException(failure));
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            default -> error;
        };
    }

    /**
     * The committed offsets of {@code groupId} for {@code topics} (null: every partition the group
     * has offsets for), -1 for a partition without one; an unknown group has none.
     */
    OffsetFetchResponseGroup fetch(OffsetsPartition partition, String groupId, List<OffsetFetchRequestTopics> topics) {
        ClassicGroup group = groups.get(groupId);
        Map<TopicPartition, CommittedOffset> offsets = group == null || group.isInState(GroupState.DEAD)
                ? Map.of() : partition.state().offsets(groupId);
        OffsetFetchResponseGroup response = new OffsetFetchResponseGroup().setGroupId(groupId);
        if (topics == null) {
            Map<String, OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
            offsets.forEach((tp, offset) -> byTopic.computeIfAbsent(tp.topic(),
                            name -> new OffsetFetchResponseTopics().setName(name))
                    .partitions().add(fetched(tp.partition(), offset)));
            response.setTopics(new ArrayList<>(byTopic.values()));
            return response;
        }
        for (OffsetFetchRequestTopics topic : topics) {
            OffsetFetchResponseTopics topicResponse = new OffsetFetchResponseTopics().setName(topic.name());
            for (int partitionIndex : topic.partitionIndexes()) {
                topicResponse.partitions().add(fetched(partitionIndex,
                        offsets.get(new TopicPartition(topic.name(), partitionIndex))));
            }
            response.topics().add(topicResponse);
        }
        return response;
    }

    private static OffsetFetchResponsePartitions fetched(int partitionIndex, CommittedOffset offset) {
        OffsetFetchResponsePartitions partition = new OffsetFetchResponsePartitions().setPartitionIndex(partitionIndex);
        if (offset == null) {
            return partition.setCommittedOffset(OffsetFetchResponse.INVALID_OFFSET)
                    .setCommittedLeaderEpoch(-1)
                    .setMetadata(OffsetFetchResponse.NO_METADATA);
        }
        return partition.setCommittedOffset(offset.offset())
                .setCommittedLeaderEpoch(offset.leaderEpoch())
                .setMetadata(offset.metadata());
    }

    /**
     * Deletes the offsets of {@code topics} (whose topics exist) for a group that exists in
     * {@code partition}; a topic the group consumes is refused with GROUP_SUBSCRIBED_TO_TOPIC.
     *
     * @return each partition's error once the deletion is durable; fails with the group-level error
     */
    CompletableFuture<Map<TopicPartition, Errors>> deleteOffsets(OffsetsPartition partition, ClassicGroup group,
                                                                 List<OffsetDeleteRequestTopic> topics) {
        switch (group.state()) {
            case DEAD -> {
                return CompletableFuture.failedFuture(Errors.GROUP_ID_NOT_FOUND.exception());
            }
            case STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE -> {
                if (!group.usesConsumerProtocol()) {
                    return CompletableFuture.failedFuture(Errors.NON_EMPTY_GROUP.exception());
                }
            }
            default -> {
            }
        }
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        Map<TopicPartition, CommittedOffset> offsets = partition.state().offsets(group.groupId());
        List<Entry> tombstones = new ArrayList<>();
        for (OffsetDeleteRequestTopic topic : topics) {
            boolean subscribed = group.isSubscribedToTopic(topic.name());
            topic.partitions().forEach(requested -> {
                TopicPartition tp = new TopicPartition(topic.name(), requested.partitionIndex());
                results.put(tp, subscribed ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE);
                if (!subscribed && offsets.containsKey(tp)) {
                    tombstones.add(new OffsetTombstone(group.groupId(), tp));
                }
            });
        }
        return partition.write(tombstones).thenApply(done -> results);
    }

    /** The records that delete every offset of {@code groupId}, then the group itself. */
    static List<Entry> groupDeletion(OffsetsPartition partition, String groupId) {
        List<Entry> tombstones = new ArrayList<>();
        partition.state().offsets(groupId).keySet().forEach(tp -> tombstones.add(new OffsetTombstone(groupId, tp)));
        tombstones.add(new GroupTombstone(groupId));
        return tombstones;
    }

    /** Deletes the offsets of every group of {@code partition} for the partitions of topics that no longer exist. */
    void removeOffsetsOfDeletedTopics(OffsetsPartition partition, Predicate<String> topicExists) {
        List<Entry> tombstones = new ArrayList<>();
        PartitionState state = partition.state();
        for (String groupId : state.groupIds()) {
            state.offsets(groupId).keySet().stream()
                    .filter(tp -> !topicExists.test(tp.topic()))
                    .forEach(tp -> tombstones.add(new OffsetTombstone(groupId, tp)));
        }
        if (!tombstones.isEmpty()) {
            log.info("Deleting {} committed offset(s) of deleted topics from {}", tombstones.size(),
                    partition.topicPartition());
            partition.write(tombstones).exceptionally(failure -> null);
        }
    }

    /**
     * Kafka's offset expiry for the groups of {@code partition}: deletes the expired offsets, and an
     * Empty group left without offsets. Returns the groups removed.
     */
    List<ClassicGroup> expire(OffsetsPartition partition, List<ClassicGroup> partitionGroups) {
        long nowMs = time.milliseconds();
        List<Entry> tombstones = new ArrayList<>();
        List<ClassicGroup> removed = new ArrayList<>();
        for (ClassicGroup group : partitionGroups) {
            Map<TopicPartition, CommittedOffset> offsets = partition.state().offsets(group.groupId());
            boolean allExpired = expireGroupOffsets(group, offsets, nowMs, tombstones);
            if (allExpired && group.isInState(GroupState.EMPTY)) {
                if (partition.state().storedGroup(group.groupId()) != null || !offsets.isEmpty()) {
                    tombstones.add(new GroupTombstone(group.groupId()));
                }
                removed.add(group);
            }
        }
        if (!tombstones.isEmpty()) {
            log.info("Removing {} expired offset and group record(s) from {}", tombstones.size(),
                    partition.topicPartition());
            partition.write(tombstones).exceptionally(failure -> null);
        }
        return removed;
    }

    /** Adds the tombstones of {@code group}'s expired offsets; true when all its offsets expired (or it has none). */
    private boolean expireGroupOffsets(ClassicGroup group, Map<TopicPartition, CommittedOffset> offsets, long nowMs,
                                       List<Entry> tombstones) {
        if (offsets.isEmpty()) {
            return true;
        }
        boolean emptyWithProtocol = group.protocolType() != null && group.isInState(GroupState.EMPTY);
        boolean stableConsumerGroup = group.protocolType() != null && group.usesConsumerProtocol()
                && group.subscribedTopics() != null && group.isInState(GroupState.STABLE);
        if (group.protocolType() != null && !emptyWithProtocol && !stableConsumerGroup) {
            return false;
        }
        Map<TopicPartition, Entry> expired = new HashMap<>();
        offsets.forEach((tp, offset) -> {
            if (group.isSubscribedToTopic(tp.topic())) {
                return;
            }
            long base = emptyWithProtocol && group.currentStateTimestampMs() >= 0
                    ? group.currentStateTimestampMs() : offset.commitTimestampMs();
            boolean isExpired = offset.hasExpireTimestamp()
                    ? nowMs >= offset.expireTimestampMs()
                    : nowMs - base >= config.offsetsRetentionMs();
            if (isExpired) {
                expired.put(tp, new OffsetTombstone(group.groupId(), tp));
            }
        });
        tombstones.addAll(expired.values());
        return expired.size() == offsets.size();
    }

    private static void forEachPartition(OffsetCommitRequestData request, Consumer<TopicPartition> action) {
        for (OffsetCommitRequestTopic topic : request.topics()) {
            for (OffsetCommitRequestPartition partition : topic.partitions()) {
                action.accept(new TopicPartition(topic.name(), partition.partitionIndex()));
            }
        }
    }
}
