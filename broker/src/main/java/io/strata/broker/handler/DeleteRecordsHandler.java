package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.dispatch.StorageExecutors;
import io.strata.broker.metadata.TopicRegistry;
import io.strata.storage.log.PartitionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteRecords: raises each partition's log start offset (offset -1 means the high watermark)
 * and answers the new low watermark. Whole segments below it are deleted in the background.
 *
 * <p>This class is thread-safe.
 */
public final class DeleteRecordsHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(DeleteRecordsHandler.class);
    /** The offset a client sends to delete everything up to the high watermark. */
    private static final long HIGH_WATERMARK = -1L;

    private final TopicRegistry topics;
    private final StorageExecutors storage;

    public DeleteRecordsHandler(TopicRegistry topics, StorageExecutors storage) {
        this.topics = topics;
        this.storage = storage;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.DELETE_RECORDS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.DELETE_RECORDS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        DeleteRecordsRequestData request = ctx.data();
        DeleteRecordsResponseData response = new DeleteRecordsResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<Void>> deletions = new ArrayList<>();
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : request.topics()) {
            DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(topicResult);
            for (DeleteRecordsRequestData.DeleteRecordsPartition partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), partition.partitionIndex());
                DeleteRecordsPartitionResult result = new DeleteRecordsPartitionResult()
                        .setPartitionIndex(partition.partitionIndex())
                        .setLowWatermark(-1L);
                topicResult.partitions().add(result);
                if (Topic.isInternal(topic.name())) {
                    // Kafka: "Cannot delete records of internal topic"; the coordinator owns them.
                    result.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
                    continue;
                }
                Optional<PartitionLog> partitionLog = topics.log(tp);
                if (partitionLog.isEmpty()) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                long requested = partition.offset();
                deletions.add(storage.onPartition(tp, () -> {
                    PartitionLog target = partitionLog.get();
                    long offset = requested == HIGH_WATERMARK ? target.highWatermark() : requested;
                    return target.deleteRecordsBefore(offset);
                }).handle((lowWatermark, failure) -> {
                    complete(result, tp, lowWatermark, failure);
                    return null;
                }));
            }
        }
        return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new)).thenApply(done -> response);
    }

    private static void complete(DeleteRecordsPartitionResult result, TopicPartition tp, Long lowWatermark,
                                 Throwable failure) {
        if (failure == null) {
            result.setErrorCode(Errors.NONE.code()).setLowWatermark(lowWatermark);
            return;
        }
        Throwable cause = Errors.maybeUnwrapException(failure);
        result.setErrorCode(Errors.forException(cause).code());
        if (!(cause instanceof ApiException)) {
            log.error("Unexpected error deleting records of {}", tp, cause);
        }
    }
}
