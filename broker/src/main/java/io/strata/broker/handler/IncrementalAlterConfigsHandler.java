package io.strata.broker.handler;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.metadata.TopicRegistry;
import io.strata.broker.metadata.TopicRegistry.ConfigChange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on a topic's config overrides, all of a
 * resource's operations applied together (live to its partitions) or not at all. APPEND and
 * SUBTRACT work on list configs only (INVALID_CONFIG otherwise). BROKER resources answer
 * INVALID_REQUEST for any change (no broker config changes at run time here), BROKER_LOGGER
 * INVALID_REQUEST too (log levels are not exposed); a resource or key given twice, an unknown
 * operation or a null value for anything but DELETE answer INVALID_REQUEST.
 *
 * <p>This class is thread-safe.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(IncrementalAlterConfigsHandler.class);

    private final BrokerConfig config;
    private final TopicRegistry topics;

    public IncrementalAlterConfigsHandler(BrokerConfig config, TopicRegistry topics) {
        this.config = config;
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        IncrementalAlterConfigsRequestData request = ctx.data();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (AlterConfigsResource resource : request.resources()) {
            if (!seen.add(resource.resourceType() + ":" + resource.resourceName())) {
                duplicates.add(resource.resourceType() + ":" + resource.resourceName());
            }
        }
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData().setThrottleTimeMs(0);
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
                List<ConfigChange> configChanges = changes(resource);
                ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
                switch (type) {
                    case TOPIC -> changes.add(topics.incrementalAlterConfigs(resource.resourceName(), configChanges,
                                    request.validateOnly())
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
                    case BROKER -> {
                        BrokerResources.checkName(resource.resourceName(), config.nodeId());
                        // Deleting a dynamic override that cannot exist changes nothing, as in Kafka.
                        BrokerResources.refuseChanges(configChanges.stream()
                                .filter(change -> change.opType() != AlterConfigOp.OpType.DELETE)
                                .map(ConfigChange::name)
                                .toList());
                        result.setErrorCode(Errors.NONE.code()).setErrorMessage(null);
                    }
                    case BROKER_LOGGER -> throw new InvalidRequestException("Changing broker log levels is not "
                            + "supported.");
                    default -> throw new InvalidRequestException("Unsupported resource type " + type
                            + " for IncrementalAlterConfigs");
                }
            } catch (RuntimeException e) {
                fail(result, AdminErrors.toApiError(e, log, "configs of " + resource));
            }
        }
        return CompletableFuture.allOf(changes.toArray(CompletableFuture[]::new)).thenApply(done -> response);
    }

    private static List<ConfigChange> changes(AlterConfigsResource resource) {
        List<ConfigChange> changes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<String> nullValues = new ArrayList<>();
        for (AlterableConfig alterable : resource.configs()) {
            if (!names.add(alterable.name())) {
                throw new InvalidRequestException("Duplicate config key " + alterable.name());
            }
            AlterConfigOp.OpType opType = AlterConfigOp.OpType.forId(alterable.configOperation());
            if (opType == null) {
                throw new InvalidRequestException("Unknown config operation " + alterable.configOperation()
                        + " for " + alterable.name());
            }
            if (opType != AlterConfigOp.OpType.DELETE && alterable.value() == null) {
                nullValues.add(alterable.name());
            }
            changes.add(new ConfigChange(alterable.name(), opType, alterable.value()));
        }
        if (!nullValues.isEmpty()) {
            throw new InvalidRequestException("Null value not supported for: " + String.join(", ", nullValues));
        }
        return changes;
    }

    private static void fail(AlterConfigsResourceResponse result, ApiError error) {
        result.setErrorCode(error.error().code()).setErrorMessage(error.message());
    }
}
