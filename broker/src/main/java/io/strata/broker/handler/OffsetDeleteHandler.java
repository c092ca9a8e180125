package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.group.GroupCoordinator;
import io.strata.broker.metadata.TopicRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartitionCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetDelete: deletes a group's committed offsets of some partitions. Unknown topics get
 * UNKNOWN_TOPIC_OR_PARTITION; a topic the group still consumes GROUP_SUBSCRIBED_TO_TOPIC; group-level
 * failures (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP for a non-consumer group with members, ...) are the
 * top-level error.
 *
 * <p>This class is thread-safe.
 */
public final class OffsetDeleteHandler implements ApiHandler {

    private final TopicRegistry topics;
    private final GroupCoordinator coordinator;

    public OffsetDeleteHandler(TopicRegistry topics, GroupCoordinator coordinator) {
        this.topics = topics;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_DELETE;
    }

    @Override
    public short minVersion() {
        return ApiKeys.OFFSET_DELETE.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.OFFSET_DELETE.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        OffsetDeleteRequestData request = ctx.data();
        OffsetDeleteResponseData response = new OffsetDeleteResponseData().setThrottleTimeMs(0);
        List<OffsetDeleteRequestTopic> valid = new ArrayList<>();
        for (OffsetDeleteRequestTopic topic : request.topics()) {
            OffsetDeleteResponsePartitionCollection partitions = new OffsetDeleteResponsePartitionCollection();
            topic.partitions().forEach(partition -> partitions.add(new OffsetDeleteResponsePartition()
                    .setPartitionIndex(partition.partitionIndex())
                    .setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())));
            response.topics().add(new OffsetDeleteResponseTopic().setName(topic.name()).setPartitions(partitions));
            if (topics.topic(topic.name()).isPresent()) {
                valid.add(topic);
            }
        }
        return coordinator.deleteOffsets(request.groupId(), valid).handle((results, failure) -> {
            if (failure != null) {
                return response.setErrorCode(Errors.forException(Errors.maybeUnwrapException(failure)).code());
            }
            fill(response, results);
            return response;
        });
    }

    private static void fill(OffsetDeleteResponseData response, Map<TopicPartition, Errors> results) {
        for (OffsetDeleteResponseTopic topic : response.topics()) {
            for (OffsetDeleteResponsePartition partition : topic.partitions()) {
                Errors error = results.get(new TopicPartition(topic.name(), partition.partitionIndex()));
                if (error != null) {
                    partition.setErrorCode(error.code());
                }
            }
        }
    }
}
