package io.strata.broker.config;

import static io.strata.broker.config.BrokerConfig.ADVERTISED_LISTENERS_CONFIG;
import static io.strata.broker.config.BrokerConfig.AUTO_CREATE_TOPICS_ENABLE_CONFIG;
import static io.strata.broker.config.BrokerConfig.COMPRESSION_TYPE_CONFIG;
import static io.strata.broker.config.BrokerConfig.DEFAULT_REPLICATION_FACTOR_CONFIG;
import static io.strata.broker.config.BrokerConfig.DELETE_TOPIC_ENABLE_CONFIG;
import static io.strata.broker.config.BrokerConfig.LISTENERS_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_CLEANUP_POLICY_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_DIRS_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_DIR_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_FLUSH_INTERVAL_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_INDEX_INTERVAL_BYTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_INDEX_SIZE_MAX_BYTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_RETENTION_BYTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_RETENTION_CHECK_INTERVAL_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_RETENTION_HOURS_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_RETENTION_MINUTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_RETENTION_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_ROLL_HOURS_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_ROLL_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_SEGMENT_BYTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.LOG_SEGMENT_DELETE_DELAY_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.MESSAGE_MAX_BYTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.MIN_IN_SYNC_REPLICAS_CONFIG;
import static io.strata.broker.config.BrokerConfig.NODE_ID_CONFIG;
import static io.strata.broker.config.BrokerConfig.NUM_IO_THREADS_CONFIG;
import static io.strata.broker.config.BrokerConfig.NUM_NETWORK_THREADS_CONFIG;
import static io.strata.broker.config.BrokerConfig.NUM_PARTITIONS_CONFIG;
import static io.strata.broker.config.BrokerConfig.PRODUCER_ID_EXPIRATION_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG;
import static io.strata.broker.config.BrokerConfig.OFFSETS_TOPIC_SEGMENT_BYTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR_CONFIG;
import static io.strata.broker.config.BrokerConfig.OFFSETS_RETENTION_MINUTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.OFFSETS_RETENTION_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.OFFSET_METADATA_MAX_BYTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG;
import static io.strata.broker.config.BrokerConfig.GROUP_MAX_SIZE_CONFIG;
import static io.strata.broker.config.BrokerConfig.QUEUED_MAX_REQUESTS_CONFIG;
import static io.strata.broker.config.BrokerConfig.QUEUED_MAX_REQUESTS_PER_CONNECTION_CONFIG;
import static io.strata.broker.config.BrokerConfig.SOCKET_RECEIVE_BUFFER_BYTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.SOCKET_REQUEST_MAX_BYTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.SOCKET_SEND_BUFFER_BYTES_CONFIG;
import static io.strata.broker.config.BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG;
import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.SHORT;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;

/**
 * The broker's {@link ConfigDef}: Apache Kafka's names, types, defaults and ranges for the subset of
 * broker configs Strata implements. Unsupported values (another cleanup policy or compression type)
 * are rejected here, at start, with the key in the message.
 *
 * <p>This class is thread-safe (immutable after class initialization).
 */
final class BrokerConfigDef {

    static final long HOUR_MS = 60L * 60 * 1000;
    static final long MINUTE_MS = 60L * 1000;
    static final String DEFAULT_LOG_DIR = "/tmp/strata-logs";
    static final String DEFAULT_LISTENERS = "PLAINTEXT://0.0.0.0:9092";
    static final String PRODUCER_COMPRESSION = "producer";
    /** Kafka's compression.type values, in its order. */
    static final List<String> KNOWN_COMPRESSION_TYPES =
            List.of("uncompressed", "zstd", "lz4", "snappy", "gzip", PRODUCER_COMPRESSION);

    static final ConfigDef DEF = RemoteStorageConfigs.define(new ConfigDef()
            // Server basics
            .define(NODE_ID_CONFIG, INT, 1, Range.atLeast(0), HIGH,
                    "The id of this broker. Stored in meta.properties of every log dir on first start; a later "
                            + "start with a different id is refused.")
            .define(LISTENERS_CONFIG, LIST, DEFAULT_LISTENERS, HIGH,
                    "The address the broker listens on, as LISTENER://host:port. Only the PLAINTEXT listener is "
                            + "supported. An empty host or 0.0.0.0 binds all interfaces; port 0 picks a free port.")
            .define(ADVERTISED_LISTENERS_CONFIG, LIST, null, HIGH,
                    "The address clients are told to connect to, as PLAINTEXT://host:port. When unset it is the "
                            + "listener, with an empty or wildcard host replaced by this machine's canonical host "
                            + "name. The wildcard address 0.0.0.0 is not allowed here.")
            .define(NUM_NETWORK_THREADS_CONFIG, INT, 3, Range.atLeast(1), HIGH,
                    "The number of threads that receive requests and send responses (event loops).")
            .define(NUM_IO_THREADS_CONFIG, INT, 8, Range.atLeast(1), HIGH,
                    "The number of threads that do disk work: appends, reads, topic creation and deletion.")
            .define(QUEUED_MAX_REQUESTS_CONFIG, INT, 500, Range.atLeast(1), HIGH,
                    "An upper bound on the requests one connection may have in flight; the effective cap is "
                            + "the smaller of this and " + QUEUED_MAX_REQUESTS_PER_CONNECTION_CONFIG + ".")
            .define(QUEUED_MAX_REQUESTS_PER_CONNECTION_CONFIG, INT, 64, Range.atLeast(1), MEDIUM,
                    "The number of pipelined requests one connection may have in flight before the broker "
                            + "stops reading from it until responses are written. The effective cap is the smaller "
                            + "of this and " + QUEUED_MAX_REQUESTS_CONFIG + ".")
            // Socket server
            // Kafka's default is 102400. A fixed size turns off the kernel's buffer autotuning; with
            // autotuning (-1) a 1 MiB fetch goes out in a few sendfile calls instead of ten or more,
            // which measured about a third less broker CPU per GiB fetched (benchmarks/RESULTS.md).
            .define(SOCKET_SEND_BUFFER_BYTES_CONFIG, INT, -1, HIGH,
                    "The SO_SNDBUF size of accepted sockets; -1 (the default) uses the operating system's "
                            + "default and lets the kernel size the buffer to the connection.")
            .define(SOCKET_RECEIVE_BUFFER_BYTES_CONFIG, INT, -1, HIGH,
                    "The SO_RCVBUF size of accepted sockets; -1 (the default) uses the operating system's "
                            + "default and lets the kernel size the buffer to the connection.")
            .define(SOCKET_REQUEST_MAX_BYTES_CONFIG, INT, 100 * 1024 * 1024, Range.atLeast(1), HIGH,
                    "The largest request the broker reads; a larger one closes the connection.")
            // Topics
            .define(NUM_PARTITIONS_CONFIG, INT, 1, Range.atLeast(1), MEDIUM,
                    "The number of partitions of a topic created without a partition count, including "
                            + "auto-created topics.")
            .define(DEFAULT_REPLICATION_FACTOR_CONFIG, INT, 1, Range.atLeast(1), MEDIUM,
                    "The replication factor of a topic created without one. A single broker can only create "
                            + "topics with replication factor 1.")
            .define(AUTO_CREATE_TOPICS_ENABLE_CONFIG, BOOLEAN, true, HIGH,
                    "Whether a Metadata request for an unknown topic creates it (when the client allows it).")
            .define(DELETE_TOPIC_ENABLE_CONFIG, BOOLEAN, true, HIGH,
                    "Whether topics can be deleted; when false DeleteTopics fails with TOPIC_DELETION_DISABLED.")
            .define(MESSAGE_MAX_BYTES_CONFIG, INT, 1024 * 1024 + 12, Range.atLeast(0), HIGH,
                    "The largest record batch the broker accepts, after compression. Topics override it with "
                            + TopicConfig.MAX_MESSAGE_BYTES_CONFIG + ".")
            .define(MIN_IN_SYNC_REPLICAS_CONFIG, INT, 1, Range.atLeast(1), HIGH,
                    "The default of the topic config " + TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG + ".")
            .define(UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, BOOLEAN, false, HIGH,
                    "The default of the topic config " + TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG
                            + "; without replicas it has no effect.")
            .define(COMPRESSION_TYPE_CONFIG, STRING, PRODUCER_COMPRESSION, supportedCompressionType(), HIGH,
                    "The default of the topic config " + TopicConfig.COMPRESSION_TYPE_CONFIG + ". Only "
                            + "'producer' is supported: batches are stored as the producer compressed them.")
            // Log basics
            .define(LOG_DIRS_CONFIG, LIST, null, HIGH,
                    "The directories where partition data is kept, comma-separated. Falls back to "
                            + LOG_DIR_CONFIG + ". Topic metadata lives in the first one.")
            .define(LOG_DIR_CONFIG, LIST, DEFAULT_LOG_DIR, HIGH,
                    "The directory where partition data is kept, used when " + LOG_DIRS_CONFIG + " is not set.")
            .define(LOG_SEGMENT_BYTES_CONFIG, INT, 1024 * 1024 * 1024, Range.atLeast(1024 * 1024), HIGH,
                    "The size at which a log segment is closed and a new one rolled.")
            .define(LOG_ROLL_MS_CONFIG, LONG, null, nullOr(Range.atLeast(1)), HIGH,
                    "The age of the first record after which a new segment is rolled; takes precedence over "
                            + LOG_ROLL_HOURS_CONFIG + ".")
            .define(LOG_ROLL_HOURS_CONFIG, INT, 24 * 7, Range.atLeast(1), HIGH,
                    "Like " + LOG_ROLL_MS_CONFIG + ", in hours.")
            .define(LOG_RETENTION_MS_CONFIG, LONG, null, HIGH,
                    "How long a segment is kept after its newest record was written; -1 keeps data forever. "
                            + "Takes precedence over " + LOG_RETENTION_MINUTES_CONFIG + " and "
                            + LOG_RETENTION_HOURS_CONFIG + ".")
            .define(LOG_RETENTION_MINUTES_CONFIG, INT, null, HIGH,
                    "Like " + LOG_RETENTION_MS_CONFIG + ", in minutes; takes precedence over "
                            + LOG_RETENTION_HOURS_CONFIG + ".")
            .define(LOG_RETENTION_HOURS_CONFIG, INT, 24 * 7, HIGH,
                    "Like " + LOG_RETENTION_MS_CONFIG + ", in hours.")
            .define(LOG_RETENTION_BYTES_CONFIG, LONG, -1L, HIGH,
                    "The size a partition may reach before its oldest segments are deleted; -1 means no limit.")
            .define(LOG_RETENTION_CHECK_INTERVAL_MS_CONFIG, LONG, 5 * MINUTE_MS, Range.atLeast(1), MEDIUM,
                    "How often segments are checked for deletion by retention.")
            .define(LOG_CLEANUP_POLICY_CONFIG, LIST, TopicConfig.CLEANUP_POLICY_DELETE, supportedCleanupPolicy(),
                    MEDIUM,
                    "The default of the topic config " + TopicConfig.CLEANUP_POLICY_CONFIG + ". Only 'delete' is "
                            + "supported; compaction is not.")
            .define(LOG_INDEX_SIZE_MAX_BYTES_CONFIG, INT, 10 * 1024 * 1024, Range.atLeast(4), MEDIUM,
                    "The preallocated size of a segment's offset and time indexes.")
            .define(LOG_INDEX_INTERVAL_BYTES_CONFIG, INT, 4096, Range.atLeast(0), MEDIUM,
                    "The number of log bytes between two offset index entries.")
            .define(LOG_SEGMENT_DELETE_DELAY_MS_CONFIG, LONG, 60_000L, Range.atLeast(0), HIGH,
                    "How long the files of a deleted segment stay readable before they are removed.")
            .define(LOG_FLUSH_INTERVAL_MESSAGES_CONFIG, LONG, Long.MAX_VALUE, Range.atLeast(1), HIGH,
                    "The number of records after which a partition is fsynced. The default leaves durability "
                            + "to the operating system's page cache, like Apache Kafka.")
            .define(LOG_FLUSH_INTERVAL_MS_CONFIG, LONG, null, nullOr(Range.atLeast(0)), HIGH,
                    "The age of unflushed data after which a partition is fsynced; unset means never.")
            .define(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS_CONFIG, INT, 60_000, Range.atLeast(0), HIGH,
                    "How often the recovery point and log start offset checkpoints are written.")
            .define(LOG_MESSAGE_TIMESTAMP_TYPE_CONFIG, STRING, TimestampType.CREATE_TIME.name,
                    ValidString.in(TimestampType.CREATE_TIME.name, TimestampType.LOG_APPEND_TIME.name), MEDIUM,
                    "Whether a record's timestamp is the producer's (CreateTime) or the broker's append time "
                            + "(LogAppendTime).")
            .define(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, LONG, Long.MAX_VALUE, Range.atLeast(0), MEDIUM,
                    "How far a CreateTime timestamp may lie before the broker's clock.")
            .define(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, LONG, HOUR_MS, Range.atLeast(0), MEDIUM,
                    "How far a CreateTime timestamp may lie after the broker's clock.")
            // Producers
            .define(PRODUCER_ID_EXPIRATION_MS_CONFIG, INT, 24 * 60 * 60 * 1000, Range.atLeast(1), LOW,
                    "How long a producer id's state is kept after its last write.")
            // Group coordinator and committed offsets
            .define(OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG, INT, 50, Range.atLeast(1), HIGH,
                    "The number of partitions of the internal __consumer_offsets topic, created on the first use "
                            + "of the group coordinator. Changing it after the topic exists has no effect.")
            .define(OFFSETS_TOPIC_SEGMENT_BYTES_CONFIG, INT, 100 * 1024 * 1024, Range.atLeast(1), HIGH,
                    "The segment size of __consumer_offsets. Without log compaction, a partition that grew by "
                            + "this much since its last rewrite has its live state (current offsets and group "
                            + "metadata) rewritten at its end and everything before deleted.")
            .define(OFFSETS_TOPIC_REPLICATION_FACTOR_CONFIG, SHORT, (short) 3, Range.atLeast(1), HIGH,
                    "The replication factor of __consumer_offsets. Accepted for compatibility: a single broker "
                            + "creates the topic with one replica.")
            .define(OFFSETS_RETENTION_MINUTES_CONFIG, INT, 7 * 24 * 60, Range.atLeast(1), HIGH,
                    "How long committed offsets are kept after the group lost its last member (or, for a "
                            + "standalone consumer, after the last commit; for a group no longer subscribed to "
                            + "a topic, after the last commit of that topic).")
            .define(OFFSETS_RETENTION_MS_CONFIG, LONG, null, nullOr(Range.atLeast(1)), LOW,
                    "Like " + OFFSETS_RETENTION_MINUTES_CONFIG + ", in milliseconds; takes precedence over it. "
                            + "Not an Apache Kafka config.")
            .define(OFFSETS_RETENTION_CHECK_INTERVAL_MS_CONFIG, LONG, 600_000L, Range.atLeast(1), HIGH,
                    "How often expired committed offsets are looked for.")
            .define(OFFSET_METADATA_MAX_BYTES_CONFIG, INT, 4096, HIGH,
                    "The largest metadata string a committed offset may carry; a longer one fails with "
                            + "OFFSET_METADATA_TOO_LARGE.")
            .define(GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG, INT, 3000, Range.atLeast(0), MEDIUM,
                    "How long the first rebalance of an empty group waits for more members to join, extended "
                            + "by this much (up to the rebalance timeout) while new members keep joining.")
            .define(GROUP_MIN_SESSION_TIMEOUT_MS_CONFIG, INT, 6000, MEDIUM,
                    "The smallest session timeout a group member may ask for (INVALID_SESSION_TIMEOUT below).")
            .define(GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG, INT, 1_800_000, MEDIUM,
                    "The largest session timeout a group member may ask for (INVALID_SESSION_TIMEOUT above).")
            .define(GROUP_MAX_SIZE_CONFIG, INT, Integer.MAX_VALUE, Range.atLeast(1), MEDIUM,
                    "The largest number of members a group may have (GROUP_MAX_SIZE_REACHED beyond)."));

    private BrokerConfigDef() {
    }

    /** Checks {@code validator} only when a value is set, for configs whose default is null. */
    private static ConfigDef.Validator nullOr(ConfigDef.Validator validator) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value != null) {
                    validator.ensureValid(name, value);
                }
            }

            @Override
            public String toString() {
                return "null or " + validator;
            }
        };
    }

    /**
     * Validates cleanup.policy and log.cleanup.policy: Kafka's values are recognised, but only
     * {@code delete} is supported; compaction is refused with a message that says so.
     */
    static ConfigDef.Validator supportedCleanupPolicy() {
        ConfigDef.Validator known = ValidList.in(TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.CLEANUP_POLICY_DELETE);
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                known.ensureValid(name, value);
                List<?> policies = (List<?>) value;
                if (policies.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                    throw new ConfigException(name, String.join(",", toStrings(policies)),
                            "log compaction is not supported yet; the only supported cleanup policy is 'delete'");
                }
                if (policies.isEmpty()) {
                    throw new ConfigException(name, "", "the only supported cleanup policy is 'delete'");
                }
            }

            @Override
            public String toString() {
                return "[" + TopicConfig.CLEANUP_POLICY_DELETE + "]";
            }
        };
    }

    /**
     * Validates compression.type: Kafka's values are recognised, but only {@code producer} (keep the
     * producer's compression) is supported; recompressing on the broker is refused with a message.
     */
    static ConfigDef.Validator supportedCompressionType() {
        ConfigDef.Validator known = ValidString.in(KNOWN_COMPRESSION_TYPES.toArray(String[]::new));
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                known.ensureValid(name, value);
                if (!PRODUCER_COMPRESSION.equals(value)) {
                    throw new ConfigException(name, value, "recompressing batches on the broker is not supported "
                            + "yet; the only supported compression type is '" + PRODUCER_COMPRESSION
                            + "' (batches are kept as the producer compressed them)");
                }
            }

            @Override
            public String toString() {
                return "[" + PRODUCER_COMPRESSION + "]";
            }
        };
    }

    private static List<String> toStrings(List<?> values) {
        return values.stream().map(String::valueOf).toList();
    }
}
