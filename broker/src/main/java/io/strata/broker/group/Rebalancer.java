package io.strata.broker.group;

import io.strata.broker.group.CoordinatorTimer.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalance mechanics of classic groups, shared by the request handling in
 * {@link GroupMembership}: entering PreparingRebalance (with the initial delay of a new group),
 * completing the join phase (dropping dynamic members that did not rejoin, electing a leader,
 * answering every JoinGroup), handing out or failing assignments, and the timers of sessions,
 * rebalances and syncs.
 *
 * <p>This class is not thread-safe: every method runs on the {@code group-coordinator} thread.
 */
final class Rebalancer {

    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

    private final GroupCoordinatorConfig config;
    private final CoordinatorTimer timer;
    private final Map<String, ClassicGroup> groups;
    private final GroupMembership.GroupWriter writer;

    Rebalancer(GroupCoordinatorConfig config, CoordinatorTimer timer, Map<String, ClassicGroup> groups,
               GroupMembership.GroupWriter writer) {
        this.config = config;
        this.timer = timer;
        this.groups = groups;
        this.writer = writer;
    }

    void maybePrepareRebalanceOrCompleteJoin(ClassicGroup group, String reason) {
        if (group.canRebalance()) {
            prepareRebalance(group, reason);
        } else {
            maybeCompleteJoinPhase(group);
        }
    }

    void prepareRebalance(ClassicGroup group, String reason) {
        if (group.isInState(GroupState.COMPLETING_REBALANCE)) {
            resetAndPropagateAssignmentWithError(group, Errors.REBALANCE_IN_PROGRESS);
        }
        String groupId = group.groupId();
        timer.cancel(Key.sync(groupId));
        boolean initialRebalance = group.isInState(GroupState.EMPTY);
        if (initialRebalance) {
            int delayMs = config.initialRebalanceDelayMs();
            int remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
            timer.schedule(Key.join(groupId), delayMs,
                    () -> tryCompleteInitialRebalanceElseSchedule(groupId, delayMs, remainingMs));
        }
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        log.info("Preparing to rebalance group {} in state {} with old generation {} (reason: {})", groupId,
                group.state(), group.generationId(), reason);
        if (!initialRebalance) {
            if (group.hasAllMembersJoined()) {
                completeJoin(group);
            } else {
                timer.schedule(Key.join(groupId), group.rebalanceTimeoutMs(), () -> completeJoin(groupId));
            }
        }
    }

    void tryCompleteInitialRebalanceElseSchedule(String groupId, int delayMs, int remainingMs) {
        ClassicGroup group = groups.get(groupId);
        if (group == null || !group.isInState(GroupState.PREPARING_REBALANCE)) {
            return;
        }
        if (group.newMemberAdded() && remainingMs != 0) {
            group.setNewMemberAdded(false);
            int newDelayMs = Math.min(config.initialRebalanceDelayMs(), remainingMs);
            int newRemainingMs = Math.max(remainingMs - delayMs, 0);
            timer.schedule(Key.join(groupId), newDelayMs,
                    () -> tryCompleteInitialRebalanceElseSchedule(groupId, newDelayMs, newRemainingMs));
        } else {
            completeJoin(group);
        }
    }

    /** Completes the join phase once everyone joined, except during a new group's initial delay. */
    void maybeCompleteJoinPhase(ClassicGroup group) {
        if (group.isInState(GroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()
                && group.previousState() != GroupState.EMPTY) {
            completeJoin(group);
        }
    }

    void completeJoin(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group != null && group.isInState(GroupState.PREPARING_REBALANCE)) {
            completeJoin(group);
        }
    }

    void completeJoin(ClassicGroup group) {
        String groupId = group.groupId();
        timer.cancel(Key.join(groupId));
        List<String> dropped = new ArrayList<>();
        for (ClassicGroupMember member : group.notYetRejoinedMembers()) {
            if (!member.isStaticMember()) {
                group.remove(member.memberId());
                timer.cancel(Key.heartbeat(groupId, member.memberId()));
                dropped.add(member.memberId());
            }
        }
        if (!dropped.isEmpty()) {
            log.info("Group {} removed dynamic members who did not rejoin: {}", groupId, dropped);
        }
        if (group.isInState(GroupState.DEAD)) {
            return;
        }
        if (!group.maybeElectNewJoinedLeader() && group.numMembers() > 0) {
            // Only static members that did not rejoin are left: wait for their sessions to expire.
            log.error("Group {} could not complete the rebalance: no member rejoined", groupId);
            timer.schedule(Key.join(groupId), group.rebalanceTimeoutMs(), () -> completeJoin(groupId));
            return;
        }
        group.initNextGeneration();
        if (group.isInState(GroupState.EMPTY)) {
            log.info("Group {} with generation {} is now empty", groupId, group.generationId());
            writer.store(group.toStored(Map.of())).whenComplete((done, failure) -> {
                if (failure != null) {
                    log.warn("Failed to write the empty metadata of group {}: {}", groupId, failure.toString());
                }
            });
            return;
        }
        log.info("Stabilized group {} generation {} with {} members", groupId, group.generationId(),
                group.numMembers());
        for (ClassicGroupMember member : group.allMembers()) {
            group.completeJoinFuture(member, GroupResponses.currentGeneration(group, member.memberId(),
                    group.isLeader(member.memberId()), group.leaderOrNull()));
            rescheduleHeartbeat(group, member);
            member.setNew(false);
            group.addPendingSyncMember(member.memberId());
        }
        int generation = group.generationId();
        timer.schedule(Key.sync(groupId), group.rebalanceTimeoutMs(), () -> expirePendingSync(groupId, generation));
    }

    void expirePendingSync(String groupId, int generation) {
        ClassicGroup group = groups.get(groupId);
        if (group == null || group.generationId() != generation) {
            return;
        }
        if ((group.isInState(GroupState.COMPLETING_REBALANCE) || group.isInState(GroupState.STABLE))
                && !group.hasReceivedSyncFromAllMembers()) {
            Set<String> pending = group.pendingSyncMembers();
            for (String memberId : pending) {
                group.remove(memberId);
                timer.cancel(Key.heartbeat(groupId, memberId));
            }
            prepareRebalance(group, "Removing " + pending + " on pending sync request expiration");
        }
    }

    void resetAndPropagateAssignmentWithError(ClassicGroup group, Errors error) {
        group.allMembers().forEach(member -> member.setAssignment(ClassicGroupMember.EMPTY_ASSIGNMENT));
        propagateAssignment(group, error);
    }

    void propagateAssignment(ClassicGroup group, Errors error) {
        boolean ok = error == Errors.NONE;
        for (ClassicGroupMember member : group.allMembers()) {
            if (ok && !member.hasAssignment()) {
                log.debug("Sending an empty assignment to member {} of group {} for generation {}",
                        member.memberId(), group.groupId(), group.generationId());
            }
            boolean answered = group.completeSyncFuture(member, new SyncGroupResponseData()
                    .setProtocolType(ok ? group.protocolType() : null)
                    .setProtocolName(ok ? group.protocolName() : null)
                    .setAssignment(member.assignment())
                    .setErrorCode(error.code()));
            if (answered) {
                // A session that expired while the member waited was ignored: expect the next heartbeat now.
                rescheduleHeartbeat(group, member);
            }
        }
    }

    void removeMember(ClassicGroup group, ClassicGroupMember member, String reason) {
        timer.cancel(Key.heartbeat(group.groupId(), member.memberId()));
        log.info("Member {} (instance id {}) left group {} (reason: {})", member.memberId(), member.groupInstanceId(),
                group.groupId(), reason);
        // A member still waiting for its JoinGroup answer learns it must join again.
        group.completeJoinFuture(member, GroupResponses.joinError("", Errors.UNKNOWN_MEMBER_ID));
        group.remove(member.memberId());
    }

    /** Restarts {@code member}'s session timer (a heartbeat or an offset commit). */
    void rescheduleHeartbeat(ClassicGroup group, ClassicGroupMember member) {
        rescheduleHeartbeat(group, member, member.sessionTimeoutMs());
    }

    void rescheduleHeartbeat(ClassicGroup group, ClassicGroupMember member, long timeoutMs) {
        String groupId = group.groupId();
        String memberId = member.memberId();
        timer.schedule(Key.heartbeat(groupId, memberId), timeoutMs, () -> expireHeartbeat(groupId, memberId));
    }

    void expireHeartbeat(String groupId, String memberId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null || group.isInState(GroupState.DEAD)) {
            return;
        }
        if (group.isPendingMember(memberId)) {
            log.info("Pending member {} of group {} removed after its session timeout", memberId, groupId);
            group.remove(memberId);
            maybeCompleteJoinPhase(group);
            return;
        }
        ClassicGroupMember member = group.member(memberId);
        if (member == null || member.hasSatisfiedHeartbeat()) {
            return;
        }
        log.info("Member {} of group {} has failed (session timeout), removing it from the group", memberId, groupId);
        removeMember(group, member, "removing member " + memberId + " on heartbeat expiration");
        if (group.isInState(GroupState.STABLE) || group.isInState(GroupState.COMPLETING_REBALANCE)) {
            maybePrepareRebalanceOrCompleteJoin(group, "removing member " + memberId + " on heartbeat expiration");
        } else if (group.isInState(GroupState.PREPARING_REBALANCE)) {
            maybeCompleteJoinPhase(group);
        }
    }

    /** Starts the session timers of a group just loaded, and rebalances one above group.max.size. */
    void onLoaded(ClassicGroup group) {
        if (!group.isInState(GroupState.STABLE)) {
            return;
        }
        group.allMembers().forEach(member -> rescheduleHeartbeat(group, member));
        if (group.numMembers() > config.maxSize()) {
            prepareRebalance(group, "Freshly-loaded group is over capacity (" + group.numMembers() + " members, "
                    + "group.max.size " + config.maxSize() + ")");
        }
    }

    /** Marks a group being deleted Dead, answers its pending requests and stops its timers. */
    void onRemoved(ClassicGroup group) {
        group.allMembers().forEach(member -> {
            group.completeJoinFuture(member, GroupResponses.joinError(member.memberId(), Errors.COORDINATOR_NOT_AVAILABLE));
            group.completeSyncFuture(member, GroupResponses.syncError(Errors.COORDINATOR_NOT_AVAILABLE));
        });
        group.transitionTo(GroupState.DEAD);
        timer.cancelAll(group.groupId());
    }

    /** Drops the pending member {@code memberId} unless it rejoins within {@code timeoutMs}. */
    void schedulePendingMemberExpiry(String groupId, String memberId, long timeoutMs) {
        timer.schedule(Key.heartbeat(groupId, memberId), timeoutMs, () -> expireHeartbeat(groupId, memberId));
    }
}
