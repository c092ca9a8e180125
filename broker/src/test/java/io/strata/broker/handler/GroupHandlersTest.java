package io.strata.broker.handler;

import static io.strata.broker.handler.AdminRequests.respondRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.util.HashedWheelTimer;
import io.strata.broker.dispatch.StorageExecutors;
import io.strata.broker.group.GroupCoordinator;
import io.strata.broker.group.GroupCoordinatorConfig;
import io.strata.broker.metadata.RegistryFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group API handlers at every version they advertise: each answer is written at the request's
 * version and read back by kafka-clients, so a field a version does not have never breaks it.
 */
class GroupHandlersTest {

    @TempDir
    Path dir;
    private RegistryFixture fixture;
    private StorageExecutors storage;
    private HashedWheelTimer timer;
    private GroupCoordinator coordinator;

    @BeforeEach
    void start() throws Exception {
        fixture = RegistryFixture.open(dir, Map.of("group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "3"));
        storage = new StorageExecutors(2);
        timer = new HashedWheelTimer();
        coordinator = GroupCoordinator.create(GroupCoordinatorConfig.from(fixture.config()), fixture.registry(), storage,
                Time.SYSTEM, timer);
        coordinator.startup();
        RegistryFixture.await(fixture.registry().createTopic("t", 2, (short) 1, Map.of(), false));
    }

    @AfterEach
    void stop() {
        coordinator.close();
        timer.stop();
        storage.close();
        fixture.close();
    }

    @Test
    void shouldJoinSyncHeartbeatAndLeaveWhenClientSpeaksAnyVersion() {
        for (short version = ApiKeys.JOIN_GROUP.oldestVersion(); version <= ApiKeys.JOIN_GROUP.latestVersion(); version++) {
            // given
            String group = "group-v" + version;
            short syncVersion = (short) Math.min(version, ApiKeys.SYNC_GROUP.latestVersion());

            // when
            JoinGroupResponseData joined = respondRaw(new JoinGroupHandler(coordinator), join(group, ""), version);
            if (joined.errorCode() == Errors.MEMBER_ID_REQUIRED.code()) {
                joined = respondRaw(new JoinGroupHandler(coordinator), join(group, joined.memberId()), version);
            }
            String member = joined.memberId();
            SyncGroupResponseData synced = respondRaw(new SyncGroupHandler(coordinator), new SyncGroupRequestData()
                    .setGroupId(group).setGenerationId(joined.generationId()).setMemberId(member)
                    .setProtocolType(syncVersion >= 5 ? "consumer" : null).setProtocolName(syncVersion >= 5 ? "range" : null)
                    .setAssignments(List.of(new SyncGroupRequestAssignment().setMemberId(member)
                            .setAssignment(new byte[] {4}))), syncVersion);
            HeartbeatResponseData heartbeat = respondRaw(new HeartbeatHandler(coordinator), new HeartbeatRequestData()
                    .setGroupId(group).setMemberId(member).setGenerationId(joined.generationId()),
                    (short) Math.min(version, ApiKeys.HEARTBEAT.latestVersion()));
            short leaveVersion = (short) Math.min(version, ApiKeys.LEAVE_GROUP.latestVersion());
            LeaveGroupRequestData leave = new LeaveGroupRequestData().setGroupId(group);
            if (leaveVersion >= 3) {
                leave.setMembers(List.of(new MemberIdentity().setMemberId(member)));
            } else {
                leave.setMemberId(member);
            }
            LeaveGroupResponseData left = respondRaw(new LeaveGroupHandler(coordinator), leave, leaveVersion);

            // then
            assertEquals(Errors.NONE.code(), joined.errorCode(), "JoinGroup v" + version);
            assertEquals(1, joined.generationId());
            assertEquals(member, joined.leader());
            assertEquals("range", joined.protocolName());
            assertEquals(Errors.NONE.code(), synced.errorCode(), "SyncGroup v" + syncVersion);
            assertEquals(4, synced.assignment()[0]);
            assertEquals(Errors.NONE.code(), heartbeat.errorCode());
            assertEquals(Errors.NONE.code(), left.errorCode(), "LeaveGroup v" + leaveVersion);
            if (leaveVersion >= 3) {
                assertEquals(Errors.NONE.code(), left.members().get(0).errorCode());
            }
        }
    }

    @Test
    void shouldCommitAndFetchOffsetsWhenClientSpeaksAnyVersion() {
        for (short version = 2; version <= 9; version++) {
            // given
            String group = "offsets-v" + version;

            // when
            OffsetCommitResponseData committed = respondRaw(new OffsetCommitHandler(fixture.registry(), coordinator),
                    new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(-1).setMemberId("")
                            .setTopics(List.of(new OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                                    new OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(40L + version)
                                            .setCommittedMetadata("m"))))), version);
            short fetchVersion = (short) (version - 1);
            OffsetFetchResponseData fetched = respondRaw(new OffsetFetchHandler(coordinator), fetch(group, fetchVersion),
                    fetchVersion);

            // then
            assertEquals(Errors.NONE.code(), committed.topics().get(0).partitions().get(0).errorCode(),
                    "OffsetCommit v" + version);
            long offset = fetchVersion >= 8
                    ? fetched.groups().get(0).topics().get(0).partitions().get(0).committedOffset()
                    : fetched.topics().get(0).partitions().get(0).committedOffset();
            assertEquals(40L + version, offset, "OffsetFetch v" + fetchVersion);
        }
    }

    @Test
    void shouldDescribeListAndDeleteGroupsWhenClientSpeaksAnyVersion() {
        // given: a group with a committed offset
        respondRaw(new OffsetCommitHandler(fixture.registry(), coordinator), new OffsetCommitRequestData()
                .setGroupId("listed").setGenerationIdOrMemberEpoch(-1).setMemberId("").setTopics(List.of(
                        new OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                                new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1))))),
                (short) 9);

        for (short version = 0; version <= ApiKeys.DESCRIBE_GROUPS.latestVersion(); version++) {
            // when
            DescribeGroupsResponseData described = respondRaw(new DescribeGroupsHandler(coordinator),
                    new DescribeGroupsRequestData().setGroups(List.of("listed", "unknown"))
                            .setIncludeAuthorizedOperations(version >= 3), version);

            // then
            assertEquals("Empty", described.groups().get(0).groupState());
            assertEquals("Dead", described.groups().get(1).groupState());
            assertEquals(version >= 6 ? Errors.GROUP_ID_NOT_FOUND.code() : Errors.NONE.code(),
                    described.groups().get(1).errorCode(), "DescribeGroups v" + version);
        }
        for (short version = 0; version <= ApiKeys.LIST_GROUPS.latestVersion(); version++) {
            ListGroupsResponseData listed = respondRaw(new ListGroupsHandler(coordinator), new ListGroupsRequestData()
                    .setStatesFilter(version >= 4 ? List.of("EMPTY") : List.of())
                    .setTypesFilter(version >= 5 ? List.of("classic") : List.of()), version);
            assertEquals(List.of("listed"), listed.groups().stream().map(g -> g.groupId()).toList(), "v" + version);
        }
        for (short version = 0; version <= ApiKeys.FIND_COORDINATOR.latestVersion(); version++) {
            FindCoordinatorRequestData request = version >= 4
                    ? new FindCoordinatorRequestData().setCoordinatorKeys(List.of("listed"))
                    : new FindCoordinatorRequestData().setKey("listed");
            FindCoordinatorResponseData found = respondRaw(
                    new FindCoordinatorHandler(fixture.config(), coordinator), request, version);
            int nodeId = version >= 4 ? found.coordinators().get(0).nodeId() : found.nodeId();
            assertEquals(fixture.config().nodeId(), nodeId, "FindCoordinator v" + version);
        }
        OffsetDeleteResponseData deletedOffsets = respondRaw(new OffsetDeleteHandler(fixture.registry(), coordinator),
                new OffsetDeleteRequestData().setGroupId("listed").setTopics(
                        new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection(List.of(
                                new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName("t").setPartitions(List.of(
                                        new OffsetDeleteRequestData.OffsetDeleteRequestPartition()
                                                .setPartitionIndex(0)))).iterator())), (short) 0);
        assertEquals(Errors.NONE.code(), deletedOffsets.errorCode());
        for (short version = 0; version <= ApiKeys.DELETE_GROUPS.latestVersion(); version++) {
            DeleteGroupsResponseData deleted = respondRaw(new DeleteGroupsHandler(coordinator),
                    new DeleteGroupsRequestData().setGroupsNames(List.of("listed")), version);
            assertEquals(version == 0 ? Errors.NONE.code() : Errors.GROUP_ID_NOT_FOUND.code(),
                    deleted.results().find("listed").errorCode(), "DeleteGroups v" + version);
        }
    }

    private static JoinGroupRequestData join(String group, String memberId) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[] {0}));
        return new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(10_000).setProtocolType("consumer").setProtocols(protocols);
    }

    private static OffsetFetchRequestData fetch(String group, short version) {
        if (version >= 8) {
            return new OffsetFetchRequestData().setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                    .setGroupId(group).setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                            .setName("t").setPartitionIndexes(List.of(1))))));
        }
        return new OffsetFetchRequestData().setGroupId(group).setTopics(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestTopic().setName("t").setPartitionIndexes(List.of(1))));
    }
}
