package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.Poll;
import io.strata.broker.testing.RawKafkaClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group protocol on a raw socket, checking Kafka's error codes for requests a well-behaved
 * client would not send (empty group id, session timeout out of range, stale generation, a member
 * that stops heartbeating), and how real clients fail for what this broker does not offer
 * (transactions, the KIP-848 consumer protocol).
 */
class GroupProtocolIT {

    private static final short JOIN_VERSION = 9;
    private static final int SESSION_TIMEOUT_MS = 1000;

    @TempDir
    static Path dir;
    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(dir, Map.of(
                "group.initial.rebalance.delay.ms", "0",
                "group.min.session.timeout.ms", "500",
                "group.max.session.timeout.ms", "60000",
                "offset.metadata.max.bytes", "10"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldAnswerInvalidGroupIdWhenJoinGroupHasEmptyGroupId() throws Exception {
        // when
        JoinGroupResponseData response = join(join("", "", SESSION_TIMEOUT_MS));

        // then
        assertEquals(Errors.INVALID_GROUP_ID.code(), response.errorCode());
    }

    @Test
    void shouldAnswerInvalidSessionTimeoutWhenSessionTimeoutIsOutOfRange() throws Exception {
        // when
        JoinGroupResponseData tooShort = join(join("timeouts", "", 100));
        JoinGroupResponseData tooLong = join(join("timeouts", "", 60_001));

        // then
        assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), tooShort.errorCode());
        assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), tooLong.errorCode());
    }

    @Test
    void shouldAnswerIllegalGenerationThenRemoveMemberWhenItStopsHeartbeating() throws Exception {
        // given: a member that joined (MEMBER_ID_REQUIRED first) and synced generation 1
        String group = "raw-group";
        JoinGroupResponseData first = join(join(group, "", SESSION_TIMEOUT_MS));
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        String memberId = first.memberId();
        JoinGroupResponseData joined = join(join(group, memberId, SESSION_TIMEOUT_MS));
        assertEquals(Errors.NONE.code(), joined.errorCode());
        assertEquals(1, joined.generationId());
        assertEquals(memberId, joined.leader());
        assertEquals(List.of(memberId), joined.members().stream().map(m -> m.memberId()).toList());
        SyncGroupResponseData synced = ((SyncGroupResponse) send(ApiKeys.SYNC_GROUP, (short) 5,
                new SyncGroupRequestData().setGroupId(group).setGenerationId(1).setMemberId(memberId)
                        .setProtocolType("raw").setProtocolName("p1")
                        .setAssignments(List.of(new SyncGroupRequestAssignment().setMemberId(memberId)
                                .setAssignment(new byte[] {7}))))).data();
        assertEquals(Errors.NONE.code(), synced.errorCode());
        assertEquals(1, synced.assignment().length);

        // when / then: a heartbeat of another generation is refused, the right one accepted
        assertEquals(Errors.ILLEGAL_GENERATION, heartbeat(group, memberId, 7));
        assertEquals(Errors.NONE, heartbeat(group, memberId, 1));

        // when / then: without heartbeats the member is removed after its session timeout
        long start = System.nanoTime();
        Poll.until(Duration.ofSeconds(20), "the silent member's removal",
                () -> "Empty".equals(describe(group).groupState()));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(SESSION_TIMEOUT_MS / 2).toNanos(),
                "not removed before its session could expire");
        assertTrue(describe(group).members().isEmpty());
        assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat(group, memberId, 1));
    }

    @Test
    void shouldAnswerUnknownMemberWhenGroupDoesNotExist() throws Exception {
        // when
        Errors heartbeat = heartbeat("no-such-group", "m-1", 1);
        JoinGroupResponseData rejoin = join(join("no-such-group", "m-1", SESSION_TIMEOUT_MS));

        // then
        assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat);
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), rejoin.errorCode());
    }

    @Test
    void shouldAnswerPerPartitionErrorsWhenCommitNamesUnknownTopicOrTooMuchMetadata() throws Exception {
        // given
        try (var admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("commit-topic", 2, (short) 1))).all().get();
        }

        // when
        OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId("commit-group")
                .setGenerationIdOrMemberEpoch(-1).setMemberId("").setTopics(List.of(
                        new OffsetCommitRequestTopic().setName("commit-topic").setPartitions(List.of(
                                new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5)
                                        .setCommittedMetadata("short"),
                                new OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(6)
                                        .setCommittedMetadata("far too long for ten bytes"),
                                new OffsetCommitRequestPartition().setPartitionIndex(2).setCommittedOffset(5))),
                        new OffsetCommitRequestTopic().setName("no-such-topic").setPartitions(List.of(
                                new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5)))));
        OffsetCommitResponseData response = ((OffsetCommitResponse) send(ApiKeys.OFFSET_COMMIT, (short) 9, request)).data();

        // then
        List<Short> known = response.topics().get(0).partitions().stream().map(p -> p.errorCode()).toList();
        assertEquals(List.of(Errors.NONE.code(), Errors.OFFSET_METADATA_TOO_LARGE.code(),
                Errors.UNKNOWN_TOPIC_OR_PARTITION.code()), known);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.topics().get(1).partitions().get(0).errorCode());
    }

    @Test
    void shouldAnswerBrokerForGroupKeysAndInvalidRequestForTransactionKeysWhenLookupIsBatched() throws Exception {
        // when
        FindCoordinatorResponseData groups = ((FindCoordinatorResponse) send(ApiKeys.FIND_COORDINATOR, (short) 6,
                new FindCoordinatorRequestData().setKeyType(CoordinatorType.GROUP.id())
                        .setCoordinatorKeys(List.of("g1", "g2")))).data();
        FindCoordinatorResponseData transactions = ((FindCoordinatorResponse) send(ApiKeys.FIND_COORDINATOR, (short) 6,
                new FindCoordinatorRequestData().setKeyType(CoordinatorType.TRANSACTION.id())
                        .setCoordinatorKeys(List.of("txn")))).data();

        // then
        assertEquals(List.of("g1", "g2"), groups.coordinators().stream().map(c -> c.key()).toList());
        for (FindCoordinatorResponseData.Coordinator coordinator : groups.coordinators()) {
            assertEquals(Errors.NONE.code(), coordinator.errorCode());
            assertEquals(1, coordinator.nodeId());
            assertEquals(broker.port(), coordinator.port());
        }
        assertEquals(Errors.INVALID_REQUEST.code(), transactions.coordinators().get(0).errorCode());
    }

    @Test
    void shouldFailFastWhenTransactionalProducerInitializes() {
        // given
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "txn-1", ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000))) {
            long start = System.nanoTime();

            // when
            KafkaException failure = assertThrows(KafkaException.class, producer::initTransactions);

            // then: a fatal error right away, not a timeout after max.block.ms
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "failed fast: " + failure);
            assertTrue(String.valueOf(failure.getMessage()).contains("TRANSACTION"), failure.toString());
        }
    }

    @Test
    void shouldRefuseConsumerProtocolWhenConsumerAsksForIt() {
        // given: a consumer of the KIP-848 protocol, which needs ConsumerGroupHeartbeat
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "new-protocol", ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"))) {
            consumer.subscribe(List.of("anything"));

            // when / then
            Throwable failure = assertThrows(KafkaException.class, () -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(100));
                }
            });
            Throwable cause = failure;
            while (!(cause instanceof UnsupportedVersionException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertInstanceOf(UnsupportedVersionException.class, cause, failure.toString());
        }
    }

    private static JoinGroupRequestData join(String group, String memberId, int sessionTimeoutMs) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("p1").setMetadata(new byte[] {1}));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setSessionTimeoutMs(sessionTimeoutMs)
                .setRebalanceTimeoutMs(5000).setProtocolType("raw").setProtocols(protocols);
    }

    private static JoinGroupResponseData join(JoinGroupRequestData request) throws IOException {
        return ((JoinGroupResponse) send(ApiKeys.JOIN_GROUP, JOIN_VERSION, request)).data();
    }

    private static Errors heartbeat(String group, String memberId, int generation) throws IOException {
        return Errors.forCode(((HeartbeatResponse) send(ApiKeys.HEARTBEAT, (short) 4, new HeartbeatRequestData()
                .setGroupId(group).setMemberId(memberId).setGenerationId(generation))).data().errorCode());
    }

    private static DescribedGroup describe(String group) {
        try {
            return ((DescribeGroupsResponse) send(ApiKeys.DESCRIBE_GROUPS, (short) 5,
                    new DescribeGroupsRequestData().setGroups(List.of(group)))).data().groups().get(0);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static AbstractResponse send(ApiKeys apiKey, short version, ApiMessage data)
            throws IOException {
        try (RawKafkaClient raw = new RawKafkaClient("127.0.0.1", broker.port())) {
            AbstractRequest request = AbstractRequest.parseRequest(apiKey, version,
                    MessageUtil.toByteBufferAccessor(data, version)).request;
            return raw.send(request);
        }
    }
}
