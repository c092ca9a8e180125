package io.strata.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.log.LogConfig;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BrokerConfigTest {

    private static final long HOUR_MS = 3_600_000L;

    @TempDir
    Path dir;

    @Test
    void shouldUseKafkaDefaultsWhenNothingIsSet() {
        // when
        BrokerConfig config = BrokerConfig.fromProperties(Map.of());

        // then
        assertEquals(1, config.nodeId());
        assertEquals(9092, config.listener().port());
        assertEquals("0.0.0.0", config.listener().host());
        assertEquals(SecurityProtocol.PLAINTEXT, config.listener().securityProtocol());
        assertEquals(List.of(Path.of("/tmp/strata-logs")), config.logDirs());
        assertEquals(1, config.numPartitions());
        assertEquals(1, config.defaultReplicationFactor());
        assertEquals(168 * HOUR_MS, config.logRetentionMs());
        assertEquals(168 * HOUR_MS, config.logRollMs());
        assertEquals(-1L, config.logRetentionBytes());
        assertEquals(300_000L, config.logRetentionCheckIntervalMs());
        assertEquals(60_000L, config.logSegmentDeleteDelayMs());
        assertEquals(Long.MAX_VALUE, config.logFlushIntervalMessages());
        assertEquals(Long.MAX_VALUE, config.logFlushIntervalMs());
        assertEquals(60_000, config.logFlushOffsetCheckpointIntervalMs());
        assertEquals(TimestampType.CREATE_TIME, config.logMessageTimestampType());
        assertEquals(1_048_588, config.messageMaxBytes());
        assertTrue(config.autoCreateTopicsEnable());
        assertTrue(config.deleteTopicEnable());
        assertEquals(104_857_600, config.socketRequestMaxBytes());
        // Strata's one departure from Kafka's defaults here: kernel autotuning rather than 100 KiB.
        assertEquals(-1, config.socketSendBufferBytes());
        assertEquals(-1, config.socketReceiveBufferBytes());
        assertEquals(3, config.numNetworkThreads());
        assertEquals(8, config.numIoThreads());
        assertEquals(500, config.queuedMaxRequests());
        assertEquals(64, config.queuedMaxRequestsPerConnection());
        assertEquals(86_400_000, config.producerIdExpirationMs());
        assertEquals(1, config.minInSyncReplicas());
    }

    @Test
    void shouldMatchStorageDefaultsWhenDefaultLogConfigIsDerived() {
        // given
        BrokerConfig config = BrokerConfig.fromProperties(Map.of());

        // when
        LogConfig logConfig = config.defaultLogConfig();

        // then
        assertEquals(LogConfig.defaults(), logConfig);
    }

    @Test
    void shouldApplyOverridesOverTheFileWhenLoading() throws Exception {
        // given
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "node.id=3\nnum.partitions=4\n# a comment\nlog.dirs=" + dir.resolve("a") + "\n");

        // when
        BrokerConfig config = BrokerConfig.load(file, List.of("num.partitions=6", "log.retention.ms=1000"));

        // then
        assertEquals(3, config.nodeId());
        assertEquals(6, config.numPartitions());
        assertEquals(1000L, config.logRetentionMs());
        assertEquals(List.of(dir.resolve("a")), config.logDirs());
        assertEquals("6", config.originals().get("num.partitions"));
    }

    @Test
    void shouldNameTheOverrideWhenItIsMalformed() throws Exception {
        // given
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "");

        // when
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.load(file, List.of("num.partitions")));

        // then
        assertTrue(e.getMessage().contains("num.partitions"), e.getMessage());
    }

    @Test
    void shouldNameTheFileWhenItCannotBeRead() {
        // given
        Path missing = dir.resolve("missing.properties");

        // when
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.load(missing, List.of()));

        // then
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        // ms,  minutes, hours, expected retention ms
        "1234,  5,       7,     1234",
        "null,  5,       7,     300000",
        "null,  null,    7,     25200000",
        "-5,    5,       7,     -1",
        "null,  -1,      7,     -1",
        "null,  null,    -1,    -1",
    })
    void shouldPreferMillisOverMinutesOverHoursWhenRetentionIsDerived(String ms, String minutes, String hours,
                                                                       long expected) {
        // given
        Map<String, String> properties = new HashMap<>();
        if (ms != null) {
            properties.put(BrokerConfig.LOG_RETENTION_MS_CONFIG, ms);
        }
        if (minutes != null) {
            properties.put(BrokerConfig.LOG_RETENTION_MINUTES_CONFIG, minutes);
        }
        properties.put(BrokerConfig.LOG_RETENTION_HOURS_CONFIG, hours);

        // when
        BrokerConfig config = BrokerConfig.fromProperties(properties);

        // then
        assertEquals(expected, config.logRetentionMs());
        assertEquals(expected, config.defaultLogConfig().retentionMs());
    }

    @Test
    void shouldPreferRollMillisOverHoursWhenSegmentAgeIsDerived() {
        // when
        BrokerConfig hoursOnly = BrokerConfig.fromProperties(Map.of(BrokerConfig.LOG_ROLL_HOURS_CONFIG, "2"));
        BrokerConfig both = BrokerConfig.fromProperties(Map.of(BrokerConfig.LOG_ROLL_HOURS_CONFIG, "2",
                BrokerConfig.LOG_ROLL_MS_CONFIG, "5000"));

        // then
        assertEquals(2 * HOUR_MS, hoursOnly.logRollMs());
        assertEquals(5000L, both.logRollMs());
        assertEquals(5000L, both.defaultLogConfig().segmentMs());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "num.partitions|abc",
        "num.partitions|0",
        "log.segment.bytes|1000",
        "node.id|-1",
        "log.message.timestamp.type|SomeTime",
        "auto.create.topics.enable|maybe",
        "log.roll.ms|0",
        "log.flush.interval.ms|-1",
        "log.cleanup.policy|compact",
        "compression.type|gzip",
        "compression.type|brotli",
    })
    void shouldNameTheKeyWhenAValueIsInvalid(String key, String value) {
        // when
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.fromProperties(Map.of(key, value)));

        // then
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void shouldSayCompactionIsNotSupportedWhenTheBrokerPolicyIsCompact() {
        // when
        ConfigException e = assertThrows(ConfigException.class,
                () -> BrokerConfig.fromProperties(Map.of(BrokerConfig.LOG_CLEANUP_POLICY_CONFIG, "delete,compact")));

        // then
        assertTrue(e.getMessage().contains("compaction is not supported"), e.getMessage());
    }

    @Test
    void shouldKeepAnUnknownKeyWhenParsing() {
        // when
        BrokerConfig config = BrokerConfig.fromProperties(Map.of("some.unknown.key", "x", "num.partitions", "2"));

        // then
        assertEquals(2, config.numPartitions());
        assertEquals("x", config.originals().get("some.unknown.key"));
        assertEquals("x", config.value("some.unknown.key"));
        assertNull(config.value("not.given"));
    }

    @Test
    void shouldRefuseAnotherProtocolWhenParsingListeners() {
        // when
        ConfigException e = assertThrows(ConfigException.class,
                () -> BrokerConfig.fromProperties(Map.of(BrokerConfig.LISTENERS_CONFIG, "SSL://0.0.0.0:9093")));

        // then
        assertTrue(e.getMessage().contains(BrokerConfig.LISTENERS_CONFIG), e.getMessage());
        assertTrue(e.getMessage().contains("PLAINTEXT"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PLAINTEXT://0.0.0.0:9092,PLAINTEXT://0.0.0.0:9093",
        "PLAINTEXT:0.0.0.0:9092",
        "PLAINTEXT://host:70000",
        "PLAINTEXT://host",
    })
    void shouldNameTheKeyWhenListenersAreMalformed(String listeners) {
        // when
        ConfigException e = assertThrows(ConfigException.class,
                () -> BrokerConfig.fromProperties(Map.of(BrokerConfig.LISTENERS_CONFIG, listeners)));

        // then
        assertTrue(e.getMessage().contains(BrokerConfig.LISTENERS_CONFIG), e.getMessage());
    }

    @Test
    void shouldAdvertiseTheCanonicalHostNameWhenTheListenerIsAWildcard() throws Exception {
        // given
        String canonical = InetAddress.getLocalHost().getCanonicalHostName();

        // when
        BrokerConfig wildcard = BrokerConfig.fromProperties(Map.of(BrokerConfig.LISTENERS_CONFIG, "PLAINTEXT://0.0.0.0:9095"));
        BrokerConfig empty = BrokerConfig.fromProperties(Map.of(BrokerConfig.LISTENERS_CONFIG, "PLAINTEXT://:9096"));

        // then
        assertEquals(canonical, wildcard.advertisedListener().host());
        assertEquals(9095, wildcard.advertisedListener().port());
        assertEquals(canonical, empty.advertisedListener().host());
        assertEquals("0.0.0.0", empty.listener().host());
    }

    @Test
    void shouldAdvertiseTheListenerWhenItNamesAHost() {
        // when
        BrokerConfig config = BrokerConfig.fromProperties(Map.of(BrokerConfig.LISTENERS_CONFIG, "plaintext://[::1]:9092"));

        // then
        assertEquals("::1", config.listener().host());
        assertEquals("::1", config.advertisedListener().host());
        assertEquals("PLAINTEXT", config.listener().listener());
    }

    @Test
    void shouldAdvertiseTheConfiguredAddressWhenAdvertisedListenersIsSet() {
        // when
        BrokerConfig config = BrokerConfig.fromProperties(Map.of(
                BrokerConfig.LISTENERS_CONFIG, "PLAINTEXT://0.0.0.0:9092",
                BrokerConfig.ADVERTISED_LISTENERS_CONFIG, "PLAINTEXT://broker.example.com:19092"));

        // then
        assertEquals("broker.example.com", config.advertisedListener().host());
        assertEquals(19092, config.advertisedListener().port());
        assertEquals("0.0.0.0", config.listener().host());
    }

    @Test
    void shouldRefuseAWildcardWhenItIsAdvertised() {
        // when
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.fromProperties(
                Map.of(BrokerConfig.ADVERTISED_LISTENERS_CONFIG, "PLAINTEXT://0.0.0.0:9092")));

        // then
        assertTrue(e.getMessage().contains(BrokerConfig.ADVERTISED_LISTENERS_CONFIG), e.getMessage());
    }

    @Test
    void shouldReplacePortZeroWhenTheListenerIsBound() {
        // given
        BrokerConfig config = BrokerConfig.fromProperties(Map.of(BrokerConfig.LISTENERS_CONFIG, "PLAINTEXT://localhost:0"));

        // when
        BrokerConfig bound = config.withBoundPort(40123);

        // then
        assertEquals(40123, bound.listener().port());
        assertEquals(40123, bound.advertisedListener().port());
        assertEquals("localhost", bound.advertisedListener().host());
        assertEquals(0, config.listener().port());
    }

    @Test
    void shouldKeepAnExplicitAdvertisedPortWhenTheListenerIsBound() {
        // given
        BrokerConfig config = BrokerConfig.fromProperties(Map.of(BrokerConfig.LISTENERS_CONFIG, "PLAINTEXT://:0",
                BrokerConfig.ADVERTISED_LISTENERS_CONFIG, "PLAINTEXT://proxy:9000"));

        // when
        BrokerConfig bound = config.withBoundPort(40123);

        // then
        assertEquals(40123, bound.listener().port());
        assertEquals(9000, bound.advertisedListener().port());
    }

    @Test
    void shouldFallBackToLogDirWhenLogDirsIsNotSet() {
        // when
        BrokerConfig logDir = BrokerConfig.fromProperties(Map.of(BrokerConfig.LOG_DIR_CONFIG, dir.resolve("one").toString()));
        BrokerConfig both = BrokerConfig.fromProperties(Map.of(BrokerConfig.LOG_DIR_CONFIG, dir.resolve("one").toString(),
                BrokerConfig.LOG_DIRS_CONFIG, dir.resolve("two") + "," + dir.resolve("three")));

        // then
        assertEquals(List.of(dir.resolve("one")), logDir.logDirs());
        assertEquals(List.of(dir.resolve("two"), dir.resolve("three")), both.logDirs());
    }

    @Test
    void shouldRefuseDuplicateLogDirsWhenParsing() {
        // when
        ConfigException e = assertThrows(ConfigException.class, () -> BrokerConfig.fromProperties(
                Map.of(BrokerConfig.LOG_DIRS_CONFIG, dir + "," + dir.resolve("x/..") )));

        // then
        assertTrue(e.getMessage().contains(BrokerConfig.LOG_DIRS_CONFIG), e.getMessage());
    }

    @Test
    void shouldCapInFlightRequestsWithTheSmallerLimitWhenBothAreSet() {
        // when
        BrokerConfig config = BrokerConfig.fromProperties(Map.of(BrokerConfig.QUEUED_MAX_REQUESTS_CONFIG, "10"));

        // then
        assertEquals(10, config.queuedMaxRequestsPerConnection());
    }

    @Test
    void shouldReportSourcesAndSynonymsLikeKafkaWhenDescribingTheBroker() {
        // given
        BrokerConfig config = BrokerConfig.fromProperties(Map.of(BrokerConfig.LOG_RETENTION_MINUTES_CONFIG, "5",
                BrokerConfig.LOG_RETENTION_HOURS_CONFIG, "3", "custom.key", "v"));

        // when
        Map<String, DescribedConfig> described = byName(config.describe(null, true, true));

        // then
        DescribedConfig minutes = described.get(BrokerConfig.LOG_RETENTION_MINUTES_CONFIG);
        assertEquals("5", minutes.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, minutes.source());
        assertTrue(minutes.readOnly());
        assertEquals(List.of(
                new DescribedConfig.Synonym("log.retention.minutes", "5", ConfigSource.STATIC_BROKER_CONFIG),
                new DescribedConfig.Synonym("log.retention.hours", "3", ConfigSource.STATIC_BROKER_CONFIG),
                new DescribedConfig.Synonym("log.retention.hours", "168", ConfigSource.DEFAULT_CONFIG)),
                minutes.synonyms());
        DescribedConfig millis = described.get(BrokerConfig.LOG_RETENTION_MS_CONFIG);
        assertNull(millis.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, millis.source());
        assertEquals(List.of(), millis.synonyms());
        DescribedConfig partitions = described.get(BrokerConfig.NUM_PARTITIONS_CONFIG);
        assertEquals("1", partitions.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, partitions.source());
        assertFalse(partitions.documentation().isEmpty());
        DescribedConfig custom = described.get("custom.key");
        assertEquals("v", custom.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, custom.source());
        assertNull(custom.type());
        assertEquals("PLAINTEXT://0.0.0.0:9092", described.get(BrokerConfig.LISTENERS_CONFIG).value());
    }

    @Test
    void shouldDescribeOnlyTheRequestedKeysWithoutExtrasWhenAsked() {
        // given
        BrokerConfig config = BrokerConfig.fromProperties(Map.of());

        // when
        List<DescribedConfig> described = config.describe(List.of(BrokerConfig.NODE_ID_CONFIG), false, false);

        // then
        assertEquals(1, described.size());
        assertEquals("1", described.get(0).value());
        assertEquals(List.of(), described.get(0).synonyms());
        assertNull(described.get(0).documentation());
        assertNotEquals(0, BrokerConfig.configDef().names().size());
    }

    private static Map<String, DescribedConfig> byName(List<DescribedConfig> configs) {
        Map<String, DescribedConfig> byName = new HashMap<>();
        configs.forEach(config -> byName.put(config.name(), config));
        return byName;
    }
}
