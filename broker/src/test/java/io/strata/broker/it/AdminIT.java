package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.SharedBroker;
import io.strata.broker.testing.RawKafkaClient;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Topic administration with the real Admin client: create, describe, grow, delete, configs, cluster. */
class AdminIT {

    private static final String BROKER_MESSAGE_MAX_BYTES = "2000000";

    @RegisterExtension
    static final SharedBroker SHARED = new SharedBroker(Map.of("num.partitions", "3", "message.max.bytes", BROKER_MESSAGE_MAX_BYTES));
    static EmbeddedBroker broker;
    static Admin admin;

    @Test
    void shouldCreateTopicWithPartitionsAndConfigsWhenCreateTopicsIsCalled() throws Exception {
        // given
        NewTopic newTopic = new NewTopic("created", 4, (short) 1).configs(Map.of("retention.ms", "3600000"));

        // when
        admin.createTopics(List.of(newTopic)).all().get();

        // then
        TopicDescription description = describe("created");
        assertEquals(4, description.partitions().size());
        for (int p = 0; p < 4; p++) {
            TopicPartitionInfo info = description.partitions().get(p);
            assertEquals(p, info.partition());
            assertEquals(1, info.leader().id(), "the single broker leads every partition");
            assertEquals(List.of(1), info.replicas().stream().map(Node::id).toList());
            assertEquals(List.of(1), info.isr().stream().map(Node::id).toList());
        }
        assertNotEquals(Uuid.ZERO_UUID, description.topicId());
        assertEquals(description.topicId(), describe("created").topicId(), "topic id is stable");
        assertEquals("3600000", topicConfig("created").get("retention.ms").value());
        assertTrue(admin.listTopics().names().get().contains("created"));
    }

    @Test
    void shouldNotCreateTopicWhenValidateOnly() throws Exception {
        // given
        NewTopic newTopic = new NewTopic("validated-only", 2, (short) 1);

        // when
        admin.createTopics(List.of(newTopic), new CreateTopicsOptions().validateOnly(true)).all().get();

        // then
        assertFalse(admin.listTopics().names().get().contains("validated-only"));
        assertFailsWith(UnknownTopicOrPartitionException.class,
                () -> admin.describeTopics(List.of("validated-only")).allTopicNames().get());
    }

    @Test
    void shouldGrowPartitionsAndAcceptRecordsInTheNewPartitionWhenCreatePartitionsIsCalled() throws Exception {
        // given
        admin.createTopics(List.of(new NewTopic("growing", 2, (short) 1))).all().get();

        // when
        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(5))).all().get();

        // then
        assertEquals(5, describe("growing").partitions().size());
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            RecordMetadata metadata = producer.send(new ProducerRecord<>("growing", 4, null, new byte[10])).get();
            assertEquals(4, metadata.partition());
            assertEquals(0, metadata.offset());
        }
    }

    @Test
    void shouldRemoveTopicAndAssignNewTopicIdWhenDeletedAndRecreated() throws Exception {
        // given
        admin.createTopics(List.of(new NewTopic("deleted", 1, (short) 1))).all().get();
        Uuid firstId = describe("deleted").topicId();

        // when
        admin.deleteTopics(List.of("deleted")).all().get();

        // then
        assertFalse(admin.listTopics().names().get().contains("deleted"));
        admin.createTopics(List.of(new NewTopic("deleted", 1, (short) 1))).all().get();
        Uuid secondId = describe("deleted").topicId();
        assertNotEquals(firstId, secondId, "a re-created topic is a new topic");
    }

    @Test
    void shouldFailWithTopicExistsWhenCreatingAnExistingTopic() throws Exception {
        // given
        admin.createTopics(List.of(new NewTopic("existing", 1, (short) 1))).all().get();

        // when / then
        assertFailsWith(TopicExistsException.class,
                () -> admin.createTopics(List.of(new NewTopic("existing", 1, (short) 1))).all().get());
    }

    @Test
    void shouldFailWithInvalidTopicWhenNameIsIllegal() {
        // given
        NewTopic badName = new NewTopic("bad/name", 1, (short) 1);

        // when / then
        assertFailsWith(InvalidTopicException.class, () -> admin.createTopics(List.of(badName)).all().get());
    }

    @Test
    void shouldFailWithInvalidPartitionsWhenShrinking() throws Exception {
        // given
        admin.createTopics(List.of(new NewTopic("no-shrink", 3, (short) 1))).all().get();

        // when / then
        assertFailsWith(InvalidPartitionsException.class,
                () -> admin.createPartitions(Map.of("no-shrink", NewPartitions.increaseTo(2))).all().get());
        assertEquals(3, describe("no-shrink").partitions().size());
    }

    @Test
    void shouldFailWithUnknownTopicWhenDeletingMissingTopic() {
        // when / then
        assertFailsWith(UnknownTopicOrPartitionException.class,
                () -> admin.deleteTopics(List.of("never-created")).all().get());
    }

    @Test
    void shouldFailWithInvalidConfigurationWhenConfigIsUnknownOrInvalid() throws Exception {
        // given
        NewTopic unknownConfig = new NewTopic("unknown-config", 1, (short) 1).configs(Map.of("no.such.config", "1"));
        NewTopic invalidValue = new NewTopic("invalid-config", 1, (short) 1).configs(Map.of("retention.ms", "soon"));

        // when / then
        assertFailsWith(InvalidConfigurationException.class,
                () -> admin.createTopics(List.of(unknownConfig)).all().get());
        assertFailsWith(InvalidConfigurationException.class,
                () -> admin.createTopics(List.of(invalidValue)).all().get());
        Collection<String> names = admin.listTopics().names().get();
        assertFalse(names.contains("unknown-config"));
        assertFalse(names.contains("invalid-config"));
    }

    @Test
    void shouldDescribeTopicConfigSourcesAndSynonyms() throws Exception {
        // given
        admin.createTopics(List.of(new NewTopic("sources", 1, (short) 1)
                .configs(Map.of("retention.ms", "123456")))).all().get();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "sources");

        // when
        Config config = admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get().get(resource);

        // then: an override, a broker property and a default
        ConfigEntry retention = config.get("retention.ms");
        assertEquals("123456", retention.value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.synonyms().get(0).source());
        assertEquals("retention.ms", retention.synonyms().get(0).name());

        ConfigEntry maxMessageBytes = config.get("max.message.bytes");
        assertEquals(BROKER_MESSAGE_MAX_BYTES, maxMessageBytes.value());
        assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, maxMessageBytes.source());
        assertTrue(maxMessageBytes.synonyms().stream().anyMatch(s -> s.name().equals("message.max.bytes")
                && s.source() == ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG
                && s.value().equals(BROKER_MESSAGE_MAX_BYTES)));

        ConfigEntry cleanupPolicy = config.get("cleanup.policy");
        assertEquals("delete", cleanupPolicy.value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, cleanupPolicy.source());
    }

    @Test
    void shouldApplyIncrementalSetAndDeleteLiveWhenAlteringTopicConfigs() throws Exception {
        // given: a 20 KB record fits the topic
        String topic = "altered";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(ProducerConfig.RETRIES_CONFIG, 0))) {
            producer.send(new ProducerRecord<>(topic, new byte[20_000])).get();

            // when: max.message.bytes drops to 10 KB
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", "10240"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET))))
                    .all().get();

            // then: the same batch is now rejected
            assertFailsWith(RecordTooLargeException.class,
                    () -> producer.send(new ProducerRecord<>(topic, new byte[20_000])).get());
            ConfigEntry retention = topicConfig(topic).get("retention.ms");
            assertEquals("7200000", retention.value());
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source());

            // when: the override is deleted
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE))))
                    .all().get();

            // then: the broker's value is back and the batch fits again
            ConfigEntry maxMessageBytes = topicConfig(topic).get("max.message.bytes");
            assertEquals(BROKER_MESSAGE_MAX_BYTES, maxMessageBytes.value());
            assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, maxMessageBytes.source());
            assertEquals(1, producer.send(new ProducerRecord<>(topic, new byte[20_000])).get().offset());
        }
    }

    @Test
    void shouldReplaceAllOverridesWhenLegacyAlterConfigsIsSent() throws Exception {
        // given: the Admin client no longer offers the legacy API, so it goes on the wire directly
        String topic = "legacy-altered";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                .configs(Map.of("retention.ms", "3600000")))).all().get();
        Map<ConfigResource, AlterConfigsRequest.Config> legacy = Map.of(
                new ConfigResource(ConfigResource.Type.TOPIC, topic),
                new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry("segment.ms", "600000"))));

        // when: the legacy API sets the full override set
        AlterConfigsResponse response;
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.port())) {
            response = (AlterConfigsResponse) client.send(
                    new AlterConfigsRequest.Builder(legacy, false).build(ApiKeys.ALTER_CONFIGS.latestVersion()));
        }

        // then
        assertEquals(Errors.NONE.code(), response.data().responses().get(0).errorCode());
        Config config = topicConfig(topic);
        assertEquals("600000", config.get("segment.ms").value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("segment.ms").source());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("retention.ms").source(),
                "an override missing from a legacy AlterConfigs is removed");
    }

    @Test
    void shouldFailWithInvalidConfigurationWhenAlteringToInvalidValue() throws Exception {
        // given
        String topic = "bad-alter";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);

        // when / then
        assertFailsWith(InvalidConfigurationException.class, () -> admin.incrementalAlterConfigs(Map.of(resource,
                List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "-5"), AlterConfigOp.OpType.SET))))
                .all().get());
        assertFailsWith(InvalidConfigurationException.class, () -> admin.incrementalAlterConfigs(Map.of(resource,
                List.of(new AlterConfigOp(new ConfigEntry("no.such.config", "1"), AlterConfigOp.OpType.SET))))
                .all().get());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, topicConfig(topic).get("retention.ms").source());
    }

    @Test
    void shouldDescribeBrokerConfigs() throws Exception {
        // given
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, "1");

        // when
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);

        // then
        ConfigEntry messageMaxBytes = config.get("message.max.bytes");
        assertEquals(BROKER_MESSAGE_MAX_BYTES, messageMaxBytes.value());
        assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, messageMaxBytes.source());
        assertEquals("3", config.get("num.partitions").value());
        assertEquals("1", config.get("node.id").value());
    }

    @Test
    void shouldDescribeClusterWithItsSingleNodeAsController() throws Exception {
        // when
        DescribeClusterResult cluster = admin.describeCluster();

        // then
        String clusterId = cluster.clusterId().get();
        assertNotNull(clusterId);
        assertFalse(clusterId.isEmpty());
        Collection<Node> nodes = cluster.nodes().get();
        assertEquals(1, nodes.size());
        Node node = nodes.iterator().next();
        assertEquals(1, node.id());
        assertEquals("127.0.0.1", node.host());
        assertEquals(broker.port(), node.port());
        assertEquals(1, cluster.controller().get().id());
    }

    @Test
    void shouldAutoCreateTopicWithNumPartitionsWhenProducerSendsToUnknownTopic() throws Exception {
        // given
        String topic = "auto-created";

        // when
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, new byte[10])).get();
        }

        // then
        TopicDescription description = describe(topic);
        assertEquals(3, description.partitions().size(), "num.partitions of the broker");
        assertTrue(admin.listTopics().names().get().contains(topic));
    }

    @Test
    void shouldKeepConfigsAndPartitionsWhenRestarted(@TempDir Path ownDir) throws Exception {
        // given
        try (EmbeddedBroker own = EmbeddedBroker.start(ownDir)) {
            Uuid topicId;
            try (Admin ownAdmin = own.admin()) {
                ownAdmin.createTopics(List.of(new NewTopic("durable", 2, (short) 1)
                        .configs(Map.of("retention.ms", "4444444")))).all().get();
                ownAdmin.createPartitions(Map.of("durable", NewPartitions.increaseTo(4))).all().get();
                ownAdmin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "durable"),
                        List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "50000"),
                                AlterConfigOp.OpType.SET)))).all().get();
                topicId = ownAdmin.describeTopics(List.of("durable")).allTopicNames().get().get("durable").topicId();
            }

            // when
            own.restart();

            // then
            try (Admin ownAdmin = own.admin()) {
                TopicDescription description =
                        ownAdmin.describeTopics(List.of("durable")).allTopicNames().get().get("durable");
                assertEquals(4, description.partitions().size());
                assertEquals(topicId, description.topicId());
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "durable");
                Config config = ownAdmin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertEquals("4444444", config.get("retention.ms").value());
                assertEquals("50000", config.get("max.message.bytes").value());
                assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, config.get("max.message.bytes").source());
            }
        }
    }

    @Test
    void shouldGiveProducerNoMetadataWhenAutoCreationIsDisabled(@TempDir Path ownDir) throws Exception {
        // given
        try (EmbeddedBroker own = EmbeddedBroker.start(ownDir, Map.of("auto.create.topics.enable", "false"));
             KafkaProducer<byte[], byte[]> producer = own.producer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000))) {

            // when / then
            assertFailsWith(TimeoutException.class,
                    () -> producer.send(new ProducerRecord<>("not-auto-created", new byte[10])).get());
            try (Admin ownAdmin = own.admin()) {
                assertFalse(ownAdmin.listTopics().names().get().contains("not-auto-created"));
            }
        }
    }

    private static TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    private static Config topicConfig(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }

    private static void assertFailsWith(Class<? extends Throwable> expected, FutureCall call) {
        ExecutionException failure = assertThrows(ExecutionException.class, call::run);
        assertInstanceOf(expected, failure.getCause(), () -> "cause: " + failure.getCause());
    }

    @FunctionalInterface
    private interface FutureCall {
        void run() throws Exception;
    }
}
