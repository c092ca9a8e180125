package io.strata.broker.metadata;

import static io.strata.broker.metadata.RegistryFixture.await;
import static io.strata.broker.metadata.RegistryFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.metadata.TopicRegistry.ConfigChange;
import io.strata.storage.log.LogConfig;
import io.strata.storage.log.PartitionLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicRegistryTest {

    @TempDir
    Path dir;

    private RegistryFixture fixture;
    private TopicRegistry topics;

    @BeforeEach
    void setUp() throws Exception {
        fixture = RegistryFixture.open(dir, Map.of("num.partitions", "2"));
        topics = fixture.registry();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void shouldCreateTheLogsAndStoreTheTopicWhenCreated() throws Exception {
        // when
        TopicMetadata created = await(topics.createTopic("orders", 3, (short) 1,
                Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"), false));

        // then
        assertEquals(Optional.of(created), topics.topic("orders"));
        assertEquals(Optional.of(created), topics.topic(created.topicId()));
        assertEquals(3, created.partitions());
        for (int partition = 0; partition < 3; partition++) {
            PartitionLog log = topics.log(new TopicPartition("orders", partition)).orElseThrow();
            assertEquals(created.topicId(), log.topicId());
            assertEquals(1000L, log.config().retentionMs());
            assertTrue(Files.isDirectory(log.dir()));
        }
        assertEquals(1000L, topics.logConfig("orders").retentionMs());
        assertEquals(List.of(created), TopicStore.open(fixture.config()).topics());
    }

    @Test
    void shouldKeepTopicsAndTheirLogsWhenRestarted() throws Exception {
        // given
        TopicMetadata created = await(topics.createTopic("orders", 2, (short) -1,
                Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, "2000000"), false));

        // when
        fixture = fixture.restart();
        topics = fixture.registry();

        // then
        assertEquals(Optional.of(created), topics.topic("orders"));
        assertEquals(2_000_000, topics.log(new TopicPartition("orders", 1)).orElseThrow().config().segmentBytes());
        assertEquals(fixture.store().clusterId(), topics.clusterId());
    }

    @Test
    void shouldUseTheBrokerDefaultsWhenPartitionsAndReplicationAreMinusOne() {
        // when
        TopicMetadata created = await(topics.createTopic("events", -1, (short) -1, Map.of(), false));

        // then
        assertEquals(2, created.partitions());
        assertEquals(fixture.config().defaultLogConfig(), topics.logConfig("events"));
        assertEquals(fixture.config().defaultLogConfig(), topics.logConfig("no-such-topic"));
    }

    @Test
    void shouldCreateNothingWhenOnlyValidating() {
        // when
        TopicMetadata validated = await(topics.createTopic("orders", 4, (short) 1, Map.of(), true));

        // then
        assertEquals(4, validated.partitions());
        assertEquals(Optional.empty(), topics.topic("orders"));
        assertEquals(Optional.empty(), fixture.partitionLogs().get(new TopicPartition("orders", 0)));
    }

    @Test
    void shouldFailWithTopicExistsWhenTheNameIsTaken() {
        // given
        await(topics.createTopic("orders", 1, (short) 1, Map.of(), false));

        // when
        Throwable failure = failure(topics.createTopic("orders", 1, (short) 1, Map.of(), false));

        // then
        assertInstanceOf(TopicExistsException.class, failure);
    }

    @Test
    void shouldFailWithInvalidTopicWhenTheNameIsInvalidOrCollides() {
        // given
        await(topics.createTopic("metrics.cpu", 1, (short) 1, Map.of(), false));

        // when
        Throwable invalid = failure(topics.createTopic("bad name", 1, (short) 1, Map.of(), false));
        Throwable collides = failure(topics.createTopic("metrics_cpu", 1, (short) 1, Map.of(), false));

        // then
        assertInstanceOf(InvalidTopicException.class, invalid);
        assertInstanceOf(InvalidTopicException.class, collides);
        assertTrue(collides.getMessage().contains("metrics.cpu"), collides.getMessage());
    }

    @Test
    void shouldFailWithInvalidPartitionsWhenTheCountIsNotPositive() {
        // when
        Throwable failure = failure(topics.createTopic("orders", 0, (short) 1, Map.of(), false));

        // then
        assertInstanceOf(InvalidPartitionsException.class, failure);
    }

    @Test
    void shouldFailWithInvalidReplicationFactorWhenMoreThanOneReplicaIsAsked() {
        // when
        Throwable tooMany = failure(topics.createTopic("orders", 1, (short) 3, Map.of(), false));
        Throwable zero = failure(topics.createTopic("orders", 1, (short) 0, Map.of(), false));

        // then
        assertInstanceOf(InvalidReplicationFactorException.class, tooMany);
        assertInstanceOf(InvalidReplicationFactorException.class, zero);
    }

    @Test
    void shouldCreateOnePartitionPerAssignmentWhenAssignmentsNameThisNode() {
        // when
        TopicMetadata created = await(topics.createTopic("orders", -1, (short) -1,
                Map.of(0, List.of(1), 1, List.of(1), 2, List.of(1)), Map.of(), false));

        // then
        assertEquals(3, created.partitions());
    }

    @Test
    void shouldRefuseAssignmentsWhenTheyNameOtherBrokersOrLeaveGaps() {
        // when
        Throwable otherBroker = failure(topics.createTopic("a", -1, (short) -1, Map.of(0, List.of(2)), Map.of(), false));
        Throwable twice = failure(topics.createTopic("b", -1, (short) -1, Map.of(0, List.of(1, 1)), Map.of(), false));
        Throwable empty = failure(topics.createTopic("c", -1, (short) -1, Map.of(0, List.of()), Map.of(), false));
        Throwable gap = failure(topics.createTopic("d", -1, (short) -1, Map.of(0, List.of(1), 2, List.of(1)), Map.of(),
                false));
        Throwable withCount = failure(topics.createTopic("e", 1, (short) -1, Map.of(0, List.of(1)), Map.of(), false));

        // then
        assertInstanceOf(InvalidReplicaAssignmentException.class, otherBroker);
        assertInstanceOf(InvalidReplicaAssignmentException.class, twice);
        assertInstanceOf(InvalidReplicaAssignmentException.class, empty);
        assertInstanceOf(InvalidReplicaAssignmentException.class, gap);
        assertInstanceOf(InvalidRequestException.class, withCount);
    }

    @Test
    void shouldFailWithInvalidConfigWhenAConfigIsUnknownOrUnsupported() {
        // when
        Throwable unknown = failure(topics.createTopic("orders", 1, (short) 1, Map.of("colour", "blue"), false));
        Throwable compact = failure(topics.createTopic("orders", 1, (short) 1,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact"), false));

        // then
        assertInstanceOf(InvalidConfigurationException.class, unknown);
        assertInstanceOf(InvalidConfigurationException.class, compact);
        assertEquals(Optional.empty(), topics.topic("orders"));
    }

    @Test
    void shouldRemoveTheTopicAndItsLogsWhenDeletedByName() throws Exception {
        // given
        TopicMetadata created = await(topics.createTopic("orders", 2, (short) 1, Map.of(), false));
        Path partitionDir = topics.log(new TopicPartition("orders", 0)).orElseThrow().dir();

        // when
        TopicMetadata deleted = await(topics.deleteTopic("orders"));

        // then
        assertEquals(created, deleted);
        assertEquals(Optional.empty(), topics.topic("orders"));
        assertEquals(Optional.empty(), topics.topic(created.topicId()));
        assertEquals(Optional.empty(), topics.log(new TopicPartition("orders", 0)));
        assertFalse(Files.exists(partitionDir));
        fixture = fixture.restart();
        assertEquals(Optional.empty(), fixture.registry().topic("orders"));
    }

    @Test
    void shouldRemoveTheTopicWhenDeletedById() {
        // given
        TopicMetadata created = await(topics.createTopic("orders", 1, (short) 1, Map.of(), false));

        // when
        await(topics.deleteTopic(created.topicId()));

        // then
        assertEquals(Optional.empty(), topics.topic("orders"));
    }

    @Test
    void shouldCreateAFreshTopicWhenANameIsReusedAfterDeletion() {
        // given
        TopicMetadata first = await(topics.createTopic("orders", 1, (short) 1, Map.of(), false));
        topics.deleteTopic("orders"); // not awaited: mutations run in call order

        // when
        TopicMetadata second = await(topics.createTopic("orders", 1, (short) 1, Map.of(), false));

        // then
        assertNotEquals(first.topicId(), second.topicId());
        assertEquals(second.topicId(), topics.log(new TopicPartition("orders", 0)).orElseThrow().topicId());
    }

    @Test
    void shouldFailWithUnknownTopicWhenDeletingWhatDoesNotExist() {
        // when
        Throwable byName = failure(topics.deleteTopic("orders"));
        Throwable byId = failure(topics.deleteTopic(Uuid.randomUuid()));

        // then
        assertInstanceOf(UnknownTopicOrPartitionException.class, byName);
        assertInstanceOf(UnknownTopicIdException.class, byId);
    }

    @Test
    void shouldRefuseDeletionWhenTopicDeletionIsDisabled() throws Exception {
        // given
        fixture.close();
        fixture = RegistryFixture.open(dir, Map.of("delete.topic.enable", "false"));
        await(fixture.registry().createTopic("orders", 1, (short) 1, Map.of(), false));

        // when
        Throwable failure = failure(fixture.registry().deleteTopic("orders"));

        // then
        assertInstanceOf(TopicDeletionDisabledException.class, failure);
        assertTrue(fixture.registry().topic("orders").isPresent());
    }

    @Test
    void shouldCreateTheNewPartitionsWhenThePartitionCountGrows() throws Exception {
        // given
        await(topics.createTopic("orders", 1, (short) 1, Map.of(), false));

        // when
        TopicMetadata grown = await(topics.createPartitions("orders", 3, List.of(List.of(1), List.of(1)), false));

        // then
        assertEquals(3, grown.partitions());
        assertEquals(3, topics.topic("orders").orElseThrow().partitions());
        assertTrue(topics.log(new TopicPartition("orders", 2)).isPresent());
        fixture = fixture.restart();
        assertEquals(3, fixture.registry().topic("orders").orElseThrow().partitions());
    }

    @Test
    void shouldRefuseAPartitionCountWhenItIsNoIncrease() {
        // given
        await(topics.createTopic("orders", 2, (short) 1, Map.of(), false));

        // when
        Throwable same = failure(topics.createPartitions("orders", 2, null, false));
        Throwable fewer = failure(topics.createPartitions("orders", 1, null, false));
        Throwable assignments = failure(topics.createPartitions("orders", 4, List.of(List.of(1)), false));
        Throwable unknown = failure(topics.createPartitions("nope", 4, null, false));
        TopicMetadata validated = await(topics.createPartitions("orders", 5, null, true));

        // then
        assertInstanceOf(InvalidPartitionsException.class, same);
        assertInstanceOf(InvalidPartitionsException.class, fewer);
        assertInstanceOf(InvalidReplicaAssignmentException.class, assignments);
        assertInstanceOf(UnknownTopicOrPartitionException.class, unknown);
        assertEquals(5, validated.partitions());
        assertEquals(2, topics.topic("orders").orElseThrow().partitions());
    }

    @Test
    void shouldApplyConfigsLiveAndDurablyWhenAltered() throws Exception {
        // given
        await(topics.createTopic("orders", 2, (short) 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"), false));

        // when
        await(topics.alterConfigs("orders", Map.of(TopicConfig.RETENTION_BYTES_CONFIG, "4096"), false));

        // then
        LogConfig logConfig = topics.log(new TopicPartition("orders", 1)).orElseThrow().config();
        assertEquals(4096L, logConfig.retentionBytes());
        assertEquals(fixture.config().logRetentionMs(), logConfig.retentionMs());
        assertEquals(Map.of(TopicConfig.RETENTION_BYTES_CONFIG, "4096"), topics.topic("orders").orElseThrow().configs());
        assertEquals(logConfig, topics.logConfig("orders"));
        fixture = fixture.restart();
        assertEquals(4096L, fixture.registry().logConfig("orders").retentionBytes());
    }

    @Test
    void shouldChangeNothingWhenAlterationIsOnlyValidated() {
        // given
        await(topics.createTopic("orders", 1, (short) 1, Map.of(), false));

        // when
        TopicMetadata validated = await(topics.alterConfigs("orders", Map.of(TopicConfig.RETENTION_MS_CONFIG, "1"), true));

        // then
        assertEquals(Map.of(TopicConfig.RETENTION_MS_CONFIG, "1"), validated.configs());
        assertEquals(Map.of(), topics.topic("orders").orElseThrow().configs());
    }

    @Test
    void shouldFailAlterationWhenTheTopicOrAValueIsBad() {
        // given
        await(topics.createTopic("orders", 1, (short) 1, Map.of(), false));

        // when
        Throwable unknownTopic = failure(topics.alterConfigs("nope", Map.of(), false));
        Throwable badValue = failure(topics.alterConfigs("orders", Map.of(TopicConfig.SEGMENT_MS_CONFIG, "0"), false));
        Throwable emptyName = failure(topics.alterConfigs("", Map.of(), false));

        // then
        assertInstanceOf(UnknownTopicOrPartitionException.class, unknownTopic);
        assertInstanceOf(InvalidConfigurationException.class, badValue);
        assertInstanceOf(InvalidRequestException.class, emptyName);
    }

    @Test
    void shouldSetAndDeleteOverridesWhenAlteredIncrementally() {
        // given
        await(topics.createTopic("orders", 1, (short) 1,
                Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000", TopicConfig.SEGMENT_MS_CONFIG, "5000"), false));

        // when
        TopicMetadata altered = await(topics.incrementalAlterConfigs("orders", List.of(
                new ConfigChange(TopicConfig.RETENTION_MS_CONFIG, OpType.DELETE, null),
                new ConfigChange(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, OpType.SET, "2048"),
                new ConfigChange(TopicConfig.CLEANUP_POLICY_CONFIG, OpType.APPEND, "delete")), false));

        // then
        assertEquals(Map.of(TopicConfig.SEGMENT_MS_CONFIG, "5000", TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2048",
                TopicConfig.CLEANUP_POLICY_CONFIG, "delete"), altered.configs());
        assertEquals(2048, topics.log(new TopicPartition("orders", 0)).orElseThrow().config().maxMessageBytes());
    }

    @Test
    void shouldRefuseIncrementalChangesWhenTheyCannotApply() {
        // given
        await(topics.createTopic("orders", 1, (short) 1, Map.of(), false));

        // when
        Throwable appendToNonList = failure(topics.incrementalAlterConfigs("orders",
                List.of(new ConfigChange(TopicConfig.RETENTION_MS_CONFIG, OpType.APPEND, "1")), false));
        Throwable appendCompact = failure(topics.incrementalAlterConfigs("orders",
                List.of(new ConfigChange(TopicConfig.CLEANUP_POLICY_CONFIG, OpType.APPEND, "compact")), false));
        Throwable subtractAll = failure(topics.incrementalAlterConfigs("orders",
                List.of(new ConfigChange(TopicConfig.CLEANUP_POLICY_CONFIG, OpType.SUBTRACT, "delete")), false));
        Throwable unknownTopic = failure(topics.incrementalAlterConfigs("nope",
                List.of(new ConfigChange(TopicConfig.RETENTION_MS_CONFIG, OpType.SET, "1")), false));

        // then
        assertInstanceOf(InvalidConfigurationException.class, appendToNonList);
        assertTrue(appendToNonList.getMessage().contains("not LIST"), appendToNonList.getMessage());
        assertInstanceOf(InvalidConfigurationException.class, appendCompact);
        assertTrue(appendCompact.getMessage().contains("compaction is not supported"), appendCompact.getMessage());
        assertInstanceOf(InvalidConfigurationException.class, subtractAll);
        assertInstanceOf(UnknownTopicOrPartitionException.class, unknownTopic);
        assertEquals(Map.of(), topics.topic("orders").orElseThrow().configs());
    }

    @Test
    void shouldAutoCreateWithTheDefaultsWhenAllowed() {
        // when
        Optional<TopicMetadata> created = await(topics.autoCreateIfAllowed("auto", true));
        Optional<TopicMetadata> again = await(topics.autoCreateIfAllowed("auto", true));
        Optional<TopicMetadata> notAllowed = await(topics.autoCreateIfAllowed("other", false));

        // then
        assertEquals(2, created.orElseThrow().partitions());
        assertEquals(created, again);
        assertEquals(Optional.empty(), notAllowed);
        assertEquals(Optional.empty(), topics.topic("other"));
    }

    @Test
    void shouldNotAutoCreateWhenTheBrokerDisablesIt() throws Exception {
        // given
        fixture.close();
        fixture = RegistryFixture.open(dir, Map.of("auto.create.topics.enable", "false"));

        // when
        Optional<TopicMetadata> created = await(fixture.registry().autoCreateIfAllowed("auto", true));

        // then
        assertEquals(Optional.empty(), created);
    }

    @Test
    void shouldDeleteLogsNoStoredTopicOwnsWhenOpened() throws Exception {
        // given: logs left without a stored topic, as after a crash during a deletion
        await(topics.createTopic("orders", 1, (short) 1, Map.of(), false));
        fixture.partitionLogs().getOrCreate(new TopicPartition("orphan", 0), Uuid.randomUuid(), LogConfig.defaults());
        fixture.partitionLogs().getOrCreate(new TopicPartition("orders", 5), Uuid.randomUuid(), LogConfig.defaults());

        // when
        fixture = fixture.restart();

        // then
        assertEquals(Optional.empty(), fixture.partitionLogs().get(new TopicPartition("orphan", 0)));
        assertEquals(Optional.empty(), fixture.partitionLogs().get(new TopicPartition("orders", 5)));
        assertTrue(fixture.partitionLogs().get(new TopicPartition("orders", 0)).isPresent());
    }

    @Test
    void shouldListEveryTopicWhenAsked() {
        // given
        await(topics.createTopic("a", 1, (short) 1, Map.of(), false));
        await(topics.createTopic("b", 1, (short) 1, Map.of(), false));

        // when
        List<String> names = topics.topics().stream().map(TopicMetadata::name).sorted().toList();

        // then
        assertEquals(List.of("a", "b"), names);
    }
}
