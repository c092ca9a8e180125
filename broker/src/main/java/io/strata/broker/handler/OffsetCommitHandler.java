package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.group.GroupCoordinator;
import io.strata.broker.metadata.TopicMetadata;
import io.strata.broker.metadata.TopicRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit: partitions of unknown topics (or beyond a topic's partition count) get
 * UNKNOWN_TOPIC_OR_PARTITION, as Kafka checks them against its metadata; the others are committed
 * by the group coordinator and answered once durable. Versions 2 to 9: version 10 names topics by
 * id, which this broker does not serve for commits yet.
 *
 * <p>This class is thread-safe.
 */
public final class OffsetCommitHandler implements ApiHandler {

    /** The last version that names topics; 10 uses topic ids. */
    private static final short MAX_VERSION = 9;

    private final TopicRegistry topics;
    private final GroupCoordinator coordinator;

    public OffsetCommitHandler(TopicRegistry topics, GroupCoordinator coordinator) {
        this.topics = topics;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    @Override
    public short minVersion() {
        return ApiKeys.OFFSET_COMMIT.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return MAX_VERSION;
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        OffsetCommitRequestData request = ctx.data();
        OffsetCommitResponseData response = new OffsetCommitResponseData().setThrottleTimeMs(0);
        List<OffsetCommitRequestTopic> valid = new ArrayList<>();
        for (OffsetCommitRequestTopic topic : request.topics()) {
            OffsetCommitResponseTopic topicResponse = new OffsetCommitResponseTopic().setName(topic.name());
            response.topics().add(topicResponse);
            Optional<TopicMetadata> metadata = topics.topic(topic.name());
            OffsetCommitRequestTopic validTopic = new OffsetCommitRequestTopic().setName(topic.name());
            for (OffsetCommitRequestPartition partition : topic.partitions()) {
                topicResponse.partitions().add(new OffsetCommitResponsePartition()
                        .setPartitionIndex(partition.partitionIndex())
                        .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code()));
                if (metadata.isPresent() && partition.partitionIndex() >= 0
                        && partition.partitionIndex() < metadata.get().partitions()) {
                    validTopic.partitions().add(partition);
                }
            }
            if (!validTopic.partitions().isEmpty()) {
                valid.add(validTopic);
            }
        }
        if (valid.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        OffsetCommitRequestData committed = new OffsetCommitRequestData()
                .setGroupId(request.groupId())
                .setGenerationIdOrMemberEpoch(request.generationIdOrMemberEpoch())
                .setMemberId(request.memberId())
                .setGroupInstanceId(request.groupInstanceId())
                .setRetentionTimeMs(request.retentionTimeMs())
                .setTopics(valid);
        return coordinator.commitOffsets(committed).thenApply(results -> fill(response, results));
    }

    private static ApiMessage fill(OffsetCommitResponseData response, Map<TopicPartition, Errors> results) {
        for (OffsetCommitResponseTopic topic : response.topics()) {
            for (OffsetCommitResponsePartition partition : topic.partitions()) {
                Errors error = results.get(new TopicPartition(topic.name(), partition.partitionIndex()));
                if (error != null) {
                    partition.setErrorCode(error.code());
                }
            }
        }
        return response;
    }
}
