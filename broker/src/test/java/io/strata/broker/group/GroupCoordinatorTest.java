package io.strata.broker.group;

import static io.strata.broker.metadata.RegistryFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.dispatch.StorageExecutors;
import io.strata.broker.fetch.ManualTime;
import io.strata.broker.fetch.ManualTimer;
import io.strata.broker.metadata.RegistryFixture;
import io.strata.broker.metadata.TopicMetadata;
import io.strata.broker.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator over a real topic registry: lazy creation of {@code __consumer_offsets}, answers
 * while a partition loads, offset expiry and the removal of a deleted topic's offsets.
 */
class GroupCoordinatorTest {

    private static final long RETENTION_MS = 60_000;
    private static final long CHECK_INTERVAL_MS = 1_000;

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime();
    private final ManualTimer timer = new ManualTimer();
    private RegistryFixture fixture;
    private StorageExecutors storage;
    private GroupCoordinator coordinator;

    private GroupCoordinator start() throws Exception {
        fixture = fixture == null ? RegistryFixture.open(dir, Map.of(
                "offsets.topic.num.partitions", "3",
                "offsets.retention.ms", Long.toString(RETENTION_MS),
                "offsets.retention.check.interval.ms", Long.toString(CHECK_INTERVAL_MS),
                "group.initial.rebalance.delay.ms", "0")) : fixture.restart();
        storage = new StorageExecutors(1);
        coordinator = new GroupCoordinator(GroupCoordinatorConfig.from(fixture.config()), fixture.registry(), storage,
                time, timer, Executors.newSingleThreadExecutor());
        fixture.registry().addDeletionListener(topic -> coordinator.onTopicDeleted(topic.name()));
        coordinator.startup();
        return coordinator;
    }

    private void stop() {
        coordinator.close();
        storage.close();
    }

    @AfterEach
    void close() {
        if (coordinator != null) {
            stop();
            fixture.close();
        }
    }

    @Test
    void shouldCreateOffsetsTopicWhenFirstLookedUp() throws Exception {
        // given
        start();
        assertTrue(fixture.registry().topic(Topic.GROUP_METADATA_TOPIC_NAME).isEmpty(), "not created at start");

        // when
        await(coordinator.ensureOffsetsTopic());

        // then
        TopicMetadata topic = fixture.registry().topic(Topic.GROUP_METADATA_TOPIC_NAME).orElseThrow();
        assertEquals(3, topic.partitions());
        assertEquals("-1", topic.configs().get("retention.ms"));
        assertEquals("delete", topic.configs().get("cleanup.policy"));
    }

    @Test
    void shouldAnswerLoadInProgressUntilPartitionIsLoadedWhenBrokerRestarts() throws Exception {
        // given: offsets committed before a restart
        start();
        createTopic("t");
        commit("g", "t", 0, 17);
        stop();
        fixture = fixture.restart();
        // the partition's storage thread is busy, so the load waits
        storage = new StorageExecutors(1);
        CountDownLatch release = new CountDownLatch(1);
        storage.any().execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        coordinator = new GroupCoordinator(GroupCoordinatorConfig.from(fixture.config()), fixture.registry(), storage,
                time, timer, Executors.newSingleThreadExecutor());
        coordinator.startup();

        // when / then: while loading, Kafka's answer for each API
        assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS.code(),
                await(coordinator.joinGroup(join("g"), (short) 9, "c", "h")).errorCode());
        assertEquals(Errors.REBALANCE_IN_PROGRESS.code(), await(coordinator.syncGroup(
                new SyncGroupRequestData().setGroupId("g").setMemberId("m"))).errorCode());
        assertEquals(Errors.NONE, await(coordinator.heartbeat(new HeartbeatRequestData().setGroupId("g"))));
        assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS.code(), fetch("g", "t").errorCode());
        assertInstanceOf(CoordinatorLoadInProgressException.class,
                RegistryFixture.failure(coordinator.listGroups(Set.of(), Set.of())));

        // when / then: once loaded, the offset is back
        release.countDown();
        Poll.until(Duration.ofSeconds(10), "the partition to load",
                () -> fetch("g", "t").errorCode() == Errors.NONE.code());
        assertEquals(17, fetch("g", "t").topics().get(0).partitions().get(0).committedOffset());
    }

    @Test
    void shouldExpireOffsetsAndRemoveGroupWhenSimpleGroupStaysUnusedPastRetention() throws Exception {
        // given
        start();
        createTopic("t");
        commit("old", "t", 0, 5);
        time.advance(RETENTION_MS / 2);
        commit("recent", "t", 0, 6);

        // when: the retention passes for the first commit only
        time.advance(RETENTION_MS / 2);
        timer.advance(CHECK_INTERVAL_MS);

        // then
        Poll.until(Duration.ofSeconds(10), "the expiry",
                () -> fetch("old", "t").topics().get(0).partitions().get(0).committedOffset() == -1);
        assertEquals(6, fetch("recent", "t").topics().get(0).partitions().get(0).committedOffset());
        List<String> listed = await(coordinator.listGroups(Set.of(), Set.of())).stream().map(g -> g.groupId()).toList();
        assertEquals(List.of("recent"), listed);
    }

    @Test
    void shouldDeleteCommittedOffsetsWhenTopicIsDeleted() throws Exception {
        // given
        start();
        createTopic("doomed");
        createTopic("kept");
        commit("g", "doomed", 0, 3);
        commit("g", "kept", 0, 4);

        // when
        await(fixture.registry().deleteTopic("doomed"));

        // then
        Poll.until(Duration.ofSeconds(10), "the offsets of the deleted topic to go",
                () -> fetch("g", "doomed").topics().get(0).partitions().get(0).committedOffset() == -1);
        assertEquals(4, fetch("g", "kept").topics().get(0).partitions().get(0).committedOffset());
    }

    @Test
    void shouldRefuseCommitWhenGroupIsUnknownOrGenerationIsStale() throws Exception {
        // given
        start();
        createTopic("t");

        // when
        Map<TopicPartition, Errors> unknownGroup = await(coordinator.commitOffsets(commitRequest("nobody", "t", 0, 1)
                .setGenerationIdOrMemberEpoch(3).setMemberId("m")));

        // then
        assertEquals(Map.of(new TopicPartition("t", 0), Errors.ILLEGAL_GENERATION), unknownGroup);
        assertFalse(await(coordinator.listGroups(Set.of(), Set.of())).stream()
                .anyMatch(group -> group.groupId().equals("nobody")));
    }

    private void createTopic(String name) {
        await(fixture.registry().createTopic(name, 1, (short) 1, Map.of(), false));
    }

    private void commit(String group, String topic, int partition, long offset) {
        Map<TopicPartition, Errors> result = await(coordinator.commitOffsets(commitRequest(group, topic, partition, offset)));
        assertEquals(Map.of(new TopicPartition(topic, partition), Errors.NONE), result);
    }

    private static OffsetCommitRequestData commitRequest(String group, String topic, int partition, long offset) {
        return new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(new OffsetCommitRequestTopic().setName(topic).setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(partition).setCommittedOffset(offset)))));
    }

    private OffsetFetchResponseGroup fetch(String group, String topic) {
        return await(coordinator.fetchOffsets(group, List.of(new OffsetFetchRequestTopics().setName(topic)
                .setPartitionIndexes(List.of(0)))));
    }

    private static JoinGroupRequestData join(String group) {
        return new JoinGroupRequestData().setGroupId(group).setMemberId("").setSessionTimeoutMs(10_000)
                .setRebalanceTimeoutMs(10_000).setProtocolType("consumer");
    }
}
