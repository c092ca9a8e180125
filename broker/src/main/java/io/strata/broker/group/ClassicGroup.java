package io.strata.broker.group;

import io.strata.broker.group.ClassicGroupMember.Protocol;
import io.strata.broker.group.StoredGroup.StoredMember;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.SchemaException;
import org.apache.kafka.common.utils.Time;

/**
 * One classic group (Kafka's {@code ClassicGroup}): its state and generation, protocol type and
 * selected protocol, leader, members (static ones also by instance id), the members still to join
 * or sync in the current rebalance, and how many members support each protocol. The rebalance logic
 * that drives it lives in {@link GroupMembership}; this class keeps the bookkeeping consistent.
 *
 * <p>This class is not thread-safe: it belongs to the {@code group-coordinator} thread.
 */
final class ClassicGroup {

    private final String groupId;
    private final Time time;
    private GroupState state;
    private GroupState previousState = GroupState.DEAD;
    private long currentStateTimestampMs;
    private String protocolType;
    private String protocolName;
    private int generationId;
    private String leaderId;
    /** Insertion-ordered, so that a new leader is chosen deterministically. */
    private final Map<String, ClassicGroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Set<String> pendingJoinMembers = new HashSet<>();
    private final Set<String> pendingSyncMembers = new HashSet<>();
    private final Map<String, Integer> supportedProtocols = new HashMap<>();
    private int numMembersAwaitingJoin;
    private Set<String> subscribedTopics;
    private boolean newMemberAdded;

    ClassicGroup(String groupId, GroupState initialState, Time time) {
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.state = initialState;
        this.time = time;
        this.currentStateTimestampMs = time.milliseconds();
    }

    /** A group as loaded from its stored metadata: Stable with its members, or Empty without. */
    static ClassicGroup fromStored(StoredGroup stored, Time time) {
        GroupState state = stored.members().isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
        ClassicGroup group = new ClassicGroup(stored.groupId(), state, time);
        group.generationId = stored.generationId();
        group.protocolType = stored.protocolType().isEmpty() ? null : stored.protocolType();
        group.protocolName = stored.protocolName();
        group.leaderId = stored.leaderId();
        group.currentStateTimestampMs = stored.currentStateTimestampMs();
        if (!stored.members().isEmpty() && stored.protocolName() == null) {
            throw new IllegalStateException("Stored group " + stored.groupId() + " has members but no protocol");
        }
        for (StoredMember storedMember : stored.members()) {
            List<Protocol> protocols = List.of(new Protocol(stored.protocolName(), storedMember.subscription()));
            ClassicGroupMember member = new ClassicGroupMember(storedMember.memberId(),
                    storedMember.groupInstanceId(), storedMember.clientId(), storedMember.clientHost(),
                    storedMember.rebalanceTimeoutMs(), storedMember.sessionTimeoutMs(), stored.protocolType(),
                    protocols);
            member.setAssignment(storedMember.assignment());
            group.add(member, null);
        }
        group.subscribedTopics = group.computeSubscribedTopics();
        return group;
    }

    String groupId() {
        return groupId;
    }

    GroupState state() {
        return state;
    }

    boolean isInState(GroupState candidate) {
        return state == candidate;
    }

    GroupState previousState() {
        return previousState;
    }

    /** When the group entered its state; -1 when unknown (loaded from an old record). */
    long currentStateTimestampMs() {
        return currentStateTimestampMs;
    }

    int generationId() {
        return generationId;
    }

    /** The protocol type, null while the group has none (a group that only commits offsets). */
    String protocolType() {
        return protocolType;
    }

    /** The selected protocol, null outside a generation with members. */
    String protocolName() {
        return protocolName;
    }

    String leaderOrNull() {
        return leaderId;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    boolean usesConsumerProtocol() {
        return ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType);
    }

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    ClassicGroupMember member(String memberId) {
        return members.get(memberId);
    }

    Collection<ClassicGroupMember> allMembers() {
        return members.values();
    }

    int numMembers() {
        return members.size();
    }

    int numAwaitingJoin() {
        return numMembersAwaitingJoin;
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void setNewMemberAdded(boolean value) {
        this.newMemberAdded = value;
    }

    /** The largest rebalance timeout of the members. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (ClassicGroupMember member : members.values()) {
            max = Math.max(max, member.rebalanceTimeoutMs());
        }
        return max;
    }

    /** A fresh member id: the instance id (static) or client id (dynamic), a dash and a random UUID. */
    String generateMemberId(String clientId, String groupInstanceId) {
        return (groupInstanceId != null ? groupInstanceId : clientId) + "-" + UUID.randomUUID();
    }

    /** Adds a member; with a non-null {@code joinFuture} it is awaiting the join answer. */
    void add(ClassicGroupMember member, CompletableFuture<JoinGroupResponseData> joinFuture) {
        if (member.isStaticMember()) {
            if (staticMembers.containsKey(member.groupInstanceId())) {
                throw new IllegalStateException("Static member " + member.groupInstanceId()
                        + " is already a member of group " + groupId);
            }
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        if (!Objects.equals(protocolType, member.protocolType())) {
            throw new IllegalStateException("The protocol type of member " + member.memberId()
                    + " differs from group " + groupId + "'s");
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
        members.put(member.memberId(), member);
        incrementSupportedProtocols(member);
        member.setAwaitingJoin(joinFuture);
        if (joinFuture != null) {
            numMembersAwaitingJoin++;
        }
        pendingJoinMembers.remove(member.memberId());
    }

    /** Removes a member (or a pending one); a leaving leader is replaced by the first member left. */
    void remove(String memberId) {
        ClassicGroupMember removed = members.remove(memberId);
        if (removed != null) {
            decrementSupportedProtocols(removed);
            if (removed.isAwaitingJoin()) {
                numMembersAwaitingJoin--;
            }
            if (removed.isStaticMember()) {
                staticMembers.remove(removed.groupInstanceId());
            }
        }
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        pendingJoinMembers.remove(memberId);
        pendingSyncMembers.remove(memberId);
    }

    /**
     * Keeps the leader if it rejoined, else elects the first member that did. False when no member
     * rejoined (or the group has no leader).
     */
    boolean maybeElectNewJoinedLeader() {
        if (leaderId == null) {
            return false;
        }
        ClassicGroupMember leader = members.get(leaderId);
        if (leader != null && leader.isAwaitingJoin()) {
            return true;
        }
        for (ClassicGroupMember member : members.values()) {
            if (member.isAwaitingJoin()) {
                leaderId = member.memberId();
                return true;
            }
        }
        return false;
    }

    /**
     * Gives a static member its new member id, keeping everything else; answers the old id's pending
     * JoinGroup or SyncGroup with FENCED_INSTANCE_ID.
     */
    ClassicGroupMember replaceStaticMember(String groupInstanceId, String oldMemberId, String newMemberId) {
        ClassicGroupMember removed = members.remove(oldMemberId);
        if (removed == null) {
            throw new IllegalArgumentException("Cannot replace unknown member " + oldMemberId);
        }
        completeJoinFuture(removed, new JoinGroupResponseData()
                .setMemberId(oldMemberId)
                .setProtocolName(null)
                .setProtocolType(null)
                .setLeader("")
                .setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        completeSyncFuture(removed, new SyncGroupResponseData()
                .setAssignment(ClassicGroupMember.EMPTY_ASSIGNMENT)
                .setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        ClassicGroupMember replacement = ClassicGroupMember.withNewId(removed, newMemberId);
        members.put(newMemberId, replacement);
        if (isLeader(oldMemberId)) {
            leaderId = newMemberId;
        }
        staticMembers.put(groupInstanceId, newMemberId);
        return replacement;
    }

    boolean isPendingMember(String memberId) {
        return pendingJoinMembers.contains(memberId);
    }

    void addPendingMember(String memberId) {
        if (hasMember(memberId)) {
            throw new IllegalStateException("Member " + memberId + " of group " + groupId + " is not pending");
        }
        pendingJoinMembers.add(memberId);
    }

    int numPendingJoinMembers() {
        return pendingJoinMembers.size();
    }

    void addPendingSyncMember(String memberId) {
        pendingSyncMembers.add(memberId);
    }

    void removePendingSyncMember(String memberId) {
        pendingSyncMembers.remove(memberId);
    }

    boolean hasReceivedSyncFromAllMembers() {
        return pendingSyncMembers.isEmpty();
    }

    Set<String> pendingSyncMembers() {
        return Set.copyOf(pendingSyncMembers);
    }

    boolean hasStaticMember(String groupInstanceId) {
        return staticMembers.containsKey(groupInstanceId);
    }

    String staticMemberId(String groupInstanceId) {
        return staticMembers.get(groupInstanceId);
    }

    int numStaticMembers() {
        return staticMembers.size();
    }

    /** The members that have not rejoined in this rebalance. */
    List<ClassicGroupMember> notYetRejoinedMembers() {
        List<ClassicGroupMember> notYet = new ArrayList<>();
        for (ClassicGroupMember member : members.values()) {
            if (!member.isAwaitingJoin()) {
                notYet.add(member);
            }
        }
        return notYet;
    }

    boolean hasAllMembersJoined() {
        return members.size() == numMembersAwaitingJoin && pendingJoinMembers.isEmpty();
    }

    /**
     * Checks that {@code groupInstanceId}, when given, maps to {@code memberId}, and that the member exists.
     *
     * @return NONE, FENCED_INSTANCE_ID or UNKNOWN_MEMBER_ID
     */
    Errors validateMember(String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String existing = staticMembers.get(groupInstanceId);
            if (existing == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!existing.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return hasMember(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    boolean canRebalance() {
        return GroupState.PREPARING_REBALANCE.validPreviousStates().contains(state);
    }

    void transitionTo(GroupState target) {
        if (!target.validPreviousStates().contains(state)) {
            throw new IllegalStateException("Group " + groupId + " should be in one of "
                    + target.validPreviousStates() + " to move to " + target + ", but it is " + state);
        }
        previousState = state;
        state = target;
        currentStateTimestampMs = time.milliseconds();
    }

    /**
     * Whether a member of {@code memberProtocolType} supporting {@code memberProtocols} may join: any
     * non-empty ones for an Empty group, else the group's type and at least one protocol every member supports.
     */
    boolean supportsProtocols(String memberProtocolType, Set<String> memberProtocols) {
        if (isInState(GroupState.EMPTY)) {
            return !memberProtocolType.isEmpty() && !memberProtocols.isEmpty();
        }
        return Objects.equals(protocolType, memberProtocolType)
                && memberProtocols.stream().anyMatch(name -> supportedProtocols.getOrDefault(name, 0) == members.size());
    }

    /** The protocol with the most votes among those every member supports (Kafka's selection). */
    String selectProtocol() {
        if (members.isEmpty()) {
            throw new IllegalStateException("Cannot select a protocol for empty group " + groupId);
        }
        Set<String> candidates = new HashSet<>();
        supportedProtocols.forEach((name, count) -> {
            if (count == members.size()) {
                candidates.add(name);
            }
        });
        Map<String, Integer> votes = new HashMap<>();
        for (ClassicGroupMember member : members.values()) {
            votes.merge(member.vote(candidates), 1, Integer::sum);
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElseThrow();
    }

    void updateMember(ClassicGroupMember member, List<Protocol> protocols, int rebalanceTimeoutMs,
                      int sessionTimeoutMs, CompletableFuture<JoinGroupResponseData> joinFuture) {
        decrementSupportedProtocols(member);
        member.update(protocols, rebalanceTimeoutMs, sessionTimeoutMs);
        incrementSupportedProtocols(member);
        if (joinFuture != null && !member.isAwaitingJoin()) {
            numMembersAwaitingJoin++;
        } else if (joinFuture == null && member.isAwaitingJoin()) {
            numMembersAwaitingJoin--;
        }
        member.setAwaitingJoin(joinFuture);
    }

    /** Completes the member's pending JoinGroup, if any; true when there was one. */
    boolean completeJoinFuture(ClassicGroupMember member, JoinGroupResponseData response) {
        if (!member.isAwaitingJoin()) {
            return false;
        }
        CompletableFuture<JoinGroupResponseData> future = member.awaitingJoin();
        member.setAwaitingJoin(null);
        numMembersAwaitingJoin--;
        future.complete(response);
        return true;
    }

    /** Completes the member's pending SyncGroup, if any; true when there was one. */
    boolean completeSyncFuture(ClassicGroupMember member, SyncGroupResponseData response) {
        if (!member.isAwaitingSync()) {
            return false;
        }
        CompletableFuture<SyncGroupResponseData> future = member.awaitingSync();
        member.setAwaitingSync(null);
        future.complete(response);
        return true;
    }

    /** Moves to the next generation: CompletingRebalance with a selected protocol, or Empty without members. */
    void initNextGeneration() {
        generationId++;
        if (!members.isEmpty()) {
            protocolName = selectProtocol();
            subscribedTopics = computeSubscribedTopics();
            transitionTo(GroupState.COMPLETING_REBALANCE);
        } else {
            protocolName = null;
            subscribedTopics = computeSubscribedTopics();
            transitionTo(GroupState.EMPTY);
        }
        pendingSyncMembers.clear();
    }

    /** The members as the leader's JoinGroup answer lists them, with their metadata for the selected protocol. */
    List<JoinGroupResponseMember> currentMemberMetadata() {
        List<JoinGroupResponseMember> list = new ArrayList<>(members.size());
        for (ClassicGroupMember member : members.values()) {
            list.add(new JoinGroupResponseMember()
                    .setMemberId(member.memberId())
                    .setGroupInstanceId(member.groupInstanceId())
                    .setMetadata(member.metadata(protocolName)));
        }
        return list;
    }

    /** Every member's assignment by member id. */
    Map<String, byte[]> assignments() {
        Map<String, byte[]> assignments = new HashMap<>();
        members.values().forEach(member -> assignments.put(member.memberId(), member.assignment()));
        return assignments;
    }

    /** The group as its GroupMetadata record stores it, with {@code assignment} as the members' assignments. */
    StoredGroup toStored(Map<String, byte[]> assignment) {
        List<StoredMember> stored = new ArrayList<>(members.size());
        for (ClassicGroupMember member : members.values()) {
            byte[] memberAssignment = assignment.get(member.memberId());
            stored.add(new StoredMember(member.memberId(), member.groupInstanceId(), member.clientId(),
                    member.clientHost(), member.rebalanceTimeoutMs(), member.sessionTimeoutMs(),
                    member.metadata(protocolName),
                    memberAssignment == null ? ClassicGroupMember.EMPTY_ASSIGNMENT : memberAssignment));
        }
        return new StoredGroup(groupId, protocolType == null ? "" : protocolType, generationId, protocolName,
                leaderId, currentStateTimestampMs, stored);
    }

    /** The topics the members subscribe to, for consumer groups with a selected protocol; null when unknown. */
    Set<String> subscribedTopics() {
        return subscribedTopics;
    }

    /**
     * Whether the group consumes {@code topic}: by the members' subscriptions when known, otherwise
     * (unknown subscriptions) whether it is a consumer group at all.
     */
    boolean isSubscribedToTopic(String topic) {
        return subscribedTopics != null ? subscribedTopics.contains(topic) : usesConsumerProtocol();
    }

    private Set<String> computeSubscribedTopics() {
        if (!usesConsumerProtocol()) {
            return null;
        }
        if (members.isEmpty()) {
            return Set.of();
        }
        if (protocolName == null) {
            return null;
        }
        try {
            Set<String> topics = new HashSet<>();
            for (ClassicGroupMember member : members.values()) {
                ByteBuffer buffer = ByteBuffer.wrap(member.metadata(protocolName));
                ConsumerProtocol.deserializeVersion(buffer);
                topics.addAll(ConsumerProtocol.deserializeConsumerProtocolSubscription(buffer, (short) 0).topics());
            }
            return topics;
        } catch (SchemaException | IllegalArgumentException | BufferUnderflowException e) {
            return null;
        }
    }

    private void incrementSupportedProtocols(ClassicGroupMember member) {
        member.protocols().forEach(protocol -> supportedProtocols.merge(protocol.name(), 1, Integer::sum));
    }

    private void decrementSupportedProtocols(ClassicGroupMember member) {
        member.protocols().forEach(protocol -> supportedProtocols.merge(protocol.name(), -1, Integer::sum));
    }

    @Override
    public String toString() {
        return "ClassicGroup(groupId=" + groupId + ", state=" + state + ", generation=" + generationId
                + ", protocolType=" + protocolType + ", protocol=" + protocolName + ", leader=" + leaderId
                + ", members=" + members.keySet() + ")";
    }
}
