package io.strata.broker.group;

import io.strata.broker.group.ClassicGroupMember.Protocol;
import io.strata.broker.group.CoordinatorTimer.Key;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic rebalance protocol, as Kafka's group coordinator runs it: JoinGroup (with
 * MEMBER_ID_REQUIRED for dynamic members from v4, static membership by group.instance.id, the
 * initial rebalance delay of a new group), SyncGroup (the leader's assignment, persisted in the
 * group's metadata record before it is handed out), Heartbeat and LeaveGroup, and the timeouts that
 * drive a group without requests: member session expiry, the rebalance timeout for members that do
 * not rejoin, and the sync timeout for members that do not sync.
 *
 * <p>Answers to JoinGroup and SyncGroup complete their futures later, when the rebalance gets there.
 *
 * <p>This class is not thread-safe: every method runs on the {@code group-coordinator} thread, as
 * do the futures of {@link GroupWriter}.
 */
final class GroupMembership {

    private static final Logger log = LoggerFactory.getLogger(GroupMembership.class);

    /** Persists a group's metadata record; the future completes on the coordinator thread. */
    interface GroupWriter {
        CompletableFuture<Void> store(StoredGroup group);
    }

    private final GroupCoordinatorConfig config;
    private final Time time;
    private final CoordinatorTimer timer;
    private final Map<String, ClassicGroup> groups;
    private final GroupWriter writer;
    private final Rebalancer rebalancer;

    GroupMembership(GroupCoordinatorConfig config, Time time, CoordinatorTimer timer, Map<String, ClassicGroup> groups,
                    GroupWriter writer) {
        this.config = config;
        this.time = time;
        this.timer = timer;
        this.groups = groups;
        this.writer = writer;
        this.rebalancer = new Rebalancer(config, timer, groups, writer);
    }

    /** Starts the session timers of a group just loaded, and rebalances one above group.max.size. */
    void onLoaded(ClassicGroup group) {
        rebalancer.onLoaded(group);
    }

    /** Marks a group being deleted Dead, answers its pending requests and stops its timers. */
    void onRemoved(ClassicGroup group) {
        rebalancer.onRemoved(group);
    }

    /** Restarts {@code member}'s session timer (an offset commit counts as a heartbeat). */
    void rescheduleHeartbeat(ClassicGroup group, ClassicGroupMember member) {
        rebalancer.rescheduleHeartbeat(group, member);
    }

    // ------------------------------------------------------------------ JoinGroup

    /**
     * Handles a JoinGroup whose group id and session timeout were validated; {@code response}
     * completes now with an error or MEMBER_ID_REQUIRED, or when the rebalance completes.
     */
    void join(JoinGroupRequestData request, short version, String clientId, String clientHost,
              CompletableFuture<JoinGroupResponseData> response) {
        String groupId = request.groupId();
        String memberId = request.memberId();
        boolean unknownMember = memberId.isEmpty();
        ClassicGroup group = groups.get(groupId);
        boolean newGroup = group == null;
        if (newGroup) {
            if (!unknownMember) {
                response.complete(GroupResponses.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
                return;
            }
            group = new ClassicGroup(groupId, GroupState.EMPTY, time);
            groups.put(groupId, group);
        }
        if (!acceptJoiningMember(group, memberId)) {
            group.remove(memberId);
            timer.cancel(Key.heartbeat(groupId, memberId));
            response.complete(GroupResponses.joinError("", Errors.GROUP_MAX_SIZE_REACHED));
            rebalancer.maybeCompleteJoinPhase(group);
        } else if (unknownMember) {
            joinNewMember(group, request, version, clientId, clientHost, response);
        } else {
            joinExistingMember(group, request, clientId, clientHost, response);
        }
        if (newGroup) {
            // Kafka writes an empty metadata record for a group created by a join.
            writer.store(new StoredGroup(groupId, "", 0, null, null, group.currentStateTimestampMs(), List.of()))
                    .whenComplete((done, failure) -> {
                        if (failure != null) {
                            log.warn("Failed to write the empty metadata of new group {}: {}", groupId,
                                    failure.toString());
                        }
                    });
        }
    }

    private boolean acceptJoiningMember(ClassicGroup group, String memberId) {
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            // The members awaiting a join count here: the size may be above the limit after it was lowered.
            case PREPARING_REBALANCE -> (group.hasMember(memberId) && group.member(memberId).isAwaitingJoin())
                    || group.numAwaitingJoin() < config.maxSize();
            case COMPLETING_REBALANCE, STABLE -> group.hasMember(memberId) || group.numMembers() < config.maxSize();
        };
    }

    private void joinNewMember(ClassicGroup group, JoinGroupRequestData request, short version, String clientId,
                               String clientHost, CompletableFuture<JoinGroupResponseData> response) {
        if (group.isInState(GroupState.DEAD)) {
            response.complete(GroupResponses.joinError("", Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(request.protocolType(), GroupResponses.protocolNames(request))) {
            response.complete(GroupResponses.joinError("", Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        String instanceId = request.groupInstanceId();
        String newMemberId = group.generateMemberId(clientId, instanceId);
        if (instanceId != null) {
            String existingMemberId = group.staticMemberId(instanceId);
            if (existingMemberId != null) {
                log.info("Static member {} of group {} rejoins in state {}: replacing member id {} with {}",
                        instanceId, group.groupId(), group.state(), existingMemberId, newMemberId);
                updateStaticMember(group, request, version, existingMemberId, newMemberId, response);
            } else {
                log.info("Static member {} joins group {} in state {} as member {}", instanceId, group.groupId(),
                        group.state(), newMemberId);
                addMemberThenRebalance(group, request, newMemberId, clientId, clientHost, response);
            }
        } else if (JoinGroupRequest.requiresKnownMemberId(version)) {
            log.info("Dynamic member with unknown member id joins group {} in state {}: created member id {}, "
                    + "the member must rejoin with it", group.groupId(), group.state(), newMemberId);
            group.addPendingMember(newMemberId);
            rebalancer.schedulePendingMemberExpiry(group.groupId(), newMemberId, request.sessionTimeoutMs());
            response.complete(GroupResponses.joinError(newMemberId, Errors.MEMBER_ID_REQUIRED));
        } else {
            log.info("Dynamic member joins group {} in state {} as member {}", group.groupId(), group.state(),
                    newMemberId);
            addMemberThenRebalance(group, request, newMemberId, clientId, clientHost, response);
        }
    }

    private void joinExistingMember(ClassicGroup group, JoinGroupRequestData request, String clientId,
                                    String clientHost, CompletableFuture<JoinGroupResponseData> response) {
        String memberId = request.memberId();
        if (group.isInState(GroupState.DEAD)) {
            response.complete(GroupResponses.joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(request.protocolType(), GroupResponses.protocolNames(request))) {
            response.complete(GroupResponses.joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        if (group.isPendingMember(memberId)) {
            if (request.groupInstanceId() != null) {
                response.complete(GroupResponses.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
                return;
            }
            log.info("Pending member {} joins group {} in state {}", memberId, group.groupId(), group.state());
            addMemberThenRebalance(group, request, memberId, clientId, clientHost, response);
            return;
        }
        Errors error = group.validateMember(memberId, request.groupInstanceId());
        if (error != Errors.NONE) {
            response.complete(GroupResponses.joinError(memberId, error));
            return;
        }
        ClassicGroupMember member = group.member(memberId);
        List<Protocol> protocols = GroupResponses.protocols(request);
        String reason = JoinGroupRequest.joinReason(request);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberThenRebalance(group, member, request, response,
                    "Member " + memberId + " is joining group during " + group.state() + "; client reason: " + reason);
            case COMPLETING_REBALANCE -> {
                if (member.matches(protocols)) {
                    // The member lost the first answer: repeat the current generation's.
                    response.complete(GroupResponses.currentGeneration(group, memberId, group.isLeader(memberId), group.leaderOrNull()));
                } else {
                    updateMemberThenRebalance(group, member, request, response, "Updating metadata for member "
                            + memberId + " during " + group.state() + "; client reason: " + reason);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId)) {
                    // A leader rejoining asks for a rebalance (its view of the topics may have changed).
                    updateMemberThenRebalance(group, member, request, response, "Leader " + memberId
                            + " re-joining group during " + group.state() + "; client reason: " + reason);
                } else if (!member.matches(protocols)) {
                    updateMemberThenRebalance(group, member, request, response, "Updating metadata for member "
                            + memberId + " during " + group.state() + "; client reason: " + reason);
                } else {
                    response.complete(GroupResponses.currentGeneration(group, memberId, false, group.leaderOrNull()));
                }
            }
            default -> {
                log.warn("Member {} rejoins group {} in unexpected state {}", memberId, group.groupId(), group.state());
                response.complete(GroupResponses.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
            }
        }
    }

    private void addMemberThenRebalance(ClassicGroup group, JoinGroupRequestData request, String memberId,
                                        String clientId, String clientHost,
                                        CompletableFuture<JoinGroupResponseData> response) {
        ClassicGroupMember member = new ClassicGroupMember(memberId, request.groupInstanceId(),
                clientId, clientHost,
                request.rebalanceTimeoutMs(), request.sessionTimeoutMs(), request.protocolType(), GroupResponses.protocols(request));
        member.setNew(true);
        if (group.isInState(GroupState.PREPARING_REBALANCE) && group.previousState() == GroupState.EMPTY) {
            group.setNewMemberAdded(true);
        }
        group.add(member, response);
        // A new member cannot heartbeat before its JoinGroup is answered: bound the wait instead.
        rebalancer.rescheduleHeartbeat(group, member, config.newMemberJoinTimeoutMs());
        rebalancer.maybePrepareRebalanceOrCompleteJoin(group, "Adding new member " + memberId + " with group instance id "
                + request.groupInstanceId() + "; client reason: " + JoinGroupRequest.joinReason(request));
    }

    private void updateMemberThenRebalance(ClassicGroup group, ClassicGroupMember member, JoinGroupRequestData request,
                                           CompletableFuture<JoinGroupResponseData> response, String reason) {
        group.updateMember(member, GroupResponses.protocols(request), request.rebalanceTimeoutMs(), request.sessionTimeoutMs(),
                response);
        rebalancer.maybePrepareRebalanceOrCompleteJoin(group, reason);
    }

    private void updateStaticMember(ClassicGroup group, JoinGroupRequestData request, short version,
                                    String oldMemberId, String newMemberId,
                                    CompletableFuture<JoinGroupResponseData> response) {
        String instanceId = request.groupInstanceId();
        String currentLeader = group.leaderOrNull();
        ClassicGroupMember member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
        timer.cancel(Key.heartbeat(group.groupId(), oldMemberId));
        rebalancer.rescheduleHeartbeat(group, member);
        List<Protocol> oldProtocols = member.protocols();
        int oldRebalanceTimeoutMs = member.rebalanceTimeoutMs();
        int oldSessionTimeoutMs = member.sessionTimeoutMs();
        group.updateMember(member, GroupResponses.protocols(request), request.rebalanceTimeoutMs(), request.sessionTimeoutMs(),
                response);
        switch (group.state()) {
            case STABLE -> {
                if (!Objects.equals(group.protocolName(), group.selectProtocol())) {
                    rebalancer.maybePrepareRebalanceOrCompleteJoin(group, "Group's selected protocol will change because static "
                            + "member " + newMemberId + " with instance id " + instanceId + " joined with other protocols");
                    return;
                }
                // Same protocol: no rebalance, only the new member id is persisted.
                int generation = group.generationId();
                writer.store(group.toStored(group.assignments())).whenComplete((done, failure) -> {
                    if (failure != null) {
                        log.warn("Failed to persist the new member id {} of static member {} of group {}: {}",
                                newMemberId, instanceId, group.groupId(), failure.toString());
                        group.updateMember(member, oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs, null);
                        ClassicGroupMember restored = group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
                        timer.cancel(Key.heartbeat(group.groupId(), newMemberId));
                        rebalancer.rescheduleHeartbeat(group, restored);
                        response.complete(GroupResponses.joinError("", GroupResponses.appendErrorToResponseError(failure))
                                .setGenerationId(generation)
                                .setProtocolType(group.protocolType())
                                .setProtocolName(group.protocolName())
                                .setLeader(currentLeader == null ? "" : currentLeader));
                    } else if (JoinGroupRequest.supportsSkippingAssignment(version)) {
                        // The leader learns it leads, but keeps the current assignment.
                        boolean leader = group.isLeader(newMemberId);
                        group.completeJoinFuture(member, GroupResponses.currentGeneration(group, newMemberId, leader,
                                group.leaderOrNull()).setSkipAssignment(leader));
                    } else {
                        // Older clients: the old leader id keeps a returning leader from assigning again.
                        group.completeJoinFuture(member, GroupResponses.currentGeneration(group, newMemberId, false, currentLeader));
                    }
                });
            }
            // The leader may already have this member's old id in its assignment: rebalance.
            case COMPLETING_REBALANCE -> rebalancer.prepareRebalance(group, "Updating metadata for static member "
                    + newMemberId + " with instance id " + instanceId);
            case PREPARING_REBALANCE -> rebalancer.maybeCompleteJoinPhase(group);
            default -> throw new IllegalStateException("Group " + group.groupId() + " is " + group.state()
                    + " while static member " + instanceId + " rejoins");
        }
    }

    // ------------------------------------------------------------------ rebalance

    // ------------------------------------------------------------------ SyncGroup

    /** Handles a SyncGroup whose group id was validated; {@code response} may complete later. */
    void sync(SyncGroupRequestData request, CompletableFuture<SyncGroupResponseData> response) {
        String memberId = request.memberId();
        ClassicGroup group = groups.get(request.groupId());
        if (group == null) {
            response.complete(GroupResponses.syncError(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        Errors error = validateSync(group, request);
        if (error != Errors.NONE) {
            response.complete(GroupResponses.syncError(error));
            return;
        }
        switch (group.state()) {
            case PREPARING_REBALANCE -> response.complete(GroupResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                group.member(memberId).setAwaitingSync(response);
                group.removePendingSyncMember(memberId);
                if (group.isLeader(memberId)) {
                    onLeaderAssignment(group, request);
                }
            }
            case STABLE -> {
                group.removePendingSyncMember(memberId);
                ClassicGroupMember member = group.member(memberId);
                response.complete(new SyncGroupResponseData()
                        .setProtocolType(group.protocolType())
                        .setProtocolName(group.protocolName())
                        .setAssignment(member.assignment()));
                rebalancer.rescheduleHeartbeat(group, member);
            }
            default -> response.complete(GroupResponses.syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void onLeaderAssignment(ClassicGroup group, SyncGroupRequestData request) {
        log.info("Assignment received from leader {} for group {} for generation {}: {} members, {} static",
                request.memberId(), group.groupId(), group.generationId(), group.numMembers(), group.numStaticMembers());
        Map<String, byte[]> assignment = new HashMap<>();
        for (SyncGroupRequestAssignment memberAssignment : request.assignments()) {
            assignment.put(memberAssignment.memberId(), memberAssignment.assignment());
        }
        List<String> missing = new ArrayList<>();
        for (ClassicGroupMember member : group.allMembers()) {
            if (!assignment.containsKey(member.memberId())) {
                assignment.put(member.memberId(), ClassicGroupMember.EMPTY_ASSIGNMENT);
                missing.add(member.memberId());
            }
        }
        if (!missing.isEmpty()) {
            log.warn("Setting empty assignments for members {} of group {} for generation {}", missing,
                    group.groupId(), group.generationId());
        }
        int generation = group.generationId();
        writer.store(group.toStored(assignment)).whenComplete((done, failure) -> {
            // Another member may have joined meanwhile: act only if still in this generation's sync phase.
            if (groups.get(group.groupId()) != group || !group.isInState(GroupState.COMPLETING_REBALANCE)
                    || group.generationId() != generation) {
                return;
            }
            if (failure != null) {
                Errors error = GroupResponses.appendErrorToResponseError(failure);
                rebalancer.resetAndPropagateAssignmentWithError(group, error);
                rebalancer.maybePrepareRebalanceOrCompleteJoin(group, "Error " + error + " when storing the assignment of group "
                        + group.groupId() + " during SyncGroup (member " + request.memberId() + ")");
            } else {
                for (ClassicGroupMember member : group.allMembers()) {
                    member.setAssignment(assignment.get(member.memberId()));
                }
                rebalancer.propagateAssignment(group, Errors.NONE);
                group.transitionTo(GroupState.STABLE);
            }
        });
    }

    private static Errors validateSync(ClassicGroup group, SyncGroupRequestData request) {
        if (group.isInState(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors error = group.validateMember(request.memberId(), request.groupInstanceId());
        if (error != Errors.NONE) {
            return error;
        }
        if (request.generationId() != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (inconsistent(request.protocolType(), group.protocolType())
                || inconsistent(request.protocolName(), group.protocolName())) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        return Errors.NONE;
    }

    private static boolean inconsistent(String requested, String current) {
        return requested != null && current != null && !current.equals(requested);
    }

    // ------------------------------------------------------------------ Heartbeat and LeaveGroup

    /** Handles a Heartbeat whose group id was validated. */
    Errors heartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.isInState(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors error = group.validateMember(memberId, groupInstanceId);
        if (error != Errors.NONE) {
            return error;
        }
        if (generationId != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        }
        return switch (group.state()) {
            case EMPTY -> Errors.UNKNOWN_MEMBER_ID;
            case PREPARING_REBALANCE -> {
                rebalancer.rescheduleHeartbeat(group, group.member(memberId));
                yield Errors.REBALANCE_IN_PROGRESS;
            }
            default -> {
                // Members may heartbeat in CompletingRebalance, right after their JoinGroup answer.
                rebalancer.rescheduleHeartbeat(group, group.member(memberId));
                yield Errors.NONE;
            }
        };
    }

    /**
     * Handles a LeaveGroup whose group id was validated: removes each member (by member id, or by
     * instance id alone for an administrative removal) and rebalances once.
     *
     * @return one answer per member; null when the group does not exist (UNKNOWN_MEMBER_ID for all)
     */
    List<MemberResponse> leave(String groupId, List<MemberIdentity> leaving) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return null;
        }
        if (group.isInState(GroupState.DEAD)) {
            throw Errors.COORDINATOR_NOT_AVAILABLE.exception();
        }
        List<MemberResponse> responses = new ArrayList<>();
        Set<String> left = new LinkedHashSet<>();
        for (MemberIdentity identity : leaving) {
            MemberResponse response = new MemberResponse()
                    .setMemberId(identity.memberId())
                    .setGroupInstanceId(identity.groupInstanceId());
            responses.add(response);
            String reason = identity.reason() != null ? identity.reason() : "not provided";
            if (identity.memberId().isEmpty()) {
                if (identity.groupInstanceId() != null && group.hasStaticMember(identity.groupInstanceId())) {
                    String memberId = group.staticMemberId(identity.groupInstanceId());
                    rebalancer.removeMember(group, group.member(memberId), reason);
                    left.add(memberId);
                } else {
                    response.setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
                }
            } else if (group.isPendingMember(identity.memberId())) {
                group.remove(identity.memberId());
                timer.cancel(Key.heartbeat(groupId, identity.memberId()));
                log.info("Pending member {} left group {} (reason: {})", identity.memberId(), groupId, reason);
                left.add(identity.memberId());
            } else {
                Errors error = group.validateMember(identity.memberId(), identity.groupInstanceId());
                if (error == Errors.NONE) {
                    rebalancer.removeMember(group, group.member(identity.memberId()), reason);
                    left.add(identity.memberId());
                } else {
                    response.setErrorCode(error.code());
                }
            }
        }
        if (!left.isEmpty()) {
            String reason = "explicit LeaveGroup request for " + left;
            switch (group.state()) {
                case STABLE, COMPLETING_REBALANCE -> rebalancer.maybePrepareRebalanceOrCompleteJoin(group, reason);
                case PREPARING_REBALANCE -> rebalancer.maybeCompleteJoinPhase(group);
                default -> {
                }
            }
        }
        return responses;
    }
}
