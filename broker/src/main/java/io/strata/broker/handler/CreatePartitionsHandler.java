package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.metadata.TopicRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreatePartitions: raises topics' partition counts (or only validates), with optional manual
 * assignments for the new partitions (each must be this node). A topic named twice fails with
 * INVALID_REQUEST; a count that is not an increase with INVALID_PARTITIONS.
 *
 * <p>This class is thread-safe.
 */
public final class CreatePartitionsHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(CreatePartitionsHandler.class);

    private final TopicRegistry topics;

    public CreatePartitionsHandler(TopicRegistry topics) {
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_PARTITIONS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.CREATE_PARTITIONS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.CREATE_PARTITIONS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        CreatePartitionsRequestData request = ctx.data();
        Set<String> names = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatePartitionsTopic topic : request.topics()) {
            if (!names.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        CreatePartitionsResponseData response = new CreatePartitionsResponseData().setThrottleTimeMs(0);
        Set<String> answered = new HashSet<>();
        List<CompletableFuture<Void>> changes = new ArrayList<>();
        for (CreatePartitionsTopic topic : request.topics()) {
            if (!answered.add(topic.name())) {
                continue;
            }
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(topic.name());
            response.results().add(result);
            if (duplicates.contains(topic.name())) {
                fail(result, new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name."));
                continue;
            }
            List<List<Integer>> assignments = null;
            if (topic.assignments() != null) {
                assignments = new ArrayList<>();
                for (CreatePartitionsAssignment assignment : topic.assignments()) {
                    assignments.add(assignment.brokerIds());
                }
            }
            changes.add(topics.createPartitions(topic.name(), topic.count(), assignments, request.validateOnly())
                    .<Void>handle((grown, failure) -> {
                        if (failure == null) {
                            result.setErrorCode(Errors.NONE.code()).setErrorMessage(null);
                        } else {
                            fail(result, AdminErrors.toApiError(failure, log, "partitions of topic " + topic.name()));
                        }
                        return null;
                    })
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(changes.toArray(CompletableFuture[]::new)).thenApply(done -> response);
    }

    private static void fail(CreatePartitionsTopicResult result, ApiError error) {
        result.setErrorCode(error.error().code()).setErrorMessage(error.message());
    }
}
