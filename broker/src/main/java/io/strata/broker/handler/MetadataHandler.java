package io.strata.broker.handler;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.metadata.TopicMetadata;
import io.strata.broker.metadata.TopicRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata: this broker (at its advertised address) as the only broker and the controller, the
 * cluster id, and the requested topics (all of them when the request asks for all) with their ids;
 * this node leads every partition in epoch 0 with itself as the only replica and ISR member.
 *
 * <p>An unknown topic is created when the request allows it and auto.create.topics.enable is
 * true, with num.partitions and default.replication.factor (Kafka answers LEADER_NOT_AVAILABLE
 * first and creates it in the background; here the creation completes before the answer, so the
 * client gets the topic at once). Otherwise it is UNKNOWN_TOPIC_OR_PARTITION, or
 * INVALID_TOPIC_EXCEPTION for an invalid name. Internal topic names ({@code __consumer_offsets},
 * {@code __transaction_state}) are never auto-created here. Version 12+ may ask by topic id;
 * unknown ids answer UNKNOWN_TOPIC_ID.
 *
 * <p>This class is thread-safe.
 */
public final class MetadataHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(MetadataHandler.class);
    /** The first version whose request may name topics by id. */
    private static final short FIRST_TOPIC_ID_VERSION = 12;

    private final BrokerConfig config;
    private final TopicRegistry topics;

    public MetadataHandler(BrokerConfig config, TopicRegistry topics) {
        this.config = config;
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public short minVersion() {
        return ApiKeys.METADATA.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.METADATA.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        MetadataRequest request = (MetadataRequest) ctx.request();
        MetadataRequestData data = request.data();
        short version = ctx.apiVersion();
        if (!request.isAllTopics() && version < FIRST_TOPIC_ID_VERSION) {
            for (MetadataRequestData.MetadataRequestTopic topic : data.topics()) {
                if (topic.name() == null || !Uuid.ZERO_UUID.equals(topic.topicId())) {
                    return CompletableFuture.failedFuture(new InvalidRequestException(
                            "Metadata version " + version + " requests must name topics, not topic ids"));
                }
            }
        }
        List<CompletableFuture<MetadataResponseTopic>> results = new ArrayList<>();
        if (request.isAllTopics()) {
            topics.topics().stream()
                    .sorted((a, b) -> a.name().compareTo(b.name()))
                    .forEach(topic -> results.add(CompletableFuture.completedFuture(describe(topic))));
        } else if (usesTopicIds(data)) {
            for (Uuid topicId : new LinkedHashSet<>(request.topicIds())) {
                if (Uuid.ZERO_UUID.equals(topicId)) {
                    continue;
                }
                Optional<TopicMetadata> topic = topics.topic(topicId);
                results.add(CompletableFuture.completedFuture(topic.isPresent()
                        ? describe(topic.get())
                        : new MetadataResponseTopic()
                                .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())
                                .setName(null)
                                .setTopicId(topicId)));
            }
        } else {
            boolean autoCreate = data.allowAutoTopicCreation() && config.autoCreateTopicsEnable();
            for (String name : new LinkedHashSet<>(request.topics())) {
                if (name != null) {
                    results.add(lookupOrCreate(name, autoCreate));
                }
            }
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(done -> {
            MetadataResponseData response = new MetadataResponseData()
                    .setThrottleTimeMs(0)
                    .setClusterId(topics.clusterId())
                    .setControllerId(config.nodeId());
            Endpoint advertised = config.advertisedListener();
            response.brokers().add(new MetadataResponseBroker()
                    .setNodeId(config.nodeId())
                    .setHost(advertised.host())
                    .setPort(advertised.port())
                    .setRack(null));
            for (CompletableFuture<MetadataResponseTopic> result : results) {
                MetadataResponseTopic topic = result.join();
                if (data.includeTopicAuthorizedOperations() && topic.name() != null) {
                    topic.setTopicAuthorizedOperations(AdminErrors.ALL_TOPIC_OPERATIONS);
                }
                response.topics().add(topic);
            }
            if (data.includeClusterAuthorizedOperations() && version >= 8 && version <= 10) {
                response.setClusterAuthorizedOperations(AdminErrors.ALL_CLUSTER_OPERATIONS);
            }
            return response;
        });
    }

    private static boolean usesTopicIds(MetadataRequestData data) {
        return data.topics().stream().anyMatch(topic -> !Uuid.ZERO_UUID.equals(topic.topicId()));
    }

    private CompletableFuture<MetadataResponseTopic> lookupOrCreate(String name, boolean autoCreate) {
        Optional<TopicMetadata> existing = topics.topic(name);
        if (existing.isPresent()) {
            return CompletableFuture.completedFuture(describe(existing.get()));
        }
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            return CompletableFuture.completedFuture(error(name, Errors.INVALID_TOPIC_EXCEPTION));
        }
        if (!autoCreate || Topic.isInternal(name)) {
            return CompletableFuture.completedFuture(error(name, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        }
        return topics.autoCreateIfAllowed(name, true).handle((created, failure) -> {
            if (failure != null) {
                Errors error = AdminErrors.toApiError(failure, log, "auto-creation of topic " + name).error();
                return error(name, error);
            }
            return created.map(this::describe).orElseGet(() -> error(name, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        }).toCompletableFuture();
    }

    private static MetadataResponseTopic error(String name, Errors error) {
        return new MetadataResponseTopic()
                .setErrorCode(error.code())
                .setName(name)
                .setTopicId(Uuid.ZERO_UUID)
                .setIsInternal(Topic.isInternal(name));
    }

    private MetadataResponseTopic describe(TopicMetadata topic) {
        MetadataResponseTopic result = new MetadataResponseTopic()
                .setErrorCode(Errors.NONE.code())
                .setName(topic.name())
                .setTopicId(topic.topicId())
                .setIsInternal(Topic.isInternal(topic.name()));
        List<Integer> replicas = List.of(config.nodeId());
        for (int partition = 0; partition < topic.partitions(); partition++) {
            MetadataResponsePartition partitionResult = new MetadataResponsePartition()
                    .setPartitionIndex(partition)
                    .setLeaderEpoch(LeaderEpochs.CURRENT)
                    .setReplicaNodes(replicas);
            if (topics.log(new TopicPartition(topic.name(), partition)).isPresent()) {
                partitionResult.setErrorCode(Errors.NONE.code())
                        .setLeaderId(config.nodeId())
                        .setIsrNodes(replicas)
                        .setOfflineReplicas(List.of());
            } else {
                // The log could not be created (a storage failure): no leader until a restart creates it.
                partitionResult.setErrorCode(Errors.LEADER_NOT_AVAILABLE.code())
                        .setLeaderId(-1)
                        .setIsrNodes(List.of())
                        .setOfflineReplicas(replicas);
            }
            result.partitions().add(partitionResult);
        }
        return result;
    }
}
