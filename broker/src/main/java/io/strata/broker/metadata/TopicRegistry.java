package io.strata.broker.metadata;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.config.TopicConfigs;
import io.strata.broker.dispatch.StorageExecutors;
import io.strata.broker.fetch.PartitionLookup;
import io.strata.storage.log.LogConfig;
import io.strata.storage.log.PartitionLog;
import io.strata.storage.log.PartitionLogs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
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
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's topics: the façade handlers use to look topics and partition logs up and to create,
 * delete and change topics.
 *
 * <p>Lookups read concurrent maps and may run on an event loop. Mutations return a stage and run
 * one at a time, in call order, on the {@code storage-io} threads: each validates against the
 * committed topics, persists through {@link TopicStore} (the commit point), then creates, updates
 * or deletes the partition logs on each partition's own storage thread (so they are ordered after
 * the appends already queued there) and publishes the result for lookups before the next mutation
 * starts. A deleted topic disappears from lookups at its commit; a created one appears when its
 * logs exist. Failures are kafka-clients {@code ApiException}s, as CreateTopics and its siblings
 * report them.
 *
 * <p>On {@link #open} the logs of every stored topic are opened or created and logs no stored topic
 * owns (left by a crash during a deletion) are deleted.
 *
 * <p>This class is thread-safe.
 */
public final class TopicRegistry implements PartitionLookup {

    private static final Logger log = LoggerFactory.getLogger(TopicRegistry.class);

    private final BrokerConfig config;
    private final TopicStore store;
    private final PartitionLogs partitionLogs;
    private final StorageExecutors storage;
    private final LogConfig defaultLogConfig;
    /** What the store holds; written only at open and by mutations, which run one at a time. */
    private final Map<String, TopicMetadata> committed = new ConcurrentHashMap<>();
    private final Map<String, Published> byName = new ConcurrentHashMap<>();
    private final Map<Uuid, Published> byId = new ConcurrentHashMap<>();
    private final Map<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final List<Consumer<TopicMetadata>> deletionListeners = new CopyOnWriteArrayList<>();
    private final Object mutationsLock = new Object();
    /** Completes when the last queued mutation is done; guarded by {@link #mutationsLock}. */
    private CompletableFuture<Void> lastMutation = CompletableFuture.completedFuture(null);

    /** A topic as lookups see it. */
    private record Published(TopicMetadata metadata, LogConfig logConfig) {
    }

    /**
     * One IncrementalAlterConfigs operation on a topic config.
     *
     * @param name   the config name
     * @param opType SET, DELETE (value ignored), APPEND or SUBTRACT (list configs only; value comma-separated)
     * @param value  the operand; null for DELETE
     */
    public record ConfigChange(String name, AlterConfigOp.OpType opType, String value) {
    }

    private TopicRegistry(BrokerConfig config, TopicStore store, PartitionLogs partitionLogs,
                          StorageExecutors storage) {
        this.config = config;
        this.store = store;
        this.partitionLogs = partitionLogs;
        this.storage = storage;
        this.defaultLogConfig = config.defaultLogConfig();
    }

    /**
     * The config of each stored topic, by name, for {@code PartitionLogs.open} (the broker default
     * for a name the store does not know).
     */
    public static Function<String, LogConfig> storedLogConfigs(BrokerConfig config, TopicStore store) {
        Map<String, LogConfig> configs = new HashMap<>();
        for (TopicMetadata topic : store.topics()) {
            configs.put(topic.name(), TopicConfigs.toLogConfig(config, topic.configs()));
        }
        LogConfig defaults = config.defaultLogConfig();
        return name -> configs.getOrDefault(name, defaults);
    }

    /**
     * Opens the registry at start (blocking, on the calling thread): deletes the logs no stored topic
     * owns, then opens or creates the log of every partition of every stored topic.
     */
    public static TopicRegistry open(BrokerConfig config, TopicStore store, PartitionLogs partitionLogs,
                                     StorageExecutors storage) {
        TopicRegistry registry = new TopicRegistry(config, store, partitionLogs, storage);
        for (TopicMetadata topic : store.topics()) {
            registry.committed.put(topic.name(), topic);
        }
        for (PartitionLog partitionLog : partitionLogs.all()) {
            TopicPartition tp = partitionLog.topicPartition();
            TopicMetadata owner = registry.committed.get(tp.topic());
            boolean otherTopicId = owner != null && !partitionLog.topicId().equals(Uuid.ZERO_UUID)
                    && !partitionLog.topicId().equals(owner.topicId());
            if (owner == null || otherTopicId || tp.partition() >= owner.partitions()) {
                log.info("Deleting the log of {} (topic id {}): no stored topic owns it", tp, partitionLog.topicId());
                partitionLogs.delete(tp);
            }
        }
        for (TopicMetadata topic : store.topics()) {
            LogConfig logConfig = TopicConfigs.toLogConfig(config, topic.configs());
            for (int partition = 0; partition < topic.partitions(); partition++) {
                TopicPartition tp = new TopicPartition(topic.name(), partition);
                PartitionLog partitionLog = partitionLogs.getOrCreate(tp, topic.topicId(), logConfig);
                if (!partitionLog.config().equals(logConfig)) {
                    partitionLog.updateConfig(logConfig);
                }
                registry.logs.put(tp, partitionLog);
            }
            registry.publishMetadata(topic);
        }
        log.info("Opened {} topic(s) with {} partition(s)", registry.byName.size(), registry.logs.size());
        return registry;
    }

    /**
     * Registers {@code listener} to be told of every topic deletion, right after it is committed (on a
     * storage thread; the listener must not block). The group coordinator deletes the topic's
     * committed offsets this way.
     */
    public void addDeletionListener(Consumer<TopicMetadata> listener) {
        deletionListeners.add(listener);
    }

    /** The cluster id (from the log dirs' meta.properties). */
    public String clusterId() {
        return store.clusterId();
    }

    public Optional<TopicMetadata> topic(String name) {
        return Optional.ofNullable(byName.get(name)).map(Published::metadata);
    }

    @Override
    public Optional<TopicMetadata> topic(Uuid topicId) {
        return Optional.ofNullable(byId.get(topicId)).map(Published::metadata);
    }

    /** A snapshot of all topics. */
    public Collection<TopicMetadata> topics() {
        return byName.values().stream().map(Published::metadata).toList();
    }

    @Override
    public Optional<PartitionLog> log(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    /** The effective log settings of {@code topic}; the broker defaults for an unknown topic. */
    public LogConfig logConfig(String topic) {
        Published published = byName.get(topic);
        return published != null ? published.logConfig() : defaultLogConfig;
    }

    /**
     * Creates a topic, as CreateTopics does.
     *
     * @param partitions        the partition count, -1 for num.partitions; must be -1 with assignments
     * @param replicationFactor -1 or 1 (default.replication.factor for -1); must be -1 with assignments
     * @param assignments       manual replica assignments by partition (empty for none): partitions
     *                          0..n-1, each with the replicas [node.id]
     * @param configs           the topic's config overrides
     * @param validateOnly      check only; the returned metadata (with a fresh id) is not stored
     * @return the new topic's metadata
     */
    public CompletionStage<TopicMetadata> createTopic(String name, int partitions, short replicationFactor,
                                                      Map<Integer, List<Integer>> assignments,
                                                      Map<String, String> configs, boolean validateOnly) {
        Map<Integer, List<Integer>> assignmentsCopy = Map.copyOf(assignments);
        Map<String, String> configsCopy = new HashMap<>(configs);
        return mutate(() -> {
            int partitionCount = checkNewTopic(name, partitions, replicationFactor, assignmentsCopy);
            TopicConfigs.validate(configsCopy);
            TopicMetadata topic = new TopicMetadata(name, newTopicId(), partitionCount, configsCopy);
            if (validateOnly) {
                return CompletableFuture.completedFuture(topic);
            }
            return commitNewTopic(topic, "Created");
        });
    }

    /**
     * Recreates a topic exactly as described (its id included), for a restore from the remote tier;
     * fails like {@link #createTopic} if the name is taken or invalid, or the id is in use.
     */
    public CompletionStage<TopicMetadata> restoreTopic(TopicMetadata topic) {
        return mutate(() -> {
            checkNewTopic(topic.name(), topic.partitions(), (short) 1, Map.of());
            TopicConfigs.validate(topic.configs());
            if (committed.values().stream().anyMatch(existing -> existing.topicId().equals(topic.topicId()))) {
                throw new TopicExistsException("Topic id " + topic.topicId() + " is in use.");
            }
            return commitNewTopic(topic, "Restored");
        });
    }

    private CompletableFuture<TopicMetadata> commitNewTopic(TopicMetadata topic, String how) {
        store.write(topic);
        committed.put(topic.name(), topic);
        log.info("{} topic {} (topic id {}) with {} partition(s) and configs {}", how, topic.name(), topic.topicId(),
                topic.partitions(), topic.configs());
        return createLogs(topic, 0);
    }

    /** {@link #createTopic} without manual assignments. */
    public CompletionStage<TopicMetadata> createTopic(String name, int partitions, short replicationFactor,
                                                      Map<String, String> configs, boolean validateOnly) {
        return createTopic(name, partitions, replicationFactor, Map.of(), configs, validateOnly);
    }

    /**
     * For Metadata: creates {@code name} with the default partition count and replication factor
     * when the request allows it and auto.create.topics.enable is true. Completes with the topic
     * (also when it exists already, or was created meanwhile), or empty when auto-creation is not
     * allowed; fails like {@link #createTopic} (e.g. InvalidTopicException for a bad name).
     */
    public CompletionStage<Optional<TopicMetadata>> autoCreateIfAllowed(String name, boolean allowedByRequest) {
        Optional<TopicMetadata> existing = topic(name);
        if (existing.isPresent()) {
            return CompletableFuture.completedFuture(existing);
        }
        if (!allowedByRequest || !config.autoCreateTopicsEnable()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return createTopic(name, -1, (short) -1, Map.of(), false)
                .thenApply(Optional::of)
                .exceptionallyCompose(failure -> {
                    Optional<TopicMetadata> raced = topic(name);
                    return Errors.maybeUnwrapException(failure) instanceof TopicExistsException && raced.isPresent()
                            ? CompletableFuture.completedFuture(raced)
                            : CompletableFuture.failedFuture(failure);
                });
    }

    /**
     * Deletes the topic named {@code name}: gone from lookups and the store at once, its logs
     * deleted before the stage completes.
     *
     * @return the deleted topic's metadata
     */
    public CompletionStage<TopicMetadata> deleteTopic(String name) {
        return mutate(() -> {
            checkDeletionEnabled();
            TopicMetadata topic = committed.get(name);
            if (topic == null) {
                throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
            }
            return deleteCommitted(topic);
        });
    }

    /** Deletes the topic with {@code topicId}, like {@link #deleteTopic(String)}. */
    public CompletionStage<TopicMetadata> deleteTopic(Uuid topicId) {
        return mutate(() -> {
            checkDeletionEnabled();
            TopicMetadata topic = committed.values().stream()
                    .filter(candidate -> candidate.topicId().equals(topicId))
                    .findFirst()
                    .orElseThrow(() -> new UnknownTopicIdException("No topic has the id " + topicId + "."));
            return deleteCommitted(topic);
        });
    }

    /**
     * Raises the partition count of {@code name} to {@code newTotal}, as CreatePartitions does.
     *
     * @param assignments the new partitions' replicas (each must be [node.id]); null for none
     * @return the topic's new metadata
     */
    public CompletionStage<TopicMetadata> createPartitions(String name, int newTotal, List<List<Integer>> assignments,
                                                           boolean validateOnly) {
        List<List<Integer>> assignmentsCopy = assignments == null ? null : List.copyOf(assignments);
        return mutate(() -> {
            TopicMetadata topic = committed.get(name);
            if (topic == null) {
                throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
            }
            if (newTotal == topic.partitions()) {
                throw new InvalidPartitionsException("Topic '" + name + "' already has " + newTotal
                        + " partition(s).");
            }
            if (newTotal < topic.partitions()) {
                throw new InvalidPartitionsException("Topic '" + name + "' has " + topic.partitions()
                        + " partition(s); " + newTotal + " would not be an increase.");
            }
            if (assignmentsCopy != null) {
                int added = newTotal - topic.partitions();
                if (assignmentsCopy.size() != added) {
                    throw new InvalidReplicaAssignmentException("Adding " + added + " partition(s) needs " + added
                            + " assignment(s), but " + assignmentsCopy.size() + " were given.");
                }
                assignmentsCopy.forEach(this::checkReplicas);
            }
            TopicMetadata grown = topic.withPartitions(newTotal);
            if (validateOnly) {
                return CompletableFuture.completedFuture(grown);
            }
            store.write(grown);
            committed.put(name, grown);
            log.info("Increased the partitions of topic {} from {} to {}", name, topic.partitions(), newTotal);
            return createLogs(grown, topic.partitions());
        });
    }

    /**
     * Replaces all config overrides of {@code name} with {@code configs} (AlterConfigs), applied
     * live to its partition logs.
     *
     * @return the topic's new metadata
     */
    public CompletionStage<TopicMetadata> alterConfigs(String name, Map<String, String> configs,
                                                       boolean validateOnly) {
        Map<String, String> configsCopy = new HashMap<>(configs);
        return mutate(() -> {
            checkConfigResourceName(name);
            TopicConfigs.validate(configsCopy);
            return applyConfigs(existing(name), configsCopy, validateOnly);
        });
    }

    /**
     * Changes config overrides of {@code name} (IncrementalAlterConfigs): SET and DELETE a key,
     * APPEND to or SUBTRACT from a list config (cleanup.policy) starting from its current value.
     * All changes apply together or not at all.
     *
     * @return the topic's new metadata
     */
    public CompletionStage<TopicMetadata> incrementalAlterConfigs(String name, List<ConfigChange> changes,
                                                                  boolean validateOnly) {
        List<ConfigChange> changesCopy = List.copyOf(changes);
        return mutate(() -> {
            checkConfigResourceName(name);
            TopicMetadata topic = committed.get(name);
            Map<String, String> configs = new HashMap<>(topic == null ? Map.of() : topic.configs());
            for (ConfigChange change : changesCopy) {
                apply(change, configs);
            }
            TopicConfigs.validate(configs);
            return applyConfigs(existing(name), configs, validateOnly);
        });
    }

    /** Queues {@code mutation} to run on a storage thread after every earlier mutation completed. */
    private <T> CompletionStage<T> mutate(Supplier<CompletionStage<T>> mutation) {
        synchronized (mutationsLock) {
            CompletableFuture<T> result = lastMutation.thenComposeAsync(ignored -> mutation.get(), storage.any());
            lastMutation = result.handle((value, failure) -> null);
            return result;
        }
    }

    private int checkNewTopic(String name, int partitions, short replicationFactor,
                              Map<Integer, List<Integer>> assignments) {
        if (name == null) {
            throw new InvalidTopicException("Topic name must not be null.");
        }
        Topic.validate(name);
        if (committed.containsKey(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        for (String existing : committed.keySet()) {
            if (Topic.hasCollision(name, existing)) {
                throw new InvalidTopicException("Topic '" + name + "' collides with existing topic '" + existing
                        + "': '.' and '_' are the same in metric names.");
            }
        }
        if (!assignments.isEmpty()) {
            if (partitions != -1 || replicationFactor != -1) {
                throw new InvalidRequestException("Manual replica assignments require numPartitions and "
                        + "replicationFactor to be -1.");
            }
            for (int partition = 0; partition < assignments.size(); partition++) {
                List<Integer> replicas = assignments.get(partition);
                if (replicas == null) {
                    throw new InvalidReplicaAssignmentException("The manual assignment's partitions must be "
                            + "numbered 0 to " + (assignments.size() - 1) + ".");
                }
                checkReplicas(replicas);
            }
            return assignments.size();
        }
        int count = partitions == -1 ? config.numPartitions() : partitions;
        if (count <= 0) {
            throw new InvalidPartitionsException("The number of partitions must be larger than 0, or -1 for the "
                    + "default (" + config.numPartitions() + ").");
        }
        int replication = replicationFactor == -1 ? config.defaultReplicationFactor() : replicationFactor;
        if (replication <= 0) {
            throw new InvalidReplicationFactorException("The replication factor must be larger than 0, or -1 for "
                    + "the default (" + config.defaultReplicationFactor() + ").");
        }
        if (replication > 1) {
            throw new InvalidReplicationFactorException("Replication factor " + replication + " cannot be reached: "
                    + "this cluster has a single broker.");
        }
        return count;
    }

    private void checkReplicas(List<Integer> replicas) {
        if (replicas.isEmpty()) {
            throw new InvalidReplicaAssignmentException("A manual assignment has an empty replica list.");
        }
        for (Integer replica : replicas) {
            if (replica == null || replica != config.nodeId()) {
                throw new InvalidReplicaAssignmentException("A manual assignment names broker " + replica
                        + ", but the only broker is " + config.nodeId() + ".");
            }
        }
        if (replicas.size() > 1) {
            throw new InvalidReplicaAssignmentException("A manual assignment names broker " + config.nodeId()
                    + " more than once.");
        }
    }

    private Uuid newTopicId() {
        Uuid topicId = Uuid.randomUuid();
        while (byId.containsKey(topicId) || Uuid.RESERVED.contains(topicId)) {
            topicId = Uuid.randomUuid();
        }
        return topicId;
    }

    /** Creates the logs of partitions {@code from}..n-1 on their threads, then publishes the topic. */
    private CompletableFuture<TopicMetadata> createLogs(TopicMetadata topic, int from) {
        LogConfig logConfig = TopicConfigs.toLogConfig(config, topic.configs());
        List<CompletableFuture<PartitionLog>> creations = new ArrayList<>();
        for (int partition = from; partition < topic.partitions(); partition++) {
            TopicPartition tp = new TopicPartition(topic.name(), partition);
            creations.add(storage.onPartition(tp, () -> partitionLogs.getOrCreate(tp, topic.topicId(), logConfig)));
        }
        return CompletableFuture.allOf(creations.toArray(CompletableFuture[]::new)).handle((done, failure) -> {
            for (CompletableFuture<PartitionLog> creation : creations) {
                if (!creation.isCompletedExceptionally()) {
                    PartitionLog created = creation.join();
                    logs.put(created.topicPartition(), created);
                }
            }
            publishMetadata(topic);
            if (failure != null) {
                log.error("Failed to create the logs of topic {}", topic.name(), failure);
                throw Errors.maybeUnwrapException(failure) instanceof RuntimeException runtime
                        ? runtime : new IllegalStateException(failure);
            }
            return topic;
        });
    }

    private CompletableFuture<TopicMetadata> deleteCommitted(TopicMetadata topic) {
        if (Topic.isInternal(topic.name())) {
            throw new InvalidRequestException("Topic " + topic.name() + " is an internal topic and cannot be deleted.");
        }
        store.delete(topic.topicId());
        committed.remove(topic.name());
        byName.remove(topic.name());
        byId.remove(topic.topicId());
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        for (int partition = 0; partition < topic.partitions(); partition++) {
            TopicPartition tp = new TopicPartition(topic.name(), partition);
            logs.remove(tp);
            deletions.add(storage.onPartition(tp, () -> {
                partitionLogs.delete(tp);
                return null;
            }));
        }
        log.info("Deleted topic {} (topic id {})", topic.name(), topic.topicId());
        for (Consumer<TopicMetadata> listener : deletionListeners) {
            try {
                listener.accept(topic);
            } catch (RuntimeException e) {
                log.error("A deletion listener failed for topic {}", topic.name(), e);
            }
        }
        return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new)).thenApply(done -> topic);
    }

    private CompletableFuture<TopicMetadata> applyConfigs(TopicMetadata topic, Map<String, String> configs,
                                                          boolean validateOnly) {
        TopicMetadata altered = topic.withConfigs(configs);
        if (validateOnly) {
            return CompletableFuture.completedFuture(altered);
        }
        store.write(altered);
        committed.put(altered.name(), altered);
        LogConfig logConfig = TopicConfigs.toLogConfig(config, configs);
        List<CompletableFuture<Void>> updates = new ArrayList<>();
        for (int partition = 0; partition < altered.partitions(); partition++) {
            TopicPartition tp = new TopicPartition(altered.name(), partition);
            updates.add(storage.onPartition(tp, () -> {
                partitionLogs.get(tp).ifPresent(partitionLog -> partitionLog.updateConfig(logConfig));
                return null;
            }));
        }
        log.info("Altered the configs of topic {} to {}", altered.name(), new LinkedHashMap<>(configs));
        return CompletableFuture.allOf(updates.toArray(CompletableFuture[]::new)).thenApply(done -> {
            publishMetadata(altered);
            return altered;
        });
    }

    private void apply(ConfigChange change, Map<String, String> configs) {
        switch (change.opType()) {
            case SET -> configs.put(change.name(), change.value());
            case DELETE -> configs.remove(change.name());
            case APPEND, SUBTRACT -> {
                if (!TopicConfigs.isList(change.name())) {
                    throw new InvalidConfigurationException("Can't " + change.opType() + " to key "
                            + change.name() + " because its type is not LIST.");
                }
                String current = configs.containsKey(change.name())
                        ? configs.get(change.name())
                        : TopicConfigs.brokerDefault(config, change.name());
                List<String> values = splitList(current);
                for (String operand : splitList(change.value())) {
                    if (change.opType() == AlterConfigOp.OpType.APPEND && !values.contains(operand)) {
                        values.add(operand);
                    } else if (change.opType() == AlterConfigOp.OpType.SUBTRACT) {
                        values.remove(operand);
                    }
                }
                configs.put(change.name(), String.join(",", values));
            }
            default -> throw new InvalidRequestException("Unknown config operation " + change.opType());
        }
    }

    private static List<String> splitList(String value) {
        List<String> parts = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.trim().isEmpty()) {
                    parts.add(part.trim());
                }
            }
        }
        return parts;
    }

    private TopicMetadata existing(String name) {
        TopicMetadata topic = committed.get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
        }
        return topic;
    }

    private void checkDeletionEnabled() {
        if (!config.deleteTopicEnable()) {
            throw new TopicDeletionDisabledException("Topic deletion is disabled (delete.topic.enable=false).");
        }
    }

    private static void checkConfigResourceName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidRequestException("A topic config resource needs a topic name; default topic "
                    + "configs are not supported.");
        }
        Topic.validate(name);
    }

    private void publishMetadata(TopicMetadata topic) {
        Published published = new Published(topic, TopicConfigs.toLogConfig(config, topic.configs()));
        byId.put(topic.topicId(), published);
        byName.put(topic.name(), published);
    }
}
