package io.strata.broker.metadata;

import io.strata.broker.config.BrokerConfig;
import io.strata.storage.file.AtomicFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable topic registry and the log dirs' identity.
 *
 * <p>Every log dir holds Kafka's {@value #META_PROPERTIES} ({@code version=1}, {@code cluster.id},
 * {@code node.id}, {@code directory.id}): written on first start with a fresh cluster id, checked on
 * later starts: another node.id, or log dirs of different clusters, refuse the start. A log dir
 * added later gets a meta.properties with the existing cluster id.
 *
 * <p>Topics live under {@code <first log dir>/}{@value #METADATA_DIR}{@code /topics/}, one
 * properties file per topic named by its topic id ({@code <topicId>.properties}: version, name,
 * topic id, partition count and each config override as {@code config.<name>}). Each file is
 * replaced atomically (temporary file, fsync, rename, fsync of the directory), so a crash leaves
 * either the old or the new content.
 *
 * <p>This class is thread-safe.
 */
public final class TopicStore {

    /** The directory, in the first log dir, of the broker's own metadata. */
    public static final String METADATA_DIR = "__strata_metadata";
    /** Kafka's log dir identity file. */
    public static final String META_PROPERTIES = "meta.properties";

    private static final Logger log = LoggerFactory.getLogger(TopicStore.class);
    private static final String TOPICS_DIR = "topics";
    private static final String TOPIC_FILE_SUFFIX = ".properties";
    private static final String VERSION = "version";
    private static final String CURRENT_VERSION = "1";
    private static final String CLUSTER_ID = "cluster.id";
    private static final String NODE_ID = "node.id";
    private static final String DIRECTORY_ID = "directory.id";
    private static final String TOPIC_NAME = "name";
    private static final String TOPIC_ID = "topic.id";
    private static final String PARTITIONS = "partitions";
    private static final String CONFIG_PREFIX = "config.";

    private final String clusterId;
    private final Path metadataDir;
    private final Path topicsDir;
    private final List<TopicMetadata> loaded;

    private TopicStore(String clusterId, Path metadataDir, Path topicsDir, List<TopicMetadata> loaded) {
        this.clusterId = clusterId;
        this.metadataDir = metadataDir;
        this.topicsDir = topicsDir;
        this.loaded = loaded;
    }

    /** Opens the store of {@code config}'s log dirs and node id. */
    public static TopicStore open(BrokerConfig config) throws IOException {
        return open(config.logDirs(), config.nodeId());
    }

    /**
     * Checks or creates meta.properties in every log dir (creating missing dirs) and loads the
     * stored topics. A leftover temporary file of an interrupted write is deleted.
     *
     * @throws ConfigException                 naming node.id when a log dir belongs to another node
     * @throws InconsistentClusterIdException when the log dirs belong to different clusters
     * @throws IOException                     when a file cannot be read or written, or is corrupt
     */
    public static TopicStore open(List<Path> logDirs, int nodeId) throws IOException {
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("At least one log dir is required");
        }
        String clusterId = ensureMetaProperties(logDirs, nodeId);
        Path metadataDir = logDirs.get(0).resolve(METADATA_DIR);
        Path topicsDir = metadataDir.resolve(TOPICS_DIR);
        createDirectory(metadataDir);
        createDirectory(topicsDir);
        deleteLeftoverTemporaryFiles(metadataDir);
        deleteLeftoverTemporaryFiles(topicsDir);
        List<TopicMetadata> topics = loadTopics(topicsDir);
        log.info("Opened the topic store in {}: cluster id {}, {} topic(s)", metadataDir, clusterId, topics.size());
        return new TopicStore(clusterId, metadataDir, topicsDir, List.copyOf(topics));
    }

    /** The cluster id from meta.properties, generated on the first start. */
    public String clusterId() {
        return clusterId;
    }

    /** {@code <first log dir>/__strata_metadata}, where other broker metadata files live too. */
    public Path metadataDir() {
        return metadataDir;
    }

    /** The topics stored when the store was opened. */
    public List<TopicMetadata> topics() {
        return loaded;
    }

    /**
     * Stores {@code topic}, replacing its previous version, atomically and durably.
     *
     * @throws KafkaStorageException if the file cannot be written
     */
    public synchronized void write(TopicMetadata topic) {
        Properties properties = new Properties();
        properties.setProperty(VERSION, CURRENT_VERSION);
        properties.setProperty(TOPIC_NAME, topic.name());
        properties.setProperty(TOPIC_ID, topic.topicId().toString());
        properties.setProperty(PARTITIONS, Integer.toString(topic.partitions()));
        new TreeMap<>(topic.configs()).forEach((name, value) -> properties.setProperty(CONFIG_PREFIX + name, value));
        Path file = topicFile(topic.topicId());
        try {
            AtomicFiles.write(file, format(properties, "Strata topic " + topic.name()));
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to store topic " + topic.name() + " in " + file, e);
        }
    }

    /**
     * Removes the stored topic with {@code topicId}, durably; nothing happens if it is not stored.
     *
     * @throws KafkaStorageException if the file cannot be deleted
     */
    public synchronized void delete(Uuid topicId) {
        Path file = topicFile(topicId);
        try {
            if (Files.deleteIfExists(file)) {
                AtomicFiles.fsyncDirectory(topicsDir);
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to delete the stored topic " + file, e);
        }
    }

    private Path topicFile(Uuid topicId) {
        return topicsDir.resolve(topicId + TOPIC_FILE_SUFFIX);
    }

    private static String ensureMetaProperties(List<Path> logDirs, int nodeId) throws IOException {
        Map<Path, Properties> existing = new LinkedHashMap<>();
        String clusterId = null;
        Path clusterIdDir = null;
        for (Path logDir : logDirs) {
            Files.createDirectories(logDir);
            Path file = logDir.resolve(META_PROPERTIES);
            Properties properties = readProperties(file);
            if (properties == null) {
                continue;
            }
            String version = properties.getProperty(VERSION);
            if (!CURRENT_VERSION.equals(version)) {
                throw new IOException("Unsupported meta.properties version " + version + " in " + file
                        + ": only version " + CURRENT_VERSION + " (KRaft) log dirs can be used");
            }
            String storedNodeId = properties.getProperty(NODE_ID);
            if (!Integer.toString(nodeId).equals(storedNodeId)) {
                throw new ConfigException(BrokerConfig.NODE_ID_CONFIG, nodeId, "the log dir " + logDir
                        + " belongs to node " + storedNodeId + " (its " + META_PROPERTIES + "); start with "
                        + BrokerConfig.NODE_ID_CONFIG + "=" + storedNodeId + " or use another log dir");
            }
            String storedClusterId = properties.getProperty(CLUSTER_ID);
            if (storedClusterId == null || storedClusterId.isBlank()) {
                throw new IOException("Corrupt " + file + ": no " + CLUSTER_ID);
            }
            if (clusterId != null && !clusterId.equals(storedClusterId)) {
                throw new InconsistentClusterIdException("The log dirs " + clusterIdDir + " and " + logDir
                        + " belong to different clusters (" + clusterId + " and " + storedClusterId + ")");
            }
            clusterId = storedClusterId;
            clusterIdDir = logDir;
            existing.put(logDir, properties);
        }
        if (clusterId == null) {
            clusterId = Uuid.randomUuid().toString();
            log.info("Formatting {} for new cluster {} as node {}", logDirs, clusterId, nodeId);
        }
        for (Path logDir : logDirs) {
            if (existing.containsKey(logDir)) {
                continue;
            }
            Properties properties = new Properties();
            properties.setProperty(VERSION, CURRENT_VERSION);
            properties.setProperty(CLUSTER_ID, clusterId);
            properties.setProperty(NODE_ID, Integer.toString(nodeId));
            properties.setProperty(DIRECTORY_ID, Uuid.randomUuid().toString());
            AtomicFiles.write(logDir.resolve(META_PROPERTIES), format(properties, ""));
        }
        return clusterId;
    }

    private static List<TopicMetadata> loadTopics(Path topicsDir) throws IOException {
        List<TopicMetadata> topics = new ArrayList<>();
        Map<String, Path> names = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(topicsDir, "*" + TOPIC_FILE_SUFFIX)) {
            for (Path file : files) {
                TopicMetadata topic = parseTopic(file, readProperties(file));
                Path other = names.putIfAbsent(topic.name(), file);
                if (other != null) {
                    throw new IOException("Topic " + topic.name() + " is stored twice: " + other + " and " + file);
                }
                topics.add(topic);
            }
        }
        topics.sort((a, b) -> a.name().compareTo(b.name()));
        return topics;
    }

    private static TopicMetadata parseTopic(Path file, Properties properties) throws IOException {
        if (properties == null || !CURRENT_VERSION.equals(properties.getProperty(VERSION))) {
            throw corrupt(file, "unsupported or missing version");
        }
        String name = properties.getProperty(TOPIC_NAME);
        if (name == null || !Topic.isValid(name)) {
            throw corrupt(file, "invalid topic name '" + name + "'");
        }
        Uuid topicId;
        int partitions;
        try {
            topicId = Uuid.fromString(String.valueOf(properties.getProperty(TOPIC_ID)));
            partitions = Integer.parseInt(String.valueOf(properties.getProperty(PARTITIONS)));
        } catch (IllegalArgumentException e) {
            throw corrupt(file, e.getMessage());
        }
        if (!file.getFileName().toString().equals(topicId + TOPIC_FILE_SUFFIX) || partitions < 1) {
            throw corrupt(file, "topic id " + topicId + " or partition count " + partitions + " does not fit");
        }
        Map<String, String> configs = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(CONFIG_PREFIX)) {
                configs.put(key.substring(CONFIG_PREFIX.length()), properties.getProperty(key));
            }
        }
        return new TopicMetadata(name, topicId, partitions, configs);
    }

    private static IOException corrupt(Path file, String detail) {
        return new IOException("Corrupt topic metadata file " + file + ": " + detail);
    }

    /** The file's properties, or null when it does not exist. */
    private static Properties readProperties(Path file) throws IOException {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(content));
        } catch (IllegalArgumentException e) {
            throw new IOException("Malformed properties file " + file + ": " + e.getMessage(), e);
        }
        return properties;
    }

    private static String format(Properties properties, String comment) throws IOException {
        StringWriter writer = new StringWriter();
        properties.store(writer, comment);
        return writer.toString();
    }

    private static void createDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            AtomicFiles.fsyncDirectory(dir.getParent());
        }
    }

    private static void deleteLeftoverTemporaryFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + AtomicFiles.TMP_SUFFIX)) {
            for (Path file : files) {
                log.info("Deleting {}, left by an interrupted write", file);
                Files.delete(file);
            }
        }
    }
}
