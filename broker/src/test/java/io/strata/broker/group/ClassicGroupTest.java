package io.strata.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.fetch.ManualTime;
import io.strata.broker.group.ClassicGroupMember.Protocol;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The bookkeeping of one classic group: members, leader, protocols, static members, transitions. */
class ClassicGroupTest {

    private final ManualTime time = new ManualTime();
    private final ClassicGroup group = new ClassicGroup("g", GroupState.EMPTY, time);

    @Test
    void shouldSelectProtocolWithMostVotesAmongThoseAllMembersSupport() {
        // given: "range" is everyone's, "sticky" preferred by two, "roundrobin" only by one
        group.add(member("a", null, "sticky", "range"), null);
        group.add(member("b", null, "sticky", "range"), null);
        group.add(member("c", null, "range", "roundrobin"), null);

        // when / then: sticky is not supported by c, so range wins
        assertEquals("range", group.selectProtocol());
        group.remove("c");
        assertEquals("sticky", group.selectProtocol());
    }

    @Test
    void shouldAcceptOnlySharedProtocolsWhenGroupIsNotEmpty() {
        // given
        group.add(member("a", null, "range"), null);
        group.transitionTo(GroupState.PREPARING_REBALANCE);

        // when / then
        assertTrue(group.supportsProtocols("consumer", Set.of("range", "x")));
        assertFalse(group.supportsProtocols("consumer", Set.of("x")));
        assertFalse(group.supportsProtocols("connect", Set.of("range")));
        assertTrue(new ClassicGroup("new", GroupState.EMPTY, time).supportsProtocols("anything", Set.of("x")));
        assertFalse(new ClassicGroup("new", GroupState.EMPTY, time).supportsProtocols("", Set.of("x")));
    }

    @Test
    void shouldElectNextMemberWhenLeaderLeaves() {
        // given
        group.add(member("a", null, "range"), null);
        group.add(member("b", null, "range"), null);

        // when
        group.remove("a");

        // then
        assertEquals("b", group.leaderOrNull());
        group.remove("b");
        assertNull(group.leaderOrNull());
    }

    @Test
    void shouldFenceOldIdAndKeepAssignmentWhenStaticMemberIsReplaced() {
        // given
        ClassicGroupMember old = member("old", "instance", "range");
        old.setAssignment(new byte[] {4});
        CompletableFuture<JoinGroupResponseData> pendingJoin = new CompletableFuture<>();
        group.add(old, pendingJoin);

        // when
        ClassicGroupMember replacement = group.replaceStaticMember("instance", "old", "new");

        // then
        assertEquals(Errors.FENCED_INSTANCE_ID.code(), pendingJoin.join().errorCode());
        assertEquals("new", group.staticMemberId("instance"));
        assertEquals("new", group.leaderOrNull());
        assertEquals(4, replacement.assignment()[0]);
        assertEquals(Errors.FENCED_INSTANCE_ID, group.validateMember("old", "instance"));
        assertEquals(Errors.NONE, group.validateMember("new", "instance"));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, group.validateMember("new", "other-instance"));
        assertEquals(0, group.numAwaitingJoin());
    }

    @Test
    void shouldRefuseTransitionWhenKafkaDoesNotAllowIt() {
        // when / then
        assertThrows(IllegalStateException.class, () -> group.transitionTo(GroupState.STABLE));
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        time.advance(5);
        group.transitionTo(GroupState.EMPTY);
        assertEquals(GroupState.PREPARING_REBALANCE, group.previousState());
        assertEquals(time.milliseconds(), group.currentStateTimestampMs());
    }

    @Test
    void shouldKnowSubscribedTopicsWhenConsumerGroupEntersGeneration() {
        // given: a consumer whose metadata subscribes to two topics
        ByteBuffer subscription = ConsumerProtocol.serializeSubscription(new Subscription(List.of("t1", "t2")));
        byte[] metadata = new byte[subscription.remaining()];
        subscription.get(metadata);
        group.add(new ClassicGroupMember("a", null, "c", "h", 1000, 1000, "consumer",
                List.of(new Protocol("range", metadata))), new CompletableFuture<>());
        group.transitionTo(GroupState.PREPARING_REBALANCE);

        // when
        group.initNextGeneration();

        // then
        assertEquals(GroupState.COMPLETING_REBALANCE, group.state());
        assertEquals(Set.of("t1", "t2"), group.subscribedTopics());
        assertTrue(group.isSubscribedToTopic("t1"));
        assertFalse(group.isSubscribedToTopic("t3"));
    }

    @Test
    void shouldRestoreMembersAndAssignmentsWhenLoadedFromStoredGroup() {
        // given
        group.add(member("a", "i-a", "range"), null);
        group.member("a").setAssignment(new byte[] {9});
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        group.initNextGeneration();

        // when
        ClassicGroup loaded = ClassicGroup.fromStored(group.toStored(group.assignments()), time);

        // then
        assertEquals(GroupState.STABLE, loaded.state());
        assertEquals(1, loaded.generationId());
        assertEquals("range", loaded.protocolName());
        assertEquals("a", loaded.leaderOrNull());
        assertEquals("a", loaded.staticMemberId("i-a"));
        assertEquals(9, loaded.member("a").assignment()[0]);
    }

    private static ClassicGroupMember member(String id, String instanceId, String... protocols) {
        return new ClassicGroupMember(id, instanceId, "client", "/127.0.0.1", 30_000, 10_000, "consumer",
                Arrays.stream(protocols).map(name -> new Protocol(name, new byte[] {1})).toList());
    }
}
