package io.strata.broker.handler;

import static io.strata.broker.handler.AdminRequests.respond;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.metadata.RegistryFixture;
import io.strata.broker.metadata.TopicMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignmentCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfigCollection;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CreateTopicsHandlerTest {

    private static final short LATEST = ApiKeys.CREATE_TOPICS.latestVersion();

    @TempDir
    Path dir;

    private RegistryFixture fixture;
    private CreateTopicsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        fixture = RegistryFixture.open(dir, Map.of("log.retention.hours", "24"));
        handler = new CreateTopicsHandler(fixture.config(), fixture.registry());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    static Stream<Short> versions() {
        return IntStream.rangeClosed(ApiKeys.CREATE_TOPICS.oldestVersion(), LATEST).mapToObj(version -> (short) version);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shouldCreateTheTopicAndAnswerWhatTheVersionCarriesWhenAsked(short version) {
        // given
        CreatableTopic topic = topic("orders", 2).setConfigs(configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000")));

        // when
        CreateTopicsResponseData response = respond(handler, request(false, topic), version);

        // then
        TopicMetadata created = fixture.registry().topic("orders").orElseThrow();
        CreatableTopicResult result = response.topics().find("orders");
        assertEquals(Errors.NONE.code(), result.errorCode());
        assertNull(result.errorMessage());
        if (version >= 5) {
            assertEquals(2, result.numPartitions());
            assertEquals(1, result.replicationFactor());
            Map<String, CreatableTopicConfigs> configs = byName(result.configs());
            assertEquals("1000", configs.get(TopicConfig.RETENTION_MS_CONFIG).value());
            assertEquals(ConfigSource.TOPIC_CONFIG.id(), configs.get(TopicConfig.RETENTION_MS_CONFIG).configSource());
            assertEquals(ConfigSource.DEFAULT_CONFIG.id(), configs.get(TopicConfig.SEGMENT_BYTES_CONFIG).configSource());
        } else {
            assertEquals(List.of(), result.configs());
        }
        assertEquals(version >= 7 ? created.topicId() : Uuid.ZERO_UUID, result.topicId());
    }

    @Test
    void shouldAnswerEachTopicWithItsOwnErrorWhenSomeFail() {
        // given
        CreatableTopic good = topic("good", 1);
        CreatableTopic badName = topic("bad name", 1);
        CreatableTopic badConfig = topic("bad-config", 1).setConfigs(configs(Map.of("colour", "blue")));
        CreatableTopic badReplication = topic("bad-replication", 1).setReplicationFactor((short) 2);

        // when
        CreateTopicsResponseData response = respond(handler, request(false, good, badName, badConfig, badReplication),
                LATEST);

        // then
        assertEquals(Errors.NONE.code(), response.topics().find("good").errorCode());
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), response.topics().find("bad name").errorCode());
        CreatableTopicResult config = response.topics().find("bad-config");
        assertEquals(Errors.INVALID_CONFIG.code(), config.errorCode());
        assertTrue(config.errorMessage().contains("colour"), config.errorMessage());
        assertEquals(-1, config.numPartitions());
        assertEquals(Errors.INVALID_REPLICATION_FACTOR.code(), response.topics().find("bad-replication").errorCode());
        assertEquals(Optional.empty(), fixture.registry().topic("bad-config"));
    }

    @Test
    void shouldAnswerTopicExistsWithAMessageWhenCreatedTwice() {
        // given
        respond(handler, request(false, topic("orders", 1)), LATEST);

        // when
        CreateTopicsResponseData response = respond(handler, request(false, topic("orders", 1)), LATEST);

        // then
        CreatableTopicResult result = response.topics().find("orders");
        assertEquals(Errors.TOPIC_ALREADY_EXISTS.code(), result.errorCode());
        assertTrue(result.errorMessage().contains("orders"), result.errorMessage());
    }

    @Test
    void shouldAnswerInvalidRequestOnceWhenATopicIsNamedTwice() {
        // when
        CreateTopicsResponseData response = respond(handler, request(false, topic("orders", 1), topic("orders", 2)),
                LATEST);

        // then
        assertEquals(1, response.topics().size());
        assertEquals(Errors.INVALID_REQUEST.code(), response.topics().find("orders").errorCode());
        assertEquals(Optional.empty(), fixture.registry().topic("orders"));
    }

    @Test
    void shouldCreateNothingButAnswerTheTopicWhenOnlyValidating() {
        // when
        CreateTopicsResponseData response = respond(handler, request(true, topic("orders", 4)), LATEST);

        // then
        CreatableTopicResult result = response.topics().find("orders");
        assertEquals(Errors.NONE.code(), result.errorCode());
        assertEquals(4, result.numPartitions());
        assertEquals(Optional.empty(), fixture.registry().topic("orders"));
    }

    @Test
    void shouldCreateFromManualAssignmentsWhenTheyNameThisNode() {
        // given
        CreatableReplicaAssignmentCollection assignments = new CreatableReplicaAssignmentCollection();
        assignments.add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(1)));
        assignments.add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(1)));
        CreatableTopic topic = new CreatableTopic().setName("orders").setNumPartitions(-1).setReplicationFactor((short) -1)
                .setAssignments(assignments);
        CreatableReplicaAssignmentCollection elsewhere = new CreatableReplicaAssignmentCollection();
        elsewhere.add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(5)));
        CreatableTopic other = new CreatableTopic().setName("other").setNumPartitions(-1).setReplicationFactor((short) -1)
                .setAssignments(elsewhere);

        // when
        CreateTopicsResponseData response = respond(handler, request(false, topic, other), LATEST);

        // then
        assertEquals(2, response.topics().find("orders").numPartitions());
        assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(), response.topics().find("other").errorCode());
    }

    @Test
    void shouldReportTheBrokerAsSourceWhenTheBrokerSetsTheValue() {
        // when
        CreateTopicsResponseData response = respond(handler, request(false, topic("orders", 1)), LATEST);

        // then
        CreatableTopicConfigs retention = byName(response.topics().find("orders").configs())
                .get(TopicConfig.RETENTION_MS_CONFIG);
        assertEquals("86400000", retention.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG.id(), retention.configSource());
    }

    private static CreatableTopic topic(String name, int partitions) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor((short) 1);
    }

    private static CreatableTopicConfigCollection configs(Map<String, String> configs) {
        CreatableTopicConfigCollection collection = new CreatableTopicConfigCollection();
        configs.forEach((name, value) -> collection.add(new CreatableTopicConfig().setName(name).setValue(value)));
        return collection;
    }

    private static CreateTopicsRequest.Builder request(boolean validateOnly, CreatableTopic... topics) {
        CreatableTopicCollection collection = new CreatableTopicCollection();
        for (CreatableTopic topic : topics) {
            collection.mustAdd(topic);
        }
        return new CreateTopicsRequest.Builder(new CreateTopicsRequestData()
                .setTopics(collection).setTimeoutMs(30_000).setValidateOnly(validateOnly));
    }

    private static Map<String, CreatableTopicConfigs> byName(List<CreatableTopicConfigs> configs) {
        Map<String, CreatableTopicConfigs> byName = new java.util.HashMap<>();
        configs.forEach(config -> byName.put(config.name(), config));
        return byName;
    }
}
