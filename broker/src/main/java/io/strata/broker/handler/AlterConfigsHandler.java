package io.strata.broker.handler;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.metadata.TopicRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AlterConfigs (the legacy, non-incremental form): replaces all config overrides of a topic with
 * the given set, applied live to its partitions. BROKER resources answer INVALID_REQUEST for any
 * config, as Kafka answers for static broker configs (no broker config changes at run time here);
 * a resource given twice, a config key given twice or a null value answer INVALID_REQUEST.
 *
 * <p>This class is thread-safe.
 */
public final class AlterConfigsHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(AlterConfigsHandler.class);

    private final BrokerConfig config;
    private final TopicRegistry topics;

    public AlterConfigsHandler(BrokerConfig config, TopicRegistry topics) {
        this.config = config;
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CONFIGS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.ALTER_CONFIGS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.ALTER_CONFIGS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        AlterConfigsRequestData request = ctx.data();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (AlterConfigsResource resource : request.resources()) {
            if (!seen.add(resource.resourceType() + ":" + resource.resourceName())) {
                duplicates.add(resource.resourceType() + ":" + resource.resourceName());
            }
        }
        AlterConfigsResponseData response = new AlterConfigsResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<Void>> changes = new ArrayList<>();
        for (AlterConfigsResource resource : request.resources()) {
            AlterConfigsResourceResponse result = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            response.responses().add(result);
            if (duplicates.contains(resource.resourceType() + ":" + resource.resourceName())) {
                fail(result, new ApiError(Errors.INVALID_REQUEST, "Each resource must appear at most once."));
                continue;
            }
            try {
                Map<String, String> configs = configs(resource);
                ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
                if (type == ConfigResource.Type.TOPIC) {
                    changes.add(topics.alterConfigs(resource.resourceName(), configs, request.validateOnly())
                            .<Void>handle((altered, failure) -> {
                                if (failure == null) {
                                    result.setErrorCode(Errors.NONE.code()).setErrorMessage(null);
                                } else {
                                    fail(result, AdminErrors.toApiError(failure, log, "configs of topic "
                                            + resource.resourceName()));
                                }
                                return null;
                            })
                            .toCompletableFuture());
                } else if (type == ConfigResource.Type.BROKER) {
                    BrokerResources.checkName(resource.resourceName(), config.nodeId());
                    BrokerResources.refuseChanges(configs.keySet());
                    result.setErrorCode(Errors.NONE.code()).setErrorMessage(null);
                } else {
                    throw new InvalidRequestException("Unsupported resource type " + type + " for AlterConfigs");
                }
            } catch (RuntimeException e) {
                fail(result, AdminErrors.toApiError(e, log, "configs of " + resource));
            }
        }
        return CompletableFuture.allOf(changes.toArray(CompletableFuture[]::new)).thenApply(done -> response);
    }

    private static Map<String, String> configs(AlterConfigsResource resource) {
        Map<String, String> configs = new LinkedHashMap<>();
        List<String> nullValues = new ArrayList<>();
        for (AlterableConfig alterable : resource.configs()) {
            if (configs.containsKey(alterable.name()) || nullValues.contains(alterable.name())) {
                throw new InvalidRequestException("Duplicate config key " + alterable.name());
            }
            if (alterable.value() == null) {
                nullValues.add(alterable.name());
            } else {
                configs.put(alterable.name(), alterable.value());
            }
        }
        if (!nullValues.isEmpty()) {
            throw new InvalidRequestException("Null value not supported for: " + String.join(", ", nullValues));
        }
        return configs;
    }

    private static void fail(AlterConfigsResourceResponse result, ApiError error) {
        result.setErrorCode(error.error().code()).setErrorMessage(error.message());
    }
}
