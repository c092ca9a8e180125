package io.strata.broker.group;

import io.netty.util.Timer;
import io.strata.broker.config.TopicConfigs;
import io.strata.broker.dispatch.StorageExecutors;
import io.strata.broker.group.OffsetsPartition.Status;
import io.strata.broker.group.OffsetsTopicRecords.Entry;
import io.strata.broker.group.OffsetsTopicRecords.GroupMetadata;
import io.strata.broker.metadata.TopicMetadata;
import io.strata.broker.metadata.TopicRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's group coordinator: classic consumer groups and committed offsets, the state Kafka's
 * {@code GroupCoordinator} keeps, stored in the internal topic {@code __consumer_offsets}. A group
 * belongs to partition {@code abs(groupId.hashCode()) % partitions} of that topic, which this broker
 * leads, like every partition.
 *
 * <p>The topic is created on first use (FindCoordinator or any group request), so that a broker
 * that never sees a group starts and stays without it. At {@link #startup} the partitions of an
 * existing topic are loaded in the background; until a partition is loaded, its groups answer
 * COORDINATOR_LOAD_IN_PROGRESS (or what Kafka answers instead for that API).
 *
 * <p>Threads: every public method may be called from any thread (the Netty event loops) and returns
 * at once; the work runs on the single {@code group-coordinator} thread, which owns all group and
 * offset state, so no locks guard it. Log appends and loads run on the partition's storage thread;
 * their completions come back to the coordinator thread. Timeouts (sessions, rebalances, offset
 * expiry) come from a Netty timer and also run on the coordinator thread. Futures complete on the
 * coordinator thread.
 *
 * <p>This class is thread-safe.
 */
public final class GroupCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    /** Every operation on a group (READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS), as without an authorizer. */
    static final int ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8) | (1 << 10) | (1 << 11);

    private final GroupCoordinatorConfig config;
    private final TopicRegistry topics;
    private final StorageExecutors storage;
    private final Time time;
    private final ExecutorService thread;
    private final CoordinatorTimer timer;
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final GroupMembership membership;
    private final OffsetStore offsetStore;
    /** The partitions of __consumer_offsets; null until the topic exists. Coordinator thread only. */
    private OffsetsPartition[] partitions;
    /** The creation of the topic in progress, if any. Coordinator thread only. */
    private CompletableFuture<Void> creation;

    GroupCoordinator(GroupCoordinatorConfig config, TopicRegistry topics, StorageExecutors storage, Time time,
                     Timer timer, ExecutorService thread) {
        this.config = config;
        this.topics = topics;
        this.storage = storage;
        this.time = time;
        this.thread = thread;
        this.timer = new CoordinatorTimer(timer, thread);
        this.membership = new GroupMembership(config, time, this.timer, groups, this::storeGroup);
        this.offsetStore = new OffsetStore(config, time, groups, membership);
    }

    /** A coordinator with its own {@code group-coordinator} thread; {@code timer} drives its timeouts. */
    public static GroupCoordinator create(GroupCoordinatorConfig config, TopicRegistry topics, StorageExecutors storage,
                                          Time time, Timer timer) {
        ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread coordinatorThread = new Thread(runnable, "group-coordinator");
            coordinatorThread.setDaemon(true);
            return coordinatorThread;
        });
        return new GroupCoordinator(config, topics, storage, time, timer, thread);
    }

    /** Starts loading an existing {@code __consumer_offsets} in the background, and the offset expiry task. */
    public void startup() {
        run(() -> {
            topics.topic(Topic.GROUP_METADATA_TOPIC_NAME).ifPresent(existing -> loadPartitions(existing.partitions()));
            scheduleOffsetExpiry();
            return null;
        });
    }

    /** The partition of {@code __consumer_offsets} that holds {@code groupId}. */
    public int partitionFor(String groupId) {
        return Utils.abs(groupId.hashCode()) % partitionCount();
    }

    private int partitionCount() {
        OffsetsPartition[] current = partitions;
        return current != null ? current.length : config.offsetsTopicNumPartitions();
    }

    /**
     * Completes once {@code __consumer_offsets} exists, creating it if needed (FindCoordinator for a
     * group); fails with CoordinatorNotAvailableException when it cannot be created.
     */
    public CompletableFuture<Void> ensureOffsetsTopic() {
        return call(this::offsetsTopic);
    }

    // ------------------------------------------------------------------ membership

    /** JoinGroup; the answer may come much later, when the rebalance completes. */
    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, short version,
                                                              String clientId, String clientHost) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(GroupResponses.joinError(request.memberId(), Errors.INVALID_GROUP_ID));
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return CompletableFuture.completedFuture(
                    GroupResponses.joinError(request.memberId(), Errors.INVALID_SESSION_TIMEOUT));
        }
        return onGroupPartition(request.groupId(), partition -> {
            CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
            membership.join(request, version, clientId, clientHost, response);
            return response;
        }, error -> GroupResponses.joinError(request.memberId(), error));
    }

    /** SyncGroup; the followers' answers come when the leader's assignment is stored. */
    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(GroupResponses.syncError(Errors.INVALID_GROUP_ID));
        }
        return onGroupPartition(request.groupId(), partition -> {
            CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
            membership.sync(request, response);
            return response;
        }, error -> GroupResponses.syncError(
                // The rebalance state is lost while loading: the member must rejoin (Kafka's answer).
                error == Errors.COORDINATOR_LOAD_IN_PROGRESS ? Errors.REBALANCE_IN_PROGRESS : error));
    }

    public CompletableFuture<Errors> heartbeat(HeartbeatRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(Errors.INVALID_GROUP_ID);
        }
        return onGroupPartition(request.groupId(), partition -> CompletableFuture.completedFuture(
                membership.heartbeat(request.groupId(), request.memberId(), request.groupInstanceId(),
                        request.generationId())),
                // While loading, Kafka answers heartbeats blindly.
                error -> error == Errors.COORDINATOR_LOAD_IN_PROGRESS ? Errors.NONE : error);
    }

    /** LeaveGroup of one or more members; the answer's top-level error is set when the whole request fails. */
    public CompletableFuture<LeaveGroupResponseData> leaveGroup(String groupId, List<MemberIdentity> members) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(new LeaveGroupResponseData()
                    .setErrorCode(Errors.INVALID_GROUP_ID.code()));
        }
        return onGroupPartition(groupId, partition -> {
            List<LeaveGroupResponseData.MemberResponse> responses;
            try {
                responses = membership.leave(groupId, members);
            } catch (ApiException e) {
                return CompletableFuture.completedFuture(new LeaveGroupResponseData()
                        .setErrorCode(Errors.forException(e).code()));
            }
            LeaveGroupResponseData response = responses == null
                    ? new LeaveGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code())
                    : new LeaveGroupResponseData().setMembers(responses);
            return CompletableFuture.completedFuture(response);
        }, error -> new LeaveGroupResponseData().setErrorCode(error.code()));
    }

    // ------------------------------------------------------------------ offsets

    /**
     * OffsetCommit of the partitions in {@code request}, whose topics and partitions must all exist
     * (the handler answers the others UNKNOWN_TOPIC_OR_PARTITION).
     *
     * @return each partition's error, once the offsets are durable
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitOffsets(OffsetCommitRequestData request) {
        Function<Errors, Map<TopicPartition, Errors>> allFail = error -> {
            Map<TopicPartition, Errors> results = new LinkedHashMap<>();
            request.topics().forEach(topic -> topic.partitions().forEach(partition ->
                    results.put(new TopicPartition(topic.name(), partition.partitionIndex()), error)));
            return results;
        };
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(allFail.apply(Errors.INVALID_GROUP_ID));
        }
        return onGroupPartition(request.groupId(), partition -> offsetStore.commit(partition, request), allFail);
    }

    /**
     * OffsetFetch for one group: {@code topics} null asks for every committed offset. The answer waits
     * for the group partition's pending writes, so it never shows an offset that is not durable yet.
     */
    public CompletableFuture<OffsetFetchResponseGroup> fetchOffsets(String groupId, List<OffsetFetchRequestTopics> topics) {
        Function<Errors, OffsetFetchResponseGroup> groupError = error -> new OffsetFetchResponseGroup()
                .setGroupId(groupId).setErrorCode(error.code());
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(groupError.apply(Errors.INVALID_GROUP_ID));
        }
        return onGroupPartition(groupId, partition -> {
            OffsetFetchResponseGroup answer = offsetStore.fetch(partition, groupId, topics);
            return partition.pendingWrites().handle((done, failure) ->
                    failure == null ? answer : groupError.apply(Errors.COORDINATOR_NOT_AVAILABLE));
        }, groupError);
    }

    /**
     * OffsetDelete of the partitions in {@code topics} (whose topics exist).
     *
     * @return each partition's error; fails with the group-level error (GROUP_ID_NOT_FOUND,
     *         NON_EMPTY_GROUP, COORDINATOR_LOAD_IN_PROGRESS, ...)
     */
    public CompletableFuture<Map<TopicPartition, Errors>> deleteOffsets(String groupId,
                                                                        List<OffsetDeleteRequestTopic> topics) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.failedFuture(Errors.INVALID_GROUP_ID.exception());
        }
        return call(() -> {
            OffsetsPartition partition = existingPartition(groupId);
            ClassicGroup group = groups.get(groupId);
            if (group == null) {
                return CompletableFuture.failedFuture(Errors.GROUP_ID_NOT_FOUND.exception());
            }
            return offsetStore.deleteOffsets(partition, group, topics);
        });
    }

    // ------------------------------------------------------------------ groups

    /**
     * ListGroups, filtered by Kafka state names and group types (case-insensitive; empty sets match
     * all). Fails with COORDINATOR_LOAD_IN_PROGRESS while a partition is loading.
     */
    public CompletableFuture<List<ListedGroup>> listGroups(Set<String> statesFilter, Set<String> typesFilter) {
        Set<String> states = lowerCase(statesFilter);
        Set<String> types = lowerCase(typesFilter);
        return call(() -> {
            if (partitions != null) {
                for (OffsetsPartition partition : partitions) {
                    if (partition.status() == Status.LOADING) {
                        return CompletableFuture.failedFuture(Errors.COORDINATOR_LOAD_IN_PROGRESS.exception());
                    }
                }
            }
            List<ListedGroup> listed = new ArrayList<>();
            if (!types.isEmpty() && !types.contains("classic")) {
                return CompletableFuture.completedFuture(listed);
            }
            for (ClassicGroup group : groups.values()) {
                if (group.isInState(GroupState.DEAD)
                        || (!states.isEmpty() && !states.contains(group.state().toLowerCaseString()))) {
                    continue;
                }
                listed.add(new ListedGroup()
                        .setGroupId(group.groupId())
                        .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                        .setGroupState(group.state().toString())
                        .setGroupType("classic"));
            }
            return CompletableFuture.completedFuture(listed);
        });
    }

    /**
     * DescribeGroups: each group's state, protocol and members (with metadata and assignment when
     * Stable). An unknown group is Dead with GROUP_ID_NOT_FOUND (the handler adapts it to old versions).
     */
    public CompletableFuture<List<DescribedGroup>> describeGroups(List<String> groupIds, boolean includeOperations) {
        return call(() -> {
            List<DescribedGroup> described = new ArrayList<>();
            for (String groupId : groupIds) {
                described.add(describe(groupId, includeOperations));
            }
            return CompletableFuture.completedFuture(described);
        });
    }

    private DescribedGroup describe(String groupId, boolean includeOperations) {
        DescribedGroup result = new DescribedGroup().setGroupId(groupId);
        if (groupId == null || groupId.isEmpty()) {
            return result.setGroupId(groupId == null ? "" : groupId).setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        Errors unavailable = partitionError(groupId);
        if (unavailable != Errors.NONE && unavailable != Errors.GROUP_ID_NOT_FOUND) {
            return result.setErrorCode(unavailable.code());
        }
        ClassicGroup group = unavailable == Errors.NONE ? groups.get(groupId) : null;
        if (group == null || group.isInState(GroupState.DEAD)) {
            return result.setGroupState(GroupState.DEAD.toString())
                    .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " not found.");
        }
        boolean stable = group.isInState(GroupState.STABLE);
        result.setGroupState(group.state().toString())
                .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                .setProtocolData(stable ? group.protocolName() : "");
        for (ClassicGroupMember member : group.allMembers()) {
            result.members().add(new DescribedGroupMember()
                    .setMemberId(member.memberId())
                    .setGroupInstanceId(member.groupInstanceId())
                    .setClientId(member.clientId())
                    .setClientHost(member.clientHost())
                    .setMemberMetadata(stable ? member.metadata(group.protocolName()) : new byte[0])
                    .setMemberAssignment(stable ? member.assignment() : new byte[0]));
        }
        if (includeOperations) {
            result.setAuthorizedOperations(ALL_GROUP_OPERATIONS);
        }
        return result;
    }

    /** DeleteGroups: deletes each group without members, with its committed offsets. */
    public CompletableFuture<List<DeletableGroupResult>> deleteGroups(List<String> groupIds) {
        return call(() -> {
            List<CompletableFuture<DeletableGroupResult>> results = new ArrayList<>();
            for (String groupId : groupIds) {
                results.add(deleteGroup(groupId).handle((done, failure) -> new DeletableGroupResult()
                        .setGroupId(groupId)
                        .setErrorCode(failure == null ? Errors.NONE.code()
                                : Errors.forException(Errors.maybeUnwrapException(failure)).code())));
            }
            return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                    .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
        });
    }

    private CompletableFuture<Void> deleteGroup(String groupId) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.failedFuture(Errors.INVALID_GROUP_ID.exception());
        }
        Errors unavailable = partitionError(groupId);
        if (unavailable != Errors.NONE) {
            return CompletableFuture.failedFuture(unavailable.exception());
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null || group.isInState(GroupState.DEAD)) {
            return CompletableFuture.failedFuture(Errors.GROUP_ID_NOT_FOUND.exception());
        }
        if (!group.isInState(GroupState.EMPTY)) {
            return CompletableFuture.failedFuture(Errors.NON_EMPTY_GROUP.exception());
        }
        OffsetsPartition partition = partitions[partitionFor(groupId)];
        List<Entry> tombstones = OffsetStore.groupDeletion(partition, groupId);
        removeGroup(group);
        log.info("Deleted group {} and its {} committed offset(s)", groupId, tombstones.size() - 1);
        return partition.write(tombstones);
    }

    /** Deletes the committed offsets of every group for the partitions of {@code topic}, a topic just deleted. */
    public void onTopicDeleted(String topic) {
        run(() -> {
            if (partitions != null) {
                for (OffsetsPartition partition : partitions) {
                    if (partition.status() == Status.ACTIVE) {
                        offsetStore.removeOffsetsOfDeletedTopics(partition, name -> !name.equals(topic));
                    }
                }
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ internals

    /** Runs {@code action} on the group's partition once the topic exists and the partition is loaded. */
    private <T> CompletableFuture<T> onGroupPartition(String groupId,
                                                      Function<OffsetsPartition, CompletableFuture<T>> action,
                                                      Function<Errors, T> unavailable) {
        return call(() -> offsetsTopic().handle((created, failure) -> failure).thenCompose(failure -> {
            if (failure != null) {
                return CompletableFuture.completedFuture(unavailable.apply(Errors.COORDINATOR_NOT_AVAILABLE));
            }
            OffsetsPartition partition = partitions[partitionFor(groupId)];
            return switch (partition.status()) {
                case LOADING -> CompletableFuture.completedFuture(unavailable.apply(Errors.COORDINATOR_LOAD_IN_PROGRESS));
                case FAILED -> CompletableFuture.completedFuture(unavailable.apply(Errors.COORDINATOR_NOT_AVAILABLE));
                case ACTIVE -> action.apply(partition);
            };
        }));
    }

    /** NONE when the group's partition is loaded; GROUP_ID_NOT_FOUND when the topic does not exist yet. */
    private Errors partitionError(String groupId) {
        if (partitions == null) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        return switch (partitions[partitionFor(groupId)].status()) {
            case LOADING -> Errors.COORDINATOR_LOAD_IN_PROGRESS;
            case FAILED -> Errors.COORDINATOR_NOT_AVAILABLE;
            case ACTIVE -> Errors.NONE;
        };
    }

    /** The group's loaded partition, or throws the error the API answers instead. */
    private OffsetsPartition existingPartition(String groupId) {
        Errors error = partitionError(groupId);
        if (error != Errors.NONE) {
            throw error.exception();
        }
        return partitions[partitionFor(groupId)];
    }

    /** Completes when the topic exists, creating it the first time. Coordinator thread only. */
    private CompletableFuture<Void> offsetsTopic() {
        if (partitions != null) {
            return CompletableFuture.completedFuture(null);
        }
        if (creation == null) {
            int count = config.offsetsTopicNumPartitions();
            log.info("Creating the internal topic {} with {} partition(s)", Topic.GROUP_METADATA_TOPIC_NAME, count);
            creation = topics.createTopic(Topic.GROUP_METADATA_TOPIC_NAME, count, (short) 1, offsetsTopicConfigs(), false)
                    .toCompletableFuture()
                    .handleAsync((created, failure) -> {
                        Throwable cause = failure == null ? null : Errors.maybeUnwrapException(failure);
                        Optional<TopicMetadata> existing = topics.topic(Topic.GROUP_METADATA_TOPIC_NAME);
                        if (cause instanceof TopicExistsException && existing.isPresent()) {
                            // Created meanwhile (clients cannot create it): load it as it is.
                            loadPartitions(existing.get().partitions());
                            return null;
                        }
                        if (cause != null) {
                            creation = null;
                            log.error("Failed to create {}", Topic.GROUP_METADATA_TOPIC_NAME, cause);
                            throw new CoordinatorNotAvailableException("Cannot create "
                                    + Topic.GROUP_METADATA_TOPIC_NAME + ": " + cause.getMessage());
                        }
                        openPartitions(existing.map(TopicMetadata::partitions).orElse(count), Status.ACTIVE);
                        return null;
                    }, thread);
        }
        return creation;
    }

    private Map<String, String> offsetsTopicConfigs() {
        Map<String, String> configs = new HashMap<>();
        // No compaction: the coordinator bounds the log itself (rewrite, then deleteRecordsBefore).
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        configs.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
        configs.put(TopicConfig.COMPRESSION_TYPE_CONFIG, "producer");
        if (config.offsetsTopicSegmentBytes() >= 1024 * 1024) {
            configs.put(TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(config.offsetsTopicSegmentBytes()));
        } else {
            configs.put(TopicConfigs.INTERNAL_SEGMENT_BYTES_CONFIG, Integer.toString(config.offsetsTopicSegmentBytes()));
        }
        return configs;
    }

    /** Opens the partitions of an existing topic and loads them in the background. */
    private void loadPartitions(int count) {
        openPartitions(count, Status.LOADING);
        for (OffsetsPartition partition : partitions) {
            if (partition.status() == Status.LOADING) {
                partition.load().thenAccept(state -> onLoaded(partition, state));
            }
        }
    }

    private void openPartitions(int count, Status initialStatus) {
        OffsetsPartition[] opened = new OffsetsPartition[count];
        for (int i = 0; i < count; i++) {
            TopicPartition tp = new TopicPartition(Topic.GROUP_METADATA_TOPIC_NAME, i);
            opened[i] = new OffsetsPartition(tp, topics.log(tp).orElse(null), storage.forPartition(tp), thread, time,
                    config.offsetsTopicSegmentBytes(), initialStatus);
            if (opened[i].status() == Status.FAILED) {
                log.error("{} has no log: its groups are unavailable until a restart", tp);
            }
        }
        partitions = opened;
    }

    /** Installs the groups of a partition just loaded. */
    private void onLoaded(OffsetsPartition partition, PartitionState state) {
        for (String groupId : state.groupIds()) {
            StoredGroup stored = state.storedGroup(groupId);
            ClassicGroup group;
            try {
                group = stored != null ? ClassicGroup.fromStored(stored, time)
                        : new ClassicGroup(groupId, GroupState.EMPTY, time);
            } catch (RuntimeException e) {
                log.error("Cannot restore group {} from {}: it starts empty", groupId, partition.topicPartition(), e);
                group = new ClassicGroup(groupId, GroupState.EMPTY, time);
            }
            groups.put(groupId, group);
            membership.onLoaded(group);
        }
        offsetStore.removeOffsetsOfDeletedTopics(partition, topic -> topics.topic(topic).isPresent());
    }

    private CompletableFuture<Void> storeGroup(StoredGroup group) {
        OffsetsPartition partition = partitions[partitionFor(group.groupId())];
        return partition.write(List.of(new GroupMetadata(group)));
    }

    private void removeGroup(ClassicGroup group) {
        membership.onRemoved(group);
        groups.remove(group.groupId());
    }

    private void scheduleOffsetExpiry() {
        timer.schedule(new CoordinatorTimer.Key("", CoordinatorTimer.Kind.OFFSETS_EXPIRY, ""),
                config.offsetsRetentionCheckIntervalMs(), () -> {
                    expireOffsets();
                    scheduleOffsetExpiry();
                });
    }

    private void expireOffsets() {
        if (partitions == null) {
            return;
        }
        Map<Integer, List<ClassicGroup>> byPartition = new HashMap<>();
        for (ClassicGroup group : groups.values()) {
            byPartition.computeIfAbsent(partitionFor(group.groupId()), p -> new ArrayList<>()).add(group);
        }
        byPartition.forEach((index, partitionGroups) -> {
            OffsetsPartition partition = partitions[index];
            if (partition.status() == Status.ACTIVE) {
                for (ClassicGroup removed : offsetStore.expire(partition, partitionGroups)) {
                    log.info("Group {} is removed: it is empty and its offsets expired", removed.groupId());
                    removeGroup(removed);
                }
            }
        });
    }

    private static Set<String> lowerCase(Set<String> values) {
        Set<String> lower = new HashSet<>();
        values.forEach(value -> lower.add(value.toLowerCase(Locale.ROOT)));
        return lower;
    }

    private void run(Supplier<Void> task) {
        call(() -> {
            task.get();
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Runs {@code task} on the coordinator thread; its future's outcome, or the task's exception. */
    private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> task) {
        try {
            return CompletableFuture.supplyAsync(task, thread).thenCompose(Function.identity());
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new CoordinatorNotAvailableException("The group coordinator is shut down"));
        }
    }

    /** Stops the coordinator thread; pending JoinGroup and SyncGroup requests get no answer. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }
}
