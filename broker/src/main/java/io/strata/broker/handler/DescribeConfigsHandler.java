package io.strata.broker.handler;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.config.DescribedConfig;
import io.strata.broker.config.TopicConfigs;
import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.metadata.TopicMetadata;
import io.strata.broker.metadata.TopicRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DescribeConfigs for TOPIC resources (the topic's overrides and the broker values behind them)
 * and BROKER resources (this node's id: its static configs, all read-only; the empty name: the
 * cluster-wide dynamic defaults, of which there are none). Synonyms when asked for; config types
 * and documentation from version 3. BROKER_LOGGER and other resource types answer INVALID_REQUEST:
 * log levels are not exposed.
 *
 * <p>Answered from memory on the calling thread.
 *
 * <p>This class is thread-safe.
 */
public final class DescribeConfigsHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(DescribeConfigsHandler.class);
    private static final short FIRST_DOCUMENTATION_VERSION = 3;

    private final BrokerConfig config;
    private final TopicRegistry topics;

    public DescribeConfigsHandler(BrokerConfig config, TopicRegistry topics) {
        this.config = config;
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CONFIGS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.DESCRIBE_CONFIGS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.DESCRIBE_CONFIGS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        DescribeConfigsRequestData request = ctx.data();
        short version = ctx.apiVersion();
        boolean documentation = request.includeDocumentation() && version >= FIRST_DOCUMENTATION_VERSION;
        DescribeConfigsResponseData response = new DescribeConfigsResponseData().setThrottleTimeMs(0);
        for (DescribeConfigsResource resource : request.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            response.results().add(result);
            try {
                Optional<List<DescribedConfig>> described =
                        describe(resource, request.includeSynonyms(), documentation);
                if (described.isEmpty()) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).setErrorMessage(null);
                    continue;
                }
                result.setErrorCode(Errors.NONE.code()).setErrorMessage(null);
                for (DescribedConfig entry : described.get()) {
                    result.configs().add(toWire(entry, version));
                }
            } catch (RuntimeException e) {
                ApiError error = AdminErrors.toApiError(e, log, "configs of " + resource);
                result.setErrorCode(error.error().code()).setErrorMessage(error.message());
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    /** The resource's configs; empty for an unknown topic. */
    private Optional<List<DescribedConfig>> describe(DescribeConfigsResource resource, boolean synonyms,
                                                     boolean documentation) {
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        String name = resource.resourceName();
        switch (type) {
            case TOPIC -> {
                Topic.validate(name);
                Optional<TopicMetadata> topic = topics.topic(name);
                return topic.map(found -> TopicConfigs.describe(config, found.configs(), resource.configurationKeys(),
                        synonyms, documentation));
            }
            case BROKER -> {
                if (name == null || name.isEmpty()) {
                    return Optional.of(List.of());
                }
                BrokerResources.checkName(name, config.nodeId());
                return Optional.of(config.describe(resource.configurationKeys(), synonyms, documentation));
            }
            case BROKER_LOGGER -> throw new InvalidRequestException("Describing broker loggers is not supported.");
            default -> throw new InvalidRequestException("Unsupported resource type: " + type);
        }
    }

    private static DescribeConfigsResourceResult toWire(DescribedConfig entry, short version) {
        DescribeConfigsResourceResult result = new DescribeConfigsResourceResult()
                .setName(entry.name())
                .setValue(entry.sensitive() ? null : entry.value())
                .setReadOnly(entry.readOnly())
                .setConfigSource(entry.source().id())
                .setIsSensitive(entry.sensitive());
        for (DescribedConfig.Synonym synonym : entry.synonyms()) {
            result.synonyms().add(new DescribeConfigsSynonym()
                    .setName(synonym.name())
                    .setValue(entry.sensitive() ? null : synonym.value())
                    .setSource(synonym.source().id()));
        }
        if (version >= FIRST_DOCUMENTATION_VERSION) {
            result.setConfigType(configType(entry.type()).id()).setDocumentation(entry.documentation());
        }
        return result;
    }

    private static ConfigType configType(ConfigDef.Type type) {
        if (type == null) {
            return ConfigType.UNKNOWN;
        }
        return switch (type) {
            case BOOLEAN -> ConfigType.BOOLEAN;
            case STRING -> ConfigType.STRING;
            case INT -> ConfigType.INT;
            case SHORT -> ConfigType.SHORT;
            case LONG -> ConfigType.LONG;
            case DOUBLE -> ConfigType.DOUBLE;
            case LIST -> ConfigType.LIST;
            case CLASS -> ConfigType.CLASS;
            case PASSWORD -> ConfigType.PASSWORD;
        };
    }
}
