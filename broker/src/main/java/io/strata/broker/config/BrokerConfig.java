package io.strata.broker.config;

import io.strata.storage.log.LogConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's configuration: Apache Kafka's broker config names and defaults, parsed and validated
 * once with a {@link ConfigDef} (a bad value fails with a {@link ConfigException} that names the
 * key; an unknown key is ignored with a WARN, as Kafka does).
 *
 * <p>Derived values follow Kafka's precedence: {@code log.retention.ms} over {@code
 * log.retention.minutes} over {@code log.retention.hours} (a negative result means unlimited, -1);
 * {@code log.roll.ms} over {@code log.roll.hours}; {@code log.dirs} over {@code log.dir}.
 *
 * <p>Listeners: only the {@code PLAINTEXT} listener (one address) is supported. When {@code
 * advertised.listeners} is not set, clients are told the listener's address, with an empty or
 * wildcard host ({@code 0.0.0.0}, {@code ::}) replaced by this machine's canonical host name, as
 * Kafka does for an empty host. On a laptop whose host name clients cannot resolve, set {@code
 * advertised.listeners=PLAINTEXT://localhost:9092}.
 *
 * <p>This class is immutable and thread-safe.
 */
public final class BrokerConfig {

    public static final String NODE_ID_CONFIG = "node.id";
    public static final String LISTENERS_CONFIG = "listeners";
    public static final String ADVERTISED_LISTENERS_CONFIG = "advertised.listeners";
    public static final String NUM_NETWORK_THREADS_CONFIG = "num.network.threads";
    public static final String NUM_IO_THREADS_CONFIG = "num.io.threads";
    public static final String QUEUED_MAX_REQUESTS_CONFIG = "queued.max.requests";
    public static final String QUEUED_MAX_REQUESTS_PER_CONNECTION_CONFIG = "queued.max.requests.per.connection";
    public static final String SOCKET_SEND_BUFFER_BYTES_CONFIG = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES_CONFIG = "socket.receive.buffer.bytes";
    public static final String SOCKET_REQUEST_MAX_BYTES_CONFIG = "socket.request.max.bytes";
    public static final String NUM_PARTITIONS_CONFIG = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR_CONFIG = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE_CONFIG = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE_CONFIG = "delete.topic.enable";
    public static final String MESSAGE_MAX_BYTES_CONFIG = "message.max.bytes";
    public static final String MIN_IN_SYNC_REPLICAS_CONFIG = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG = "unclean.leader.election.enable";
    public static final String COMPRESSION_TYPE_CONFIG = "compression.type";
    public static final String LOG_DIRS_CONFIG = "log.dirs";
    public static final String LOG_DIR_CONFIG = "log.dir";
    public static final String LOG_SEGMENT_BYTES_CONFIG = "log.segment.bytes";
    public static final String LOG_ROLL_MS_CONFIG = "log.roll.ms";
    public static final String LOG_ROLL_HOURS_CONFIG = "log.roll.hours";
    public static final String LOG_RETENTION_MS_CONFIG = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES_CONFIG = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS_CONFIG = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES_CONFIG = "log.retention.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS_CONFIG = "log.retention.check.interval.ms";
    public static final String LOG_CLEANUP_POLICY_CONFIG = "log.cleanup.policy";
    public static final String LOG_INDEX_SIZE_MAX_BYTES_CONFIG = "log.index.size.max.bytes";
    public static final String LOG_INDEX_INTERVAL_BYTES_CONFIG = "log.index.interval.bytes";
    public static final String LOG_SEGMENT_DELETE_DELAY_MS_CONFIG = "log.segment.delete.delay.ms";
    public static final String LOG_FLUSH_INTERVAL_MESSAGES_CONFIG = "log.flush.interval.messages";
    public static final String LOG_FLUSH_INTERVAL_MS_CONFIG = "log.flush.interval.ms";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS_CONFIG = "log.flush.offset.checkpoint.interval.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE_CONFIG = "log.message.timestamp.type";
    public static final String LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG = "log.message.timestamp.before.max.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG = "log.message.timestamp.after.max.ms";
    public static final String PRODUCER_ID_EXPIRATION_MS_CONFIG = "producer.id.expiration.ms";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES_CONFIG = "offsets.topic.segment.bytes";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR_CONFIG = "offsets.topic.replication.factor";
    public static final String OFFSETS_RETENTION_MINUTES_CONFIG = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_MS_CONFIG = "offsets.retention.ms";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS_CONFIG = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES_CONFIG = "offset.metadata.max.bytes";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS_CONFIG = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG = "group.max.session.timeout.ms";
    public static final String GROUP_MAX_SIZE_CONFIG = "group.max.size";

    private static final Logger log = LoggerFactory.getLogger(BrokerConfig.class);

    /** LISTENER://host:port, the host optionally in brackets (IPv6) or empty. */
    private static final Pattern LISTENER = Pattern.compile("^([A-Za-z][A-Za-z0-9_]*)://\\[?([^\\[\\]/]*?)]?:(\\d+)$");
    private static final Set<String> WILDCARD_HOSTS = Set.of("", "0.0.0.0", "::", "0:0:0:0:0:0:0:0");
    private static final String PLAINTEXT = SecurityProtocol.PLAINTEXT.name;

    /**
     * Broker configs that are synonyms of one another, highest precedence first (Kafka's
     * {@code DynamicBrokerConfig.brokerConfigSynonyms} groups that we implement).
     */
    private static final List<List<String>> SYNONYM_GROUPS = List.of(
            List.of(LOG_ROLL_MS_CONFIG, LOG_ROLL_HOURS_CONFIG),
            List.of(LOG_RETENTION_MS_CONFIG, LOG_RETENTION_MINUTES_CONFIG, LOG_RETENTION_HOURS_CONFIG),
            List.of(OFFSETS_RETENTION_MS_CONFIG, OFFSETS_RETENTION_MINUTES_CONFIG));

    private final Map<String, String> originals;
    private final Map<String, Object> values;
    private final Endpoint listener;
    private final Endpoint advertisedListener;
    private final List<Path> logDirs;

    private BrokerConfig(Map<String, String> originals, Map<String, Object> values, Endpoint listener,
                         Endpoint advertisedListener, List<Path> logDirs) {
        this.originals = originals;
        this.values = values;
        this.listener = listener;
        this.advertisedListener = advertisedListener;
        this.logDirs = logDirs;
    }

    /**
     * Reads a Kafka-style properties file and applies {@code overrides} ("key=value", later ones
     * win) on top, then parses the result like {@link #fromProperties}.
     *
     * @throws ConfigException when the file cannot be read, an override is malformed or a value is invalid
     */
    public static BrokerConfig load(Path propertiesFile, List<String> overrides) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(propertiesFile)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("Cannot read the broker configuration file " + propertiesFile + ": " + e);
        }
        Map<String, String> merged = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            merged.put(name, properties.getProperty(name));
        }
        for (String override : overrides) {
            int equals = override.indexOf('=');
            if (equals <= 0) {
                throw new ConfigException("Invalid override '" + override + "': expected key=value");
            }
            merged.put(override.substring(0, equals).trim(), override.substring(equals + 1).trim());
        }
        return fromProperties(merged);
    }

    /**
     * Parses and validates broker properties; unknown keys are kept (DescribeConfigs shows them)
     * and logged at WARN.
     *
     * @throws ConfigException naming the key when a value is invalid
     */
    public static BrokerConfig fromProperties(Map<String, String> properties) {
        Map<String, String> originals = Collections.unmodifiableMap(new TreeMap<>(properties));
        Map<String, Object> values = Collections.unmodifiableMap(BrokerConfigDef.DEF.parse(originals));
        for (String key : originals.keySet()) {
            if (!BrokerConfigDef.DEF.configKeys().containsKey(key)) {
                log.warn("Ignoring unknown broker configuration '{}'", key);
            }
        }
        Endpoint listener = parseListener(LISTENERS_CONFIG, values.get(LISTENERS_CONFIG));
        Endpoint advertised = values.get(ADVERTISED_LISTENERS_CONFIG) == null
                ? advertise(listener)
                : parseAdvertisedListener(values.get(ADVERTISED_LISTENERS_CONFIG));
        Endpoint bind = listener.host().isEmpty()
                ? new Endpoint(listener.listener(), listener.securityProtocol(), "0.0.0.0", listener.port())
                : listener;
        checkGroupSessionTimeouts(values);
        return new BrokerConfig(originals, values, bind, advertised, parseLogDirs(values));
    }

    /** Kafka's rule: the largest session timeout a group member may ask for is at least the smallest one. */
    private static void checkGroupSessionTimeouts(Map<String, Object> values) {
        int min = (Integer) values.get(GROUP_MIN_SESSION_TIMEOUT_MS_CONFIG);
        int max = (Integer) values.get(GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG);
        if (max < min) {
            throw new ConfigException(GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG, max,
                    "must be at least " + GROUP_MIN_SESSION_TIMEOUT_MS_CONFIG + " (" + min + ")");
        }
    }

    /** The definition of every broker config: names, types, defaults, validators and documentation. */
    public static ConfigDef configDef() {
        return new ConfigDef(BrokerConfigDef.DEF);
    }

    /**
     * This configuration with {@code port} in place of port 0 in the listener and, when it is 0 too,
     * the advertised listener. For a broker bound to an ephemeral port (tests): build the handlers
     * with the config returned here, after binding.
     */
    public BrokerConfig withBoundPort(int port) {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("Not a bound port: " + port);
        }
        Endpoint bound = listener.port() == 0 ? withPort(listener, port) : listener;
        Endpoint advertised = advertisedListener.port() == 0 ? withPort(advertisedListener, port) : advertisedListener;
        return new BrokerConfig(originals, values, bound, advertised, logDirs);
    }

    public int nodeId() {
        return (Integer) values.get(NODE_ID_CONFIG);
    }

    /** The address to bind; its host is {@code 0.0.0.0} when all interfaces are meant. */
    public Endpoint listener() {
        return listener;
    }

    /** The address clients are told to connect to (Metadata, DescribeCluster). */
    public Endpoint advertisedListener() {
        return advertisedListener;
    }

    /** The log directories, absolute and normalized; topic metadata lives in the first. */
    public List<Path> logDirs() {
        return logDirs;
    }

    public int numNetworkThreads() {
        return (Integer) values.get(NUM_NETWORK_THREADS_CONFIG);
    }

    /** The number of {@code storage-io} threads. */
    public int numIoThreads() {
        return (Integer) values.get(NUM_IO_THREADS_CONFIG);
    }

    public int queuedMaxRequests() {
        return (Integer) values.get(QUEUED_MAX_REQUESTS_CONFIG);
    }

    /**
     * How many requests one connection may have in flight before the broker stops reading from it:
     * the smaller of {@code queued.max.requests.per.connection} and {@code queued.max.requests}.
     */
    public int queuedMaxRequestsPerConnection() {
        return Math.min((Integer) values.get(QUEUED_MAX_REQUESTS_PER_CONNECTION_CONFIG), queuedMaxRequests());
    }

    /** SO_SNDBUF for accepted sockets; -1 = the operating system default. */
    public int socketSendBufferBytes() {
        return (Integer) values.get(SOCKET_SEND_BUFFER_BYTES_CONFIG);
    }

    /** SO_RCVBUF for accepted sockets; -1 = the operating system default. */
    public int socketReceiveBufferBytes() {
        return (Integer) values.get(SOCKET_RECEIVE_BUFFER_BYTES_CONFIG);
    }

    public int socketRequestMaxBytes() {
        return (Integer) values.get(SOCKET_REQUEST_MAX_BYTES_CONFIG);
    }

    public int numPartitions() {
        return (Integer) values.get(NUM_PARTITIONS_CONFIG);
    }

    public int defaultReplicationFactor() {
        return (Integer) values.get(DEFAULT_REPLICATION_FACTOR_CONFIG);
    }

    public boolean autoCreateTopicsEnable() {
        return (Boolean) values.get(AUTO_CREATE_TOPICS_ENABLE_CONFIG);
    }

    public boolean deleteTopicEnable() {
        return (Boolean) values.get(DELETE_TOPIC_ENABLE_CONFIG);
    }

    public int messageMaxBytes() {
        return (Integer) values.get(MESSAGE_MAX_BYTES_CONFIG);
    }

    public int logSegmentBytes() {
        return (Integer) values.get(LOG_SEGMENT_BYTES_CONFIG);
    }

    /** log.roll.ms, else log.roll.hours in milliseconds. */
    public long logRollMs() {
        Long millis = (Long) values.get(LOG_ROLL_MS_CONFIG);
        return millis != null ? millis : BrokerConfigDef.HOUR_MS * (Integer) values.get(LOG_ROLL_HOURS_CONFIG);
    }

    /** log.retention.ms, else .minutes, else .hours, in milliseconds; -1 (unlimited) when negative. */
    public long logRetentionMs() {
        Long millis = (Long) values.get(LOG_RETENTION_MS_CONFIG);
        Integer minutes = (Integer) values.get(LOG_RETENTION_MINUTES_CONFIG);
        long retention;
        if (millis != null) {
            retention = millis;
        } else if (minutes != null) {
            retention = BrokerConfigDef.MINUTE_MS * minutes;
        } else {
            retention = BrokerConfigDef.HOUR_MS * (Integer) values.get(LOG_RETENTION_HOURS_CONFIG);
        }
        return retention < 0 ? -1L : retention;
    }

    /** The partition size above which the oldest segments are deleted; -1 = unlimited. */
    public long logRetentionBytes() {
        return (Long) values.get(LOG_RETENTION_BYTES_CONFIG);
    }

    public long logRetentionCheckIntervalMs() {
        return (Long) values.get(LOG_RETENTION_CHECK_INTERVAL_MS_CONFIG);
    }

    public int logIndexSizeMaxBytes() {
        return (Integer) values.get(LOG_INDEX_SIZE_MAX_BYTES_CONFIG);
    }

    public int logIndexIntervalBytes() {
        return (Integer) values.get(LOG_INDEX_INTERVAL_BYTES_CONFIG);
    }

    public long logSegmentDeleteDelayMs() {
        return (Long) values.get(LOG_SEGMENT_DELETE_DELAY_MS_CONFIG);
    }

    public long logFlushIntervalMessages() {
        return (Long) values.get(LOG_FLUSH_INTERVAL_MESSAGES_CONFIG);
    }

    /** log.flush.interval.ms; {@code Long.MAX_VALUE} (never) when not set. */
    public long logFlushIntervalMs() {
        Long millis = (Long) values.get(LOG_FLUSH_INTERVAL_MS_CONFIG);
        return millis != null ? millis : Long.MAX_VALUE;
    }

    public int logFlushOffsetCheckpointIntervalMs() {
        return (Integer) values.get(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS_CONFIG);
    }

    public TimestampType logMessageTimestampType() {
        return TimestampType.forName((String) values.get(LOG_MESSAGE_TIMESTAMP_TYPE_CONFIG));
    }

    public long logMessageTimestampBeforeMaxMs() {
        return (Long) values.get(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
    }

    public long logMessageTimestampAfterMaxMs() {
        return (Long) values.get(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
    }

    /** The broker default of the topic config min.insync.replicas. */
    public int minInSyncReplicas() {
        return (Integer) values.get(MIN_IN_SYNC_REPLICAS_CONFIG);
    }

    public int producerIdExpirationMs() {
        return (Integer) values.get(PRODUCER_ID_EXPIRATION_MS_CONFIG);
    }

    /** The partition count of {@code __consumer_offsets} when the broker creates it. */
    public int offsetsTopicNumPartitions() {
        return (Integer) values.get(OFFSETS_TOPIC_NUM_PARTITIONS_CONFIG);
    }

    /** The segment size of {@code __consumer_offsets}, and how far a partition grows before its live state is rewritten. */
    public int offsetsTopicSegmentBytes() {
        return (Integer) values.get(OFFSETS_TOPIC_SEGMENT_BYTES_CONFIG);
    }

    /** Accepted for Kafka compatibility; a single broker always creates {@code __consumer_offsets} with one replica. */
    public short offsetsTopicReplicationFactor() {
        return (Short) values.get(OFFSETS_TOPIC_REPLICATION_FACTOR_CONFIG);
    }

    /**
     * How long committed offsets are kept once they are unused (Kafka's rules, see the group
     * coordinator): offsets.retention.ms when set (a Strata addition, for sub-minute retention in
     * tests), else Kafka's offsets.retention.minutes in milliseconds.
     */
    public long offsetsRetentionMs() {
        Long millis = (Long) values.get(OFFSETS_RETENTION_MS_CONFIG);
        return millis != null ? millis : BrokerConfigDef.MINUTE_MS * (Integer) values.get(OFFSETS_RETENTION_MINUTES_CONFIG);
    }

    public long offsetsRetentionCheckIntervalMs() {
        return (Long) values.get(OFFSETS_RETENTION_CHECK_INTERVAL_MS_CONFIG);
    }

    public int offsetMetadataMaxBytes() {
        return (Integer) values.get(OFFSET_METADATA_MAX_BYTES_CONFIG);
    }

    public int groupInitialRebalanceDelayMs() {
        return (Integer) values.get(GROUP_INITIAL_REBALANCE_DELAY_MS_CONFIG);
    }

    public int groupMinSessionTimeoutMs() {
        return (Integer) values.get(GROUP_MIN_SESSION_TIMEOUT_MS_CONFIG);
    }

    public int groupMaxSessionTimeoutMs() {
        return (Integer) values.get(GROUP_MAX_SESSION_TIMEOUT_MS_CONFIG);
    }

    public int groupMaxSize() {
        return (Integer) values.get(GROUP_MAX_SIZE_CONFIG);
    }

    /** The settings of a partition whose topic overrides nothing. */
    public LogConfig defaultLogConfig() {
        return TopicConfigs.toLogConfig(this, Map.of());
    }

    /** The properties as given (file and overrides), including unknown keys. */
    public Map<String, String> originals() {
        return originals;
    }

    /**
     * The parsed value of a known config (null when it has no value, e.g. an unset
     * advertised.listeners), or the original string of an unknown one given in the properties.
     */
    public Object value(String key) {
        return values.containsKey(key) ? values.get(key) : originals.get(key);
    }

    /**
     * The broker's configs as DescribeConfigs reports them for its BROKER resource, in Kafka's
     * form: every known config with its value, plus the unknown keys that were given; source
     * STATIC_BROKER_CONFIG when set in the properties, else DEFAULT_CONFIG; all read-only, since no
     * broker config can be altered at run time.
     *
     * @param keys the configs wanted; null or empty means all
     */
    public List<DescribedConfig> describe(Collection<String> keys, boolean includeSynonyms,
                                         boolean includeDocumentation) {
        Set<String> names = new LinkedHashSet<>(BrokerConfigDef.DEF.configKeys().keySet());
        names.addAll(originals.keySet());
        List<DescribedConfig> described = new ArrayList<>();
        for (String name : names) {
            if (keys != null && !keys.isEmpty() && !keys.contains(name)) {
                continue;
            }
            ConfigDef.ConfigKey key = BrokerConfigDef.DEF.configKeys().get(name);
            ConfigDef.Type type = key == null ? null : key.type;
            Object value = value(name);
            // As Kafka: a password (the object store's secret key) is reported without its value.
            boolean sensitive = type == ConfigDef.Type.PASSWORD;
            String valueString = sensitive ? null
                    : value instanceof String s ? s : ConfigDef.convertToString(value, type);
            List<DescribedConfig.Synonym> synonyms = synonyms(name, synonymGroup(name));
            if (sensitive) {
                synonyms = synonyms.stream()
                        .map(synonym -> new DescribedConfig.Synonym(synonym.name(), null, synonym.source()))
                        .toList();
            }
            ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : synonyms.get(0).source();
            described.add(new DescribedConfig(name, valueString, source, true, sensitive, type,
                    includeDocumentation && key != null ? key.documentation : null,
                    includeSynonyms ? synonyms : List.of()));
        }
        return described;
    }

    /**
     * Kafka's synonym list for {@code name}: the configs of {@code group} set in the properties
     * (STATIC_BROKER_CONFIG, as given), then those with a default (DEFAULT_CONFIG), each in group
     * order, starting at the first entry for {@code name} itself. So a topic's retention.ms lists
     * no synonyms when only log.retention.hours is set, exactly as Apache Kafka reports it.
     */
    List<DescribedConfig.Synonym> synonyms(String name, List<String> group) {
        List<DescribedConfig.Synonym> synonyms = new ArrayList<>();
        for (String synonym : group) {
            String value = originals.get(synonym);
            if (value != null) {
                synonyms.add(new DescribedConfig.Synonym(synonym, value, ConfigSource.STATIC_BROKER_CONFIG));
            }
        }
        for (String synonym : group) {
            ConfigDef.ConfigKey key = BrokerConfigDef.DEF.configKeys().get(synonym);
            if (key != null && key.hasDefault() && key.defaultValue != null) {
                synonyms.add(new DescribedConfig.Synonym(synonym, ConfigDef.convertToString(key.defaultValue, key.type),
                        ConfigSource.DEFAULT_CONFIG));
            }
        }
        int first = 0;
        while (first < synonyms.size() && !synonyms.get(first).name().equals(name)) {
            first++;
        }
        return List.copyOf(synonyms.subList(first, synonyms.size()));
    }

    /** Whether {@code key} was set in the properties. */
    boolean isSet(String key) {
        return originals.containsKey(key);
    }

    private static List<String> synonymGroup(String name) {
        for (List<String> group : SYNONYM_GROUPS) {
            if (group.contains(name)) {
                return group;
            }
        }
        return List.of(name);
    }

    /** Parses the single LISTENER://host:port entry; the host is empty when the entry has none. */
    private static Endpoint parseListener(String key, Object value) {
        List<?> entries = (List<?>) value;
        String text = String.join(",", entries.stream().map(String::valueOf).toList());
        if (entries.size() != 1) {
            throw new ConfigException(key, text, "exactly one listener is supported, PLAINTEXT://host:port");
        }
        String entry = String.valueOf(entries.get(0)).trim();
        Matcher matcher = LISTENER.matcher(entry);
        if (!matcher.matches()) {
            throw new ConfigException(key, text, "expected PLAINTEXT://host:port");
        }
        String name = matcher.group(1).toUpperCase(Locale.ROOT);
        if (!name.equals(PLAINTEXT)) {
            throw new ConfigException(key, text, "only the PLAINTEXT protocol is supported for now");
        }
        int port;
        try {
            port = Integer.parseInt(matcher.group(3));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, text, "the port must be between 0 and 65535");
        }
        return new Endpoint(name, SecurityProtocol.PLAINTEXT, matcher.group(2), port);
    }

    /** An explicit advertised listener: an empty host means the canonical host name, a wildcard is refused. */
    private static Endpoint parseAdvertisedListener(Object value) {
        Endpoint advertised = parseListener(ADVERTISED_LISTENERS_CONFIG, value);
        if (!advertised.host().isEmpty() && WILDCARD_HOSTS.contains(advertised.host())) {
            throw new ConfigException(ADVERTISED_LISTENERS_CONFIG, String.valueOf(((List<?>) value).get(0)),
                    "clients cannot connect to the wildcard address " + advertised.host()
                            + "; advertise a host name or a routable IP address");
        }
        return advertise(advertised);
    }

    /** The listener with an empty or wildcard host replaced by the canonical host name. */
    private static Endpoint advertise(Endpoint endpoint) {
        if (!WILDCARD_HOSTS.contains(endpoint.host())) {
            return endpoint;
        }
        return new Endpoint(endpoint.listener(), endpoint.securityProtocol(), canonicalHostName(), endpoint.port());
    }

    private static String canonicalHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            log.warn("Cannot resolve this machine's host name ({}); advertising localhost. Set {} for remote clients",
                    e.getMessage(), ADVERTISED_LISTENERS_CONFIG);
            return "localhost";
        }
    }

    private static Endpoint withPort(Endpoint endpoint, int port) {
        return new Endpoint(endpoint.listener(), endpoint.securityProtocol(), endpoint.host(), port);
    }

    private static List<Path> parseLogDirs(Map<String, Object> values) {
        String key = values.get(LOG_DIRS_CONFIG) != null ? LOG_DIRS_CONFIG : LOG_DIR_CONFIG;
        List<?> dirs = (List<?>) values.get(key);
        String text = String.join(",", dirs.stream().map(String::valueOf).toList());
        if (dirs.isEmpty()) {
            throw new ConfigException(key, text, "at least one log directory is required");
        }
        List<Path> paths = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Object dir : dirs) {
            String trimmed = String.valueOf(dir).trim();
            if (trimmed.isEmpty()) {
                throw new ConfigException(key, text, "a log directory must not be empty");
            }
            Path path = Path.of(trimmed).toAbsolutePath().normalize();
            if (!seen.add(path)) {
                throw new ConfigException(key, text, "duplicate log directory " + path);
            }
            paths.add(path);
        }
        return List.copyOf(paths);
    }

    @Override
    public String toString() {
        return "BrokerConfig" + originals;
    }
}
