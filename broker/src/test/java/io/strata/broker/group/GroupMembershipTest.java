package io.strata.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.fetch.ManualTime;
import io.strata.broker.fetch.ManualTimer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * The classic rebalance protocol driven request by request, with a hand-driven clock and timer (the
 * timer runs its tasks inline, standing in for the coordinator thread).
 */
class GroupMembershipTest {

    private static final String GROUP = "group";
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 30_000;

    private final ManualTime time = new ManualTime();
    private final ManualTimer nettyTimer = new ManualTimer();
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final List<StoredGroup> stored = new ArrayList<>();
    private CompletableFuture<Void> nextWrite;
    private GroupMembership membership = membership(0, 10);

    private GroupMembership membership(int initialDelayMs, int maxSize) {
        GroupCoordinatorConfig config = new GroupCoordinatorConfig(50, 1 << 20, 1000, 1000, 4096, initialDelayMs,
                1000, 60_000, maxSize, 300_000);
        return new GroupMembership(config, time, new CoordinatorTimer(nettyTimer, Runnable::run), groups, group -> {
            stored.add(group);
            CompletableFuture<Void> result = nextWrite != null ? nextWrite : CompletableFuture.completedFuture(null);
            nextWrite = null;
            return result;
        });
    }

    private void advance(long ms) {
        time.advance(ms);
        nettyTimer.advance(ms);
    }

    @Test
    void shouldRequireMemberIdThenCompleteJoinAfterInitialDelayWhenFirstMemberJoins() {
        // given
        membership = membership(3000, 10);

        // when
        JoinGroupResponseData first = join("", null, 9, "range").join();
        CompletableFuture<JoinGroupResponseData> second = join(first.memberId(), null, 9, "range");
        advance(2999);
        boolean doneEarly = second.isDone();
        advance(1);

        // then
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        assertTrue(first.memberId().startsWith("client-"), first.memberId());
        assertFalse(doneEarly, "the initial rebalance delay holds the join");
        JoinGroupResponseData joined = second.join();
        assertEquals(Errors.NONE.code(), joined.errorCode());
        assertEquals(1, joined.generationId());
        assertEquals(first.memberId(), joined.leader());
        assertEquals("range", joined.protocolName());
        assertEquals("consumer", joined.protocolType());
        assertEquals(1, joined.members().size());
        assertEquals(GroupState.COMPLETING_REBALANCE, group().state());
        assertEquals(0, stored.get(0).generationId(), "a new group's empty record");
    }

    @Test
    void shouldExtendInitialDelayWhenMembersKeepJoining() {
        // given
        membership = membership(3000, 10);
        CompletableFuture<JoinGroupResponseData> first = joinNew("range");
        advance(2000);
        CompletableFuture<JoinGroupResponseData> second = joinNew("range");

        // when
        advance(1000);
        boolean doneAtFirstDelay = first.isDone();
        advance(3000);

        // then
        assertFalse(doneAtFirstDelay, "a new member extends the delay");
        assertEquals(2, first.join().members().size() + second.join().members().size());
        assertEquals(first.join().generationId(), second.join().generationId());
    }

    @Test
    void shouldJoinWithoutMemberIdRoundTripWhenVersionIsBelowFour() {
        // when
        JoinGroupResponseData joined = joinCompleted(join("", null, 3, "range"));

        // then
        assertEquals(Errors.NONE.code(), joined.errorCode());
        assertEquals(1, joined.generationId());
    }

    @Test
    void shouldDistributeLeaderAssignmentWhenLeaderSyncs() {
        // given: two members in CompletingRebalance
        List<JoinGroupResponseData> joined = joinTwo();
        JoinGroupResponseData leader = joined.stream().filter(j -> !j.members().isEmpty()).findFirst().orElseThrow();
        JoinGroupResponseData follower = joined.stream().filter(j -> j.members().isEmpty()).findFirst().orElseThrow();
        CompletableFuture<SyncGroupResponseData> followerSync = sync(follower.memberId(), 1, Map.of());
        assertFalse(followerSync.isDone(), "a follower waits for the leader's assignment");

        // when
        SyncGroupResponseData leaderSync = sync(leader.memberId(), 1,
                Map.of(leader.memberId(), new byte[] {1}, follower.memberId(), new byte[] {2})).join();

        // then
        assertEquals(Errors.NONE.code(), leaderSync.errorCode());
        assertEquals(1, leaderSync.assignment()[0]);
        assertEquals(2, followerSync.join().assignment()[0]);
        assertEquals("range", followerSync.join().protocolName());
        assertEquals(GroupState.STABLE, group().state());
        StoredGroup last = stored.get(stored.size() - 1);
        assertEquals(1, last.generationId());
        assertEquals(2, last.members().size());
        assertEquals(Errors.NONE, heartbeat(follower.memberId(), 1));
    }

    @Test
    void shouldFailPendingSyncsAndRebalanceWhenStoringAssignmentFails() {
        // given
        List<JoinGroupResponseData> joined = joinTwo();
        JoinGroupResponseData leader = joined.stream().filter(j -> !j.members().isEmpty()).findFirst().orElseThrow();
        JoinGroupResponseData follower = joined.stream().filter(j -> j.members().isEmpty()).findFirst().orElseThrow();
        CompletableFuture<SyncGroupResponseData> followerSync = sync(follower.memberId(), 1, Map.of());
        nextWrite = CompletableFuture.failedFuture(new KafkaStorageException("disk gone"));

        // when
        SyncGroupResponseData leaderSync = sync(leader.memberId(), 1, Map.of()).join();

        // then
        assertEquals(Errors.NOT_COORDINATOR.code(), leaderSync.errorCode());
        assertEquals(Errors.NOT_COORDINATOR.code(), followerSync.join().errorCode());
        assertEquals(GroupState.PREPARING_REBALANCE, group().state());
    }

    @Test
    void shouldAnswerRebalanceInProgressToWaitingSyncWhenMemberRejoinsWithNewMetadata() {
        // given
        List<JoinGroupResponseData> joined = joinTwo();
        JoinGroupResponseData follower = joined.stream().filter(j -> j.members().isEmpty()).findFirst().orElseThrow();
        JoinGroupResponseData leader = joined.stream().filter(j -> !j.members().isEmpty()).findFirst().orElseThrow();
        CompletableFuture<SyncGroupResponseData> followerSync = sync(follower.memberId(), 1, Map.of());

        // when: the leader joins again with other metadata
        join(leader.memberId(), null, 9, "range", new byte[] {9});

        // then
        assertEquals(Errors.REBALANCE_IN_PROGRESS.code(), followerSync.join().errorCode());
        assertEquals(GroupState.PREPARING_REBALANCE, group().state());
        assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat(follower.memberId(), 1));
    }

    @Test
    void shouldRemoveMemberAndRebalanceWhenItsSessionExpires() {
        // given: a stable group of two, where only the first member keeps heartbeating
        List<String> members = stableGroupOfTwo();
        String alive = members.get(0);
        String silent = members.get(1);

        // when
        for (int i = 0; i < 4; i++) {
            advance(SESSION_MS / 3);
            heartbeat(alive, 1);
        }

        // then
        assertFalse(group().hasMember(silent));
        assertEquals(GroupState.PREPARING_REBALANCE, group().state());
        assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat(alive, 1));
        JoinGroupResponseData rejoined = join(alive, null, 9, "range").join();
        assertEquals(2, rejoined.generationId());
        assertEquals(1, rejoined.members().size());
        assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat(silent, 2));
    }

    @Test
    void shouldDropMemberWhenItDoesNotRejoinWithinRebalanceTimeout() {
        // given: a stable group of two; the first rejoins, the second never does
        List<String> members = stableGroupOfTwo();
        CompletableFuture<JoinGroupResponseData> rejoin = join(members.get(0), null, 9, "range");
        assertFalse(rejoin.isDone());

        // when: the second keeps heartbeating but does not rejoin
        for (int elapsed = 0; elapsed < REBALANCE_MS; elapsed += 5000) {
            heartbeat(members.get(1), 1);
            advance(5000);
        }

        // then
        assertEquals(2, rejoin.join().generationId());
        assertEquals(1, rejoin.join().members().size());
        assertFalse(group().hasMember(members.get(1)));
    }

    @Test
    void shouldRemoveMemberAndRebalanceWhenItNeverSyncs() {
        // given
        List<JoinGroupResponseData> joined = joinTwo();
        JoinGroupResponseData leader = joined.stream().filter(j -> !j.members().isEmpty()).findFirst().orElseThrow();

        JoinGroupResponseData follower = joined.stream().filter(j -> j.members().isEmpty()).findFirst().orElseThrow();

        // when: only the leader syncs; both keep their sessions alive until the rebalance timeout passes
        sync(leader.memberId(), 1, Map.of()).join();
        for (int elapsed = 0; elapsed < REBALANCE_MS; elapsed += 5000) {
            heartbeat(leader.memberId(), 1);
            heartbeat(follower.memberId(), 1);
            advance(5000);
        }

        // then
        assertEquals(1, group().numMembers());
        assertFalse(group().hasMember(follower.memberId()));
        assertEquals(GroupState.PREPARING_REBALANCE, group().state());
    }

    @Test
    void shouldKeepGenerationAndFenceOldIdWhenStaticMemberRejoinsWithSameProtocols() {
        // given: a stable group with a static member
        String oldId = joinCompleted(join("", "instance-1", 9, "range")).memberId();
        sync(oldId, 1, Map.of(oldId, new byte[] {5})).join();
        int writes = stored.size();

        // when: the same instance joins again without a member id
        JoinGroupResponseData rejoined = join("", "instance-1", 9, "range").join();

        // then
        assertEquals(Errors.NONE.code(), rejoined.errorCode());
        assertNotEquals(oldId, rejoined.memberId());
        assertEquals(1, rejoined.generationId(), "no rebalance");
        assertTrue(rejoined.skipAssignment(), "the leader keeps the current assignment");
        assertEquals(GroupState.STABLE, group().state());
        assertEquals(writes + 1, stored.size(), "the new member id is persisted");
        assertEquals(Errors.FENCED_INSTANCE_ID, membership.heartbeat(GROUP, oldId, "instance-1", 1));
        assertEquals(5, sync(rejoined.memberId(), 1, Map.of()).join().assignment()[0]);
    }

    @Test
    void shouldAnswerGroupMaxSizeReachedWhenGroupIsFull() {
        // given
        membership = membership(0, 1);
        joinCompleted(join("", null, 3, "range"));

        // when
        JoinGroupResponseData refused = join("", null, 3, "range").join();

        // then
        assertEquals(Errors.GROUP_MAX_SIZE_REACHED.code(), refused.errorCode());
    }

    @Test
    void shouldAnswerInconsistentGroupProtocolWhenNoProtocolIsShared() {
        // given
        joinCompleted(join("", null, 3, "range"));

        // when
        JoinGroupResponseData refused = join("", null, 3, "roundrobin").join();

        // then
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), refused.errorCode());
    }

    @Test
    void shouldAnswerUnknownMemberWhenJoiningUnknownGroupWithMemberId() {
        // when
        JoinGroupResponseData refused = join("someone", null, 9, "range").join();

        // then
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), refused.errorCode());
        assertNull(group());
    }

    @Test
    void shouldForgetPendingMemberWhenItDoesNotRejoinWithinSessionTimeout() {
        // given
        String pending = join("", null, 9, "range").join().memberId();

        // when
        advance(SESSION_MS);

        // then
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), join(pending, null, 9, "range").join().errorCode());
    }

    @Test
    void shouldAnswerHeartbeatErrorsWhenGenerationOrMemberIsWrong() {
        // given
        List<String> members = stableGroupOfTwo();

        // when / then
        assertEquals(Errors.ILLEGAL_GENERATION, heartbeat(members.get(0), 2));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat("nobody", 1));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, membership.heartbeat("other-group", members.get(0), null, 1));
        assertEquals(Errors.ILLEGAL_GENERATION.code(), sync(members.get(0), 3, Map.of()).join().errorCode());
    }

    @Test
    void shouldRebalanceAndAnswerPerMemberWhenMembersLeave() {
        // given
        List<String> members = stableGroupOfTwo();

        // when
        List<MemberResponse> responses = membership.leave(GROUP, List.of(
                new MemberIdentity().setMemberId(members.get(1)),
                new MemberIdentity().setMemberId("nobody")));

        // then
        assertEquals(Errors.NONE.code(), responses.get(0).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), responses.get(1).errorCode());
        assertEquals(GroupState.PREPARING_REBALANCE, group().state());
        assertEquals(1, join(members.get(0), null, 9, "range").join().members().size());
    }

    @Test
    void shouldEmptyGroupAndStoreItWhenLastMemberLeaves() {
        // given
        String member = joinCompleted(join("", null, 3, "range")).memberId();
        sync(member, 1, Map.of()).join();

        // when
        membership.leave(GROUP, List.of(new MemberIdentity().setMemberId(member)));

        // then
        assertEquals(GroupState.EMPTY, group().state());
        assertEquals(2, group().generationId());
        StoredGroup last = stored.get(stored.size() - 1);
        assertTrue(last.members().isEmpty());
        assertEquals("consumer", last.protocolType());
        assertNull(membership.leave("no-group", List.of(new MemberIdentity().setMemberId(member))));
    }

    @Test
    void shouldRemoveStaticMemberByInstanceIdWhenLeaveHasNoMemberId() {
        // given
        joinCompleted(join("", "instance-9", 9, "range"));

        // when
        List<MemberResponse> responses = membership.leave(GROUP, List.of(
                new MemberIdentity().setMemberId("").setGroupInstanceId("instance-9")));

        // then
        assertEquals(Errors.NONE.code(), responses.get(0).errorCode());
        assertEquals(0, group().numMembers());
    }

    // ------------------------------------------------------------------ helpers

    private ClassicGroup group() {
        return groups.get(GROUP);
    }

    /** Two dynamic members joined at generation 1 and synced: Stable. Returns [leader, follower]. */
    private List<String> stableGroupOfTwo() {
        List<JoinGroupResponseData> joined = joinTwo();
        JoinGroupResponseData leader = joined.stream().filter(j -> !j.members().isEmpty()).findFirst().orElseThrow();
        JoinGroupResponseData follower = joined.stream().filter(j -> j.members().isEmpty()).findFirst().orElseThrow();
        CompletableFuture<SyncGroupResponseData> followerSync = sync(follower.memberId(), 1, Map.of());
        sync(leader.memberId(), 1, Map.of()).join();
        followerSync.join();
        assertEquals(GroupState.STABLE, group().state());
        return List.of(leader.memberId(), follower.memberId());
    }

    /** Two members joined with v3 (no member-id round trip), both answered at generation 1. */
    private List<JoinGroupResponseData> joinTwo() {
        membership = membership(100, 10);
        CompletableFuture<JoinGroupResponseData> first = join("", null, 3, "range");
        CompletableFuture<JoinGroupResponseData> second = join("", null, 3, "range");
        // the second member extends the initial delay once
        advance(100);
        advance(100);
        List<JoinGroupResponseData> joined = List.of(first.join(), second.join());
        joined.forEach(response -> assertEquals(1, response.generationId()));
        return joined;
    }

    private CompletableFuture<JoinGroupResponseData> joinNew(String protocol) {
        return join("", null, 3, protocol);
    }

    private JoinGroupResponseData joinCompleted(CompletableFuture<JoinGroupResponseData> join) {
        advance(10);
        return join.join();
    }

    private CompletableFuture<JoinGroupResponseData> join(String memberId, String instanceId, int version,
                                                          String protocol) {
        return join(memberId, instanceId, version, protocol, new byte[] {1});
    }

    private CompletableFuture<JoinGroupResponseData> join(String memberId, String instanceId, int version,
                                                          String protocol, byte[] metadata) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName(protocol).setMetadata(metadata));
        JoinGroupRequestData request = new JoinGroupRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setGroupInstanceId(instanceId).setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(REBALANCE_MS)
                .setProtocolType("consumer").setProtocols(protocols);
        // Bounded: a test that expects an answer fails instead of hanging when none comes.
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<JoinGroupResponseData>()
                .orTimeout(5, TimeUnit.SECONDS);
        membership.join(request, (short) version, "client", "/127.0.0.1", response);
        return response;
    }

    private CompletableFuture<SyncGroupResponseData> sync(String memberId, int generation, Map<String, byte[]> assignment) {
        List<SyncGroupRequestAssignment> assignments = new ArrayList<>();
        assignment.forEach((member, bytes) -> assignments.add(new SyncGroupRequestAssignment()
                .setMemberId(member).setAssignment(bytes)));
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<SyncGroupResponseData>()
                .orTimeout(5, TimeUnit.SECONDS);
        membership.sync(new SyncGroupRequestData().setGroupId(GROUP).setMemberId(memberId).setGenerationId(generation)
                .setAssignments(assignments), response);
        return response;
    }

    private Errors heartbeat(String memberId, int generation) {
        return membership.heartbeat(GROUP, memberId, null, generation);
    }
}
