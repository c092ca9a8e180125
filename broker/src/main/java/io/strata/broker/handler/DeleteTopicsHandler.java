package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.metadata.TopicMetadata;
import io.strata.broker.metadata.TopicRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteTopics: deletes topics by name, and from version 6 by topic id, answering each with its
 * error (UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, TOPIC_DELETION_DISABLED, which versions
 * before 3 receive as INVALID_REQUEST) and, from version 6, the other half of its identity. A topic
 * named twice, or with both a name and an id, fails with INVALID_REQUEST.
 *
 * <p>This class is thread-safe.
 */
public final class DeleteTopicsHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(DeleteTopicsHandler.class);
    private static final short FIRST_DELETION_DISABLED_VERSION = 3;
    private static final short FIRST_TOPIC_ID_VERSION = 6;

    private final TopicRegistry topics;

    public DeleteTopicsHandler(TopicRegistry topics) {
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_TOPICS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.DELETE_TOPICS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.DELETE_TOPICS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        DeleteTopicsRequestData request = ctx.data();
        short version = ctx.apiVersion();
        List<DeleteTopicState> requested = new ArrayList<>();
        if (version >= FIRST_TOPIC_ID_VERSION) {
            requested.addAll(request.topics());
        } else {
            request.topicNames().forEach(name -> requested.add(new DeleteTopicState().setName(name)));
        }
        Set<Object> seen = new HashSet<>();
        Set<Object> duplicates = new HashSet<>();
        for (DeleteTopicState topic : requested) {
            Object key = key(topic);
            if (key != null && !seen.add(key)) {
                duplicates.add(key);
            }
        }
        DeleteTopicsResponseData response = new DeleteTopicsResponseData().setThrottleTimeMs(0);
        Set<Object> answered = new HashSet<>();
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        for (DeleteTopicState topic : requested) {
            Object key = key(topic);
            if (key != null && !answered.add(key)) {
                continue;
            }
            DeletableTopicResult result = new DeletableTopicResult().setName(topic.name());
            if (version >= FIRST_TOPIC_ID_VERSION) {
                result.setTopicId(topic.topicId());
            }
            response.responses().add(result);
            if (key == null) {
                fail(result, new ApiError(Errors.INVALID_REQUEST,
                        "A topic to delete needs either a name or a topic id, not both."), version);
            } else if (duplicates.contains(key)) {
                fail(result, new ApiError(Errors.INVALID_REQUEST,
                        key instanceof Uuid ? "Duplicate topic id." : "Duplicate topic name."), version);
            } else {
                CompletionStage<TopicMetadata> deletion = key instanceof Uuid topicId
                        ? topics.deleteTopic(topicId)
                        : topics.deleteTopic(topic.name());
                deletions.add(deletion.<Void>handle((deleted, failure) -> {
                    if (failure == null) {
                        result.setErrorCode(Errors.NONE.code()).setName(deleted.name());
                        if (version >= FIRST_TOPIC_ID_VERSION) {
                            result.setTopicId(deleted.topicId());
                        }
                    } else {
                        fail(result, AdminErrors.toApiError(failure, log, "deletion of topic " + key), version);
                    }
                    return null;
                }).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new)).thenApply(done -> response);
    }

    /** The topic's name or id, whichever it was named by; null when it has both or neither. */
    private static Object key(DeleteTopicState topic) {
        boolean hasId = topic.topicId() != null && !Uuid.ZERO_UUID.equals(topic.topicId());
        boolean hasName = topic.name() != null;
        if (hasId == hasName) {
            return null;
        }
        return hasId ? topic.topicId() : topic.name();
    }

    private static void fail(DeletableTopicResult result, ApiError error, short version) {
        ApiError effective = error.error() == Errors.TOPIC_DELETION_DISABLED && version < FIRST_DELETION_DISABLED_VERSION
                ? new ApiError(Errors.INVALID_REQUEST, error.message())
                : error;
        result.setErrorCode(effective.error().code()).setErrorMessage(effective.message());
    }
}
