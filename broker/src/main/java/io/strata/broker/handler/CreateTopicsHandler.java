package io.strata.broker.handler;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.config.DescribedConfig;
import io.strata.broker.config.TopicConfigs;
import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.metadata.TopicMetadata;
import io.strata.broker.metadata.TopicRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreateTopics: creates each topic (or only validates it), answering per topic an error code and
 * message; from version 5 a created topic's partition count, replication factor and effective
 * configs, from version 7 its topic id. A name given twice fails with INVALID_REQUEST, and so does
 * an internal topic's name ({@code __consumer_offsets}, which the group coordinator creates).
 *
 * <p>This class is thread-safe.
 */
public final class CreateTopicsHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(CreateTopicsHandler.class);
    private static final short FIRST_CONFIGS_VERSION = 5;
    private static final short FIRST_TOPIC_ID_VERSION = 7;

    private final BrokerConfig config;
    private final TopicRegistry topics;

    public CreateTopicsHandler(BrokerConfig config, TopicRegistry topics) {
        this.config = config;
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_TOPICS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.CREATE_TOPICS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.CREATE_TOPICS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        CreateTopicsRequestData request = ctx.data();
        short version = ctx.apiVersion();
        Set<String> names = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatableTopic topic : request.topics()) {
            if (!names.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        CreateTopicsResponseData response = new CreateTopicsResponseData().setThrottleTimeMs(0);
        Set<String> answered = new HashSet<>();
        List<CompletableFuture<Void>> creations = new ArrayList<>();
        for (CreatableTopic topic : request.topics()) {
            if (!answered.add(topic.name())) {
                continue;
            }
            CreatableTopicResult result = new CreatableTopicResult().setName(topic.name());
            response.topics().add(result);
            if (duplicates.contains(topic.name())) {
                fail(result, new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name."));
                continue;
            }
            if (topic.name() != null && Topic.isInternal(topic.name())) {
                // The broker creates its internal topics itself, with the layout its coordinators need.
                fail(result, new ApiError(Errors.INVALID_REQUEST, "Creation of internal topic " + topic.name()
                        + " is prohibited."));
                continue;
            }
            Map<Integer, List<Integer>> assignments = new HashMap<>();
            boolean duplicatePartition = false;
            for (CreatableReplicaAssignment assignment : topic.assignments()) {
                duplicatePartition |= assignments.put(assignment.partitionIndex(), assignment.brokerIds()) != null;
            }
            if (duplicatePartition) {
                fail(result, new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT,
                        "The manual assignment names a partition more than once."));
                continue;
            }
            Map<String, String> configs = new LinkedHashMap<>();
            for (CreatableTopicConfig topicConfig : topic.configs()) {
                configs.put(topicConfig.name(), topicConfig.value());
            }
            creations.add(topics.createTopic(topic.name(), topic.numPartitions(), topic.replicationFactor(),
                            assignments, configs, request.validateOnly())
                    .<Void>handle((created, failure) -> {
                        if (failure == null) {
                            succeed(result, created, version);
                        } else {
                            fail(result, AdminErrors.toApiError(failure, log, "creation of topic " + topic.name()));
                        }
                        return null;
                    })
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(creations.toArray(CompletableFuture[]::new)).thenApply(done -> response);
    }

    private void succeed(CreatableTopicResult result, TopicMetadata topic, short version) {
        result.setErrorCode(Errors.NONE.code()).setErrorMessage(null);
        if (version >= FIRST_CONFIGS_VERSION) {
            result.setNumPartitions(topic.partitions()).setReplicationFactor((short) 1);
            for (DescribedConfig described : TopicConfigs.effectiveConfigs(config, topic.configs())) {
                result.configs().add(new CreatableTopicConfigs()
                        .setName(described.name())
                        .setValue(described.sensitive() ? null : described.value())
                        .setReadOnly(described.readOnly())
                        .setConfigSource(described.source().id())
                        .setIsSensitive(described.sensitive()));
            }
        }
        if (version >= FIRST_TOPIC_ID_VERSION) {
            result.setTopicId(topic.topicId());
        }
    }

    private static void fail(CreatableTopicResult result, ApiError error) {
        result.setErrorCode(error.error().code()).setErrorMessage(error.message());
    }
}
