package io.strata.broker.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

import io.strata.storage.log.LogConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * Topic-level configs: Apache Kafka's names ({@link TopicConfig}), types, ranges and documentation,
 * each with its broker synonyms, which supply the value when a topic does not override it
 * ({@code retention.ms} from {@code log.retention.ms}, {@code .minutes} or {@code .hours}, and so on).
 *
 * <p>Supported now: retention, segments, indexes, flush, timestamps and {@code max.message.bytes}.
 * {@code min.insync.replicas} and {@code unclean.leader.election.enable} are accepted and
 * reported (a single node has no followers). {@code cleanup.policy} accepts only {@code delete} and
 * {@code compression.type} only {@code producer}: other values fail with INVALID_CONFIG and a message
 * saying they are not supported yet. Like Kafka, the internal {@code internal.segment.bytes} (no
 * lower bound, for tests) takes precedence over {@code segment.bytes} and is never described.
 *
 * <p>This class is thread-safe (stateless).
 */
public final class TopicConfigs {

    /** Kafka's internal segment size override, below segment.bytes' 1 MiB minimum; for tests. */
    public static final String INTERNAL_SEGMENT_BYTES_CONFIG = "internal.segment.bytes";

    private static final ConfigDef DEF = new ConfigDef()
            .define(TopicConfig.CLEANUP_POLICY_CONFIG, LIST, TopicConfig.CLEANUP_POLICY_DELETE,
                    BrokerConfigDef.supportedCleanupPolicy(), MEDIUM, TopicConfig.CLEANUP_POLICY_DOC)
            .define(TopicConfig.COMPRESSION_TYPE_CONFIG, STRING, BrokerConfigDef.PRODUCER_COMPRESSION,
                    BrokerConfigDef.supportedCompressionType(), MEDIUM, TopicConfig.COMPRESSION_TYPE_DOC)
            .define(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, LONG, 60_000L, Range.atLeast(0), MEDIUM,
                    TopicConfig.FILE_DELETE_DELAY_MS_DOC)
            .define(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, LONG, Long.MAX_VALUE, Range.atLeast(1), MEDIUM,
                    TopicConfig.FLUSH_MESSAGES_INTERVAL_DOC)
            .define(TopicConfig.FLUSH_MS_CONFIG, LONG, Long.MAX_VALUE, Range.atLeast(0), MEDIUM,
                    TopicConfig.FLUSH_MS_DOC)
            .define(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, INT, 4096, Range.atLeast(0), MEDIUM,
                    TopicConfig.INDEX_INTERVAL_BYTES_DOC)
            .define(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, INT, 1024 * 1024 + 12, Range.atLeast(0), MEDIUM,
                    TopicConfig.MAX_MESSAGE_BYTES_DOC)
            .define(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, LONG, BrokerConfigDef.HOUR_MS,
                    Range.atLeast(0), MEDIUM, TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_DOC)
            .define(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, LONG, Long.MAX_VALUE, Range.atLeast(0),
                    MEDIUM, TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_DOC)
            .define(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, STRING, TimestampType.CREATE_TIME.name,
                    ValidString.in(TimestampType.CREATE_TIME.name, TimestampType.LOG_APPEND_TIME.name), MEDIUM,
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC)
            .define(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, INT, 1, Range.atLeast(1), MEDIUM,
                    TopicConfig.MIN_IN_SYNC_REPLICAS_DOC)
            .define(TopicConfig.RETENTION_BYTES_CONFIG, LONG, -1L, MEDIUM, TopicConfig.RETENTION_BYTES_DOC)
            .define(TopicConfig.RETENTION_MS_CONFIG, LONG, 7 * 24 * BrokerConfigDef.HOUR_MS, Range.atLeast(-1),
                    MEDIUM, TopicConfig.RETENTION_MS_DOC)
            .define(TopicConfig.SEGMENT_BYTES_CONFIG, INT, 1024 * 1024 * 1024, Range.atLeast(1024 * 1024), MEDIUM,
                    TopicConfig.SEGMENT_BYTES_DOC)
            .define(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, INT, 10 * 1024 * 1024, Range.atLeast(4), MEDIUM,
                    TopicConfig.SEGMENT_INDEX_BYTES_DOC)
            .define(TopicConfig.SEGMENT_MS_CONFIG, LONG, 7 * 24 * BrokerConfigDef.HOUR_MS, Range.atLeast(1), MEDIUM,
                    TopicConfig.SEGMENT_MS_DOC)
            .define(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, BOOLEAN, false, MEDIUM,
                    TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC)
            .define(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, BOOLEAN, false, MEDIUM,
                    TopicConfig.REMOTE_LOG_STORAGE_ENABLE_DOC)
            .define(TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG, LONG, -2L, Range.atLeast(-2), MEDIUM,
                    TopicConfig.LOCAL_LOG_RETENTION_MS_DOC)
            .define(TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, LONG, -2L, Range.atLeast(-2), MEDIUM,
                    TopicConfig.LOCAL_LOG_RETENTION_BYTES_DOC)
            .defineInternal(INTERNAL_SEGMENT_BYTES_CONFIG, INT, null, null, LOW,
                    "The maximum size of a segment, without the lower bound of segment.bytes; for tests.");

    /** Each topic config's broker synonyms, highest precedence first, as Kafka lists them. */
    private static final Map<String, List<String>> BROKER_SYNONYMS = brokerSynonyms();

    private TopicConfigs() {
    }

    /** The definition of every topic config. */
    public static ConfigDef configDef() {
        return new ConfigDef(DEF);
    }

    /** Whether {@code name} is a known topic config (internal ones included). */
    public static boolean isKnown(String name) {
        return DEF.configKeys().containsKey(name);
    }

    /** Whether {@code name} is a list config, the only kind IncrementalAlterConfigs may APPEND to or SUBTRACT from. */
    public static boolean isList(String name) {
        ConfigDef.ConfigKey key = DEF.configKeys().get(name);
        return key != null && key.type == LIST;
    }

    /**
     * Checks topic overrides as CreateTopics and AlterConfigs must.
     *
     * @throws InvalidConfigurationException (INVALID_CONFIG) for an unknown key, a null or invalid
     *                                       value, or a value not supported yet; the message names the key
     */
    public static void validate(Map<String, String> overrides) {
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            if (!isKnown(entry.getKey())) {
                throw new InvalidConfigurationException("Unknown topic config name: " + entry.getKey());
            }
            if (entry.getValue() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic config "
                        + entry.getKey());
            }
        }
        try {
            DEF.parse(overrides);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /**
     * The settings of a partition of a topic with {@code overrides} (already validated); what the
     * topic does not override comes from the broker's synonyms.
     */
    public static LogConfig toLogConfig(BrokerConfig broker, Map<String, String> overrides) {
        Map<String, Object> values = effectiveValues(broker, overrides);
        Integer internalSegmentBytes = (Integer) values.get(INTERNAL_SEGMENT_BYTES_CONFIG);
        return new LogConfig(
                internalSegmentBytes != null ? internalSegmentBytes : (Integer) values.get(TopicConfig.SEGMENT_BYTES_CONFIG),
                (Long) values.get(TopicConfig.SEGMENT_MS_CONFIG),
                (Long) values.get(TopicConfig.RETENTION_MS_CONFIG),
                (Long) values.get(TopicConfig.RETENTION_BYTES_CONFIG),
                (Integer) values.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
                TimestampType.forName((String) values.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG)),
                (Long) values.get(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG),
                (Long) values.get(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG),
                (Integer) values.get(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG),
                (Integer) values.get(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG),
                (Long) values.get(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG),
                (Long) values.get(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG),
                (Long) values.get(TopicConfig.FLUSH_MS_CONFIG),
                // Without the broker's master switch no topic is tiered (Kafka refuses such topics).
                (Boolean) values.get(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG)
                        && (Boolean) broker.value(RemoteStorageConfigs.REMOTE_LOG_STORAGE_SYSTEM_ENABLE_CONFIG),
                (Long) values.get(TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG),
                (Long) values.get(TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG));
    }

    /**
     * The value a topic without an override of {@code name} has, from the broker's synonyms; null
     * when there is none. IncrementalAlterConfigs APPENDs to it when the topic has no override.
     */
    public static String brokerDefault(BrokerConfig broker, String name) {
        ConfigDef.ConfigKey key = DEF.configKeys().get(name);
        return key == null ? null : ConfigDef.convertToString(effectiveValues(broker, Map.of()).get(name), key.type);
    }

    /**
     * A topic's configs as DescribeConfigs reports them, exactly as Apache Kafka builds them: the
     * source is the first synonym's (the topic override, TOPIC_CONFIG; else the broker property
     * for the primary synonym, STATIC_BROKER_CONFIG; else DEFAULT_CONFIG), synonyms highest
     * precedence first; never read-only, never sensitive.
     *
     * @param overrides the topic's overrides
     * @param keys      the configs wanted; null or empty means all
     */
    public static List<DescribedConfig> describe(BrokerConfig broker, Map<String, String> overrides,
                                                 Collection<String> keys, boolean includeSynonyms,
                                                 boolean includeDocumentation) {
        Map<String, Object> values = effectiveValues(broker, overrides);
        List<DescribedConfig> described = new ArrayList<>();
        for (ConfigDef.ConfigKey key : DEF.configKeys().values()) {
            if (key.internalConfig || (keys != null && !keys.isEmpty() && !keys.contains(key.name))) {
                continue;
            }
            String value = ConfigDef.convertToString(values.get(key.name), key.type);
            List<DescribedConfig.Synonym> synonyms = new ArrayList<>();
            if (overrides.containsKey(key.name)) {
                synonyms.add(new DescribedConfig.Synonym(key.name, value, ConfigSource.TOPIC_CONFIG));
            }
            List<String> group = BROKER_SYNONYMS.get(key.name);
            if (group != null) {
                synonyms.addAll(broker.synonyms(group.get(0), group));
            }
            ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
            described.add(new DescribedConfig(key.name, value, source, false, false, key.type,
                    includeDocumentation ? key.documentation : null, includeSynonyms ? synonyms : List.of()));
        }
        return described;
    }

    /**
     * A new topic's effective configs as CreateTopics (v5+) returns them: the source is
     * TOPIC_CONFIG for an override, STATIC_BROKER_CONFIG when any broker synonym is set in the
     * broker's properties, DEFAULT_CONFIG otherwise. No synonyms, no documentation.
     */
    public static List<DescribedConfig> effectiveConfigs(BrokerConfig broker, Map<String, String> overrides) {
        Map<String, Object> values = effectiveValues(broker, overrides);
        List<DescribedConfig> configs = new ArrayList<>();
        for (ConfigDef.ConfigKey key : DEF.configKeys().values()) {
            if (key.internalConfig) {
                continue;
            }
            ConfigSource source;
            if (overrides.containsKey(key.name)) {
                source = ConfigSource.TOPIC_CONFIG;
            } else if (BROKER_SYNONYMS.getOrDefault(key.name, List.of()).stream().anyMatch(broker::isSet)) {
                source = ConfigSource.STATIC_BROKER_CONFIG;
            } else {
                source = ConfigSource.DEFAULT_CONFIG;
            }
            configs.add(new DescribedConfig(key.name, ConfigDef.convertToString(values.get(key.name), key.type),
                    source, false, false, key.type, null, List.of()));
        }
        return configs;
    }

    /** Parsed values: the broker's synonyms, replaced by the topic's overrides. */
    private static Map<String, Object> effectiveValues(BrokerConfig broker, Map<String, String> overrides) {
        Map<String, Object> merged = new HashMap<>();
        merged.put(TopicConfig.RETENTION_MS_CONFIG, broker.logRetentionMs());
        merged.put(TopicConfig.SEGMENT_MS_CONFIG, broker.logRollMs());
        merged.put(TopicConfig.FLUSH_MS_CONFIG, broker.logFlushIntervalMs());
        for (Map.Entry<String, List<String>> synonyms : BROKER_SYNONYMS.entrySet()) {
            merged.putIfAbsent(synonyms.getKey(), broker.value(synonyms.getValue().get(0)));
        }
        merged.putAll(overrides);
        try {
            return DEF.parse(merged);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    private static Map<String, List<String>> brokerSynonyms() {
        Map<String, List<String>> synonyms = new LinkedHashMap<>();
        synonyms.put(TopicConfig.CLEANUP_POLICY_CONFIG, List.of(BrokerConfig.LOG_CLEANUP_POLICY_CONFIG));
        synonyms.put(TopicConfig.COMPRESSION_TYPE_CONFIG, List.of(BrokerConfig.COMPRESSION_TYPE_CONFIG));
        synonyms.put(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, List.of(BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS_CONFIG));
        synonyms.put(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG,
                List.of(BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES_CONFIG));
        synonyms.put(TopicConfig.FLUSH_MS_CONFIG, List.of(BrokerConfig.LOG_FLUSH_INTERVAL_MS_CONFIG));
        synonyms.put(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, List.of(BrokerConfig.LOG_INDEX_INTERVAL_BYTES_CONFIG));
        synonyms.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, List.of(BrokerConfig.MESSAGE_MAX_BYTES_CONFIG));
        synonyms.put(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG,
                List.of(BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG));
        synonyms.put(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG,
                List.of(BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG));
        synonyms.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, List.of(BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE_CONFIG));
        synonyms.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, List.of(BrokerConfig.MIN_IN_SYNC_REPLICAS_CONFIG));
        synonyms.put(TopicConfig.RETENTION_BYTES_CONFIG, List.of(BrokerConfig.LOG_RETENTION_BYTES_CONFIG));
        synonyms.put(TopicConfig.RETENTION_MS_CONFIG, List.of(BrokerConfig.LOG_RETENTION_MS_CONFIG,
                BrokerConfig.LOG_RETENTION_MINUTES_CONFIG, BrokerConfig.LOG_RETENTION_HOURS_CONFIG));
        synonyms.put(TopicConfig.SEGMENT_BYTES_CONFIG, List.of(BrokerConfig.LOG_SEGMENT_BYTES_CONFIG));
        synonyms.put(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, List.of(BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES_CONFIG));
        synonyms.put(TopicConfig.SEGMENT_MS_CONFIG,
                List.of(BrokerConfig.LOG_ROLL_MS_CONFIG, BrokerConfig.LOG_ROLL_HOURS_CONFIG));
        synonyms.put(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG,
                List.of(BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG));
        synonyms.put(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG,
                List.of(RemoteStorageConfigs.LOG_REMOTE_STORAGE_ENABLE_CONFIG));
        synonyms.put(TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG,
                List.of(RemoteStorageConfigs.LOG_LOCAL_RETENTION_MS_CONFIG));
        synonyms.put(TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG,
                List.of(RemoteStorageConfigs.LOG_LOCAL_RETENTION_BYTES_CONFIG));
        return Map.copyOf(synonyms);
    }
}
