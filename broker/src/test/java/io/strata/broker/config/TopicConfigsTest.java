package io.strata.broker.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.log.LogConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicConfigsTest {

    private static final BrokerConfig DEFAULTS = BrokerConfig.fromProperties(Map.of());

    @Test
    void shouldAcceptSupportedOverridesWhenValidating() {
        // given
        Map<String, String> overrides = Map.of(
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.SEGMENT_BYTES_CONFIG, "1048576",
                TopicConfig.CLEANUP_POLICY_CONFIG, "delete",
                TopicConfig.COMPRESSION_TYPE_CONFIG, "producer",
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2",
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "true",
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime",
                TopicConfigs.INTERNAL_SEGMENT_BYTES_CONFIG, "1024");

        // when / then
        assertDoesNotThrow(() -> TopicConfigs.validate(overrides));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "no.such.config|1|Unknown topic config name: no.such.config",
        "segment.bytes|1000|segment.bytes",
        "retention.ms|-2|retention.ms",
        "retention.ms|forever|retention.ms",
        "message.timestamp.type|Now|message.timestamp.type",
        "cleanup.policy|compact|compaction is not supported yet",
        "cleanup.policy|delete,compact|compaction is not supported yet",
        "cleanup.policy|shred|cleanup.policy",
        "compression.type|gzip|only supported compression type is 'producer'",
        "compression.type|zip|compression.type",
        "min.insync.replicas|0|min.insync.replicas",
    })
    void shouldFailWithInvalidConfigWhenAnOverrideIsNotAccepted(String key, String value, String expectedMessage) {
        // when
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> TopicConfigs.validate(Map.of(key, value)));

        // then
        assertTrue(e.getMessage().contains(expectedMessage), e.getMessage());
    }

    @Test
    void shouldFailWithInvalidConfigWhenAValueIsNull() {
        // given
        Map<String, String> overrides = new HashMap<>();
        overrides.put(TopicConfig.RETENTION_MS_CONFIG, null);

        // when
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> TopicConfigs.validate(overrides));

        // then
        assertTrue(e.getMessage().contains(TopicConfig.RETENTION_MS_CONFIG), e.getMessage());
    }

    @Test
    void shouldTakeBrokerSynonymsWhenTheTopicOverridesNothing() {
        // given
        BrokerConfig broker = BrokerConfig.fromProperties(Map.of(
                BrokerConfig.LOG_RETENTION_HOURS_CONFIG, "2",
                BrokerConfig.LOG_SEGMENT_BYTES_CONFIG, "2000000",
                BrokerConfig.LOG_ROLL_MS_CONFIG, "60000",
                BrokerConfig.LOG_RETENTION_BYTES_CONFIG, "123456789",
                BrokerConfig.MESSAGE_MAX_BYTES_CONFIG, "5000",
                BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime",
                BrokerConfig.LOG_INDEX_INTERVAL_BYTES_CONFIG, "100",
                BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES_CONFIG, "4096",
                BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS_CONFIG, "10",
                BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES_CONFIG, "7"));

        // when
        LogConfig logConfig = TopicConfigs.toLogConfig(broker, Map.of());

        // then
        assertEquals(new LogConfig(2_000_000, 60_000L, 7_200_000L, 123_456_789L, 5000, TimestampType.LOG_APPEND_TIME,
                Long.MAX_VALUE, 3_600_000L, 100, 4096, 10L, 7L, Long.MAX_VALUE), logConfig);
    }

    @Test
    void shouldTierATopicOnlyUnderTheBrokersMasterSwitch() {
        // given
        BrokerConfig tiering = BrokerConfig.fromProperties(Map.of("remote.log.storage.system.enable", "true",
                "log.remote.storage.enable", "true", "log.local.retention.ms", "60000"));
        BrokerConfig switchedOff = BrokerConfig.fromProperties(Map.of("log.remote.storage.enable", "true"));

        // when / then: the broker default tiers every topic, a topic may opt out, local retention follows
        LogConfig byDefault = TopicConfigs.toLogConfig(tiering, Map.of());
        assertTrue(byDefault.remoteStorageEnable());
        assertEquals(60_000L, byDefault.effectiveLocalRetentionMs());
        assertEquals(byDefault.retentionBytes(), byDefault.effectiveLocalRetentionBytes(), "-2 follows retention");
        assertFalse(TopicConfigs.toLogConfig(tiering, Map.of("remote.storage.enable", "false")).remoteStorageEnable());
        assertEquals(5L, TopicConfigs.toLogConfig(tiering, Map.of("local.retention.ms", "5")).localRetentionMs());
        assertFalse(TopicConfigs.toLogConfig(switchedOff, Map.of("remote.storage.enable", "true"))
                .remoteStorageEnable(), "without remote.log.storage.system.enable nothing is tiered");
        assertThrows(InvalidConfigurationException.class, () -> TopicConfigs.validate(
                Map.of("local.retention.bytes", "-3")));
    }

    @Test
    void shouldPreferTopicOverridesWhenBothAreSet() {
        // given
        BrokerConfig broker = BrokerConfig.fromProperties(Map.of(BrokerConfig.LOG_RETENTION_HOURS_CONFIG, "2",
                BrokerConfig.LOG_FLUSH_INTERVAL_MS_CONFIG, "1000"));

        // when
        LogConfig logConfig = TopicConfigs.toLogConfig(broker, Map.of(
                TopicConfig.RETENTION_MS_CONFIG, "5000",
                TopicConfig.FLUSH_MS_CONFIG, "10",
                TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, "99",
                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, "98",
                TopicConfig.RETENTION_BYTES_CONFIG, "1"));

        // then
        assertEquals(5000L, logConfig.retentionMs());
        assertEquals(10L, logConfig.flushMs());
        assertEquals(99L, logConfig.timestampBeforeMaxMs());
        assertEquals(98L, logConfig.timestampAfterMaxMs());
        assertEquals(1L, logConfig.retentionBytes());
        assertEquals(1000L, TopicConfigs.toLogConfig(broker, Map.of()).flushMs());
    }

    @Test
    void shouldUseTheInternalSegmentSizeWhenItIsSet() {
        // when
        LogConfig logConfig = TopicConfigs.toLogConfig(DEFAULTS, Map.of(TopicConfigs.INTERNAL_SEGMENT_BYTES_CONFIG, "512"));

        // then
        assertEquals(512, logConfig.segmentBytes());
    }

    @Test
    void shouldReportSourcesAndSynonymsLikeKafkaWhenDescribingATopic() {
        // given
        BrokerConfig broker = BrokerConfig.fromProperties(Map.of(BrokerConfig.LOG_SEGMENT_BYTES_CONFIG, "2000000",
                BrokerConfig.LOG_RETENTION_MS_CONFIG, "5000", BrokerConfig.LOG_RETENTION_HOURS_CONFIG, "100",
                BrokerConfig.LOG_ROLL_HOURS_CONFIG, "10"));
        Map<String, String> overrides = Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, "3000000",
                TopicConfig.RETENTION_MS_CONFIG, "7000");

        // when
        Map<String, DescribedConfig> described = byName(TopicConfigs.describe(broker, overrides, null, true, false));

        // then (the expected values are what Apache Kafka 4.3 answers for the same broker and topic)
        DescribedConfig segmentBytes = described.get(TopicConfig.SEGMENT_BYTES_CONFIG);
        assertEquals("3000000", segmentBytes.value());
        assertEquals(ConfigSource.TOPIC_CONFIG, segmentBytes.source());
        assertEquals(List.of(
                new DescribedConfig.Synonym("segment.bytes", "3000000", ConfigSource.TOPIC_CONFIG),
                new DescribedConfig.Synonym("log.segment.bytes", "2000000", ConfigSource.STATIC_BROKER_CONFIG),
                new DescribedConfig.Synonym("log.segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG)),
                segmentBytes.synonyms());
        DescribedConfig retention = described.get(TopicConfig.RETENTION_MS_CONFIG);
        assertEquals(List.of(
                new DescribedConfig.Synonym("retention.ms", "7000", ConfigSource.TOPIC_CONFIG),
                new DescribedConfig.Synonym("log.retention.ms", "5000", ConfigSource.STATIC_BROKER_CONFIG),
                new DescribedConfig.Synonym("log.retention.hours", "100", ConfigSource.STATIC_BROKER_CONFIG),
                new DescribedConfig.Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG)),
                retention.synonyms());
        DescribedConfig segmentMs = described.get(TopicConfig.SEGMENT_MS_CONFIG);
        assertEquals("36000000", segmentMs.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, segmentMs.source());
        assertEquals(List.of(), segmentMs.synonyms());
        DescribedConfig cleanup = described.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        assertEquals("delete", cleanup.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, cleanup.source());
        assertEquals(List.of(new DescribedConfig.Synonym("log.cleanup.policy", "delete", ConfigSource.DEFAULT_CONFIG)),
                cleanup.synonyms());
        assertEquals(ConfigDef.Type.LIST, cleanup.type());
        assertFalse(cleanup.readOnly());
        assertFalse(cleanup.sensitive());
        assertNull(cleanup.documentation());
        assertFalse(described.containsKey(TopicConfigs.INTERNAL_SEGMENT_BYTES_CONFIG));
    }

    @Test
    void shouldListNoSynonymsWhenOnlyAnHourSynonymIsSet() {
        // given: Kafka lists synonyms from the primary one (log.retention.ms) on, so none here
        BrokerConfig broker = BrokerConfig.fromProperties(Map.of(BrokerConfig.LOG_RETENTION_HOURS_CONFIG, "100"));

        // when
        DescribedConfig retention = TopicConfigs.describe(broker, Map.of(), List.of(TopicConfig.RETENTION_MS_CONFIG),
                true, false).get(0);

        // then
        assertEquals("360000000", retention.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, retention.source());
        assertEquals(List.of(), retention.synonyms());
    }

    @Test
    void shouldOmitSynonymsAndAddDocumentationWhenAskedSo() {
        // when
        List<DescribedConfig> described = TopicConfigs.describe(DEFAULTS, Map.of(TopicConfig.RETENTION_MS_CONFIG, "1"),
                List.of(TopicConfig.RETENTION_MS_CONFIG, TopicConfig.SEGMENT_BYTES_CONFIG), false, true);

        // then
        assertEquals(2, described.size());
        for (DescribedConfig config : described) {
            assertEquals(List.of(), config.synonyms());
            assertNotNull(config.documentation());
        }
        assertEquals(ConfigSource.TOPIC_CONFIG, byName(described).get(TopicConfig.RETENTION_MS_CONFIG).source());
        assertEquals(TopicConfig.RETENTION_MS_DOC, byName(described).get(TopicConfig.RETENTION_MS_CONFIG).documentation());
    }

    @Test
    void shouldReportStaticBrokerSourceWhenAnySynonymIsSetForCreateTopics() {
        // given
        BrokerConfig broker = BrokerConfig.fromProperties(Map.of(BrokerConfig.LOG_RETENTION_HOURS_CONFIG, "100"));

        // when
        Map<String, DescribedConfig> effective = byName(TopicConfigs.effectiveConfigs(broker,
                Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, "2000000")));

        // then
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, effective.get(TopicConfig.RETENTION_MS_CONFIG).source());
        assertEquals("360000000", effective.get(TopicConfig.RETENTION_MS_CONFIG).value());
        assertEquals(ConfigSource.TOPIC_CONFIG, effective.get(TopicConfig.SEGMENT_BYTES_CONFIG).source());
        assertEquals(ConfigSource.DEFAULT_CONFIG, effective.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).source());
        assertEquals("1048588", effective.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }

    @Test
    void shouldKnowListConfigsAndBrokerDefaultsWhenAskedForAppendTargets() {
        // then
        assertTrue(TopicConfigs.isList(TopicConfig.CLEANUP_POLICY_CONFIG));
        assertFalse(TopicConfigs.isList(TopicConfig.RETENTION_MS_CONFIG));
        assertFalse(TopicConfigs.isList("no.such.config"));
        assertEquals("delete", TopicConfigs.brokerDefault(DEFAULTS, TopicConfig.CLEANUP_POLICY_CONFIG));
        assertEquals("604800000", TopicConfigs.brokerDefault(DEFAULTS, TopicConfig.RETENTION_MS_CONFIG));
        assertNull(TopicConfigs.brokerDefault(DEFAULTS, "no.such.config"));
    }

    private static Map<String, DescribedConfig> byName(List<DescribedConfig> configs) {
        Map<String, DescribedConfig> byName = new HashMap<>();
        configs.forEach(config -> byName.put(config.name(), config));
        return byName;
    }
}
