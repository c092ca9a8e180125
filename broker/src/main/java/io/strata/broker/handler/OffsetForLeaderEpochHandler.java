package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.metadata.TopicRegistry;
import io.strata.storage.log.PartitionLog;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * OffsetForLeaderEpoch (KIP-101/320), which consumers use to detect log truncation after a
 * leader change. Every partition has had one leader epoch, {@link LeaderEpochs#CURRENT}, since
 * offset 0, so the answer for any requested epoch at or above it is (CURRENT, log end offset);
 * an older epoch is unknown (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET), as in Kafka.
 * Answered from in-memory offsets, on the event loop.
 *
 * <p>This class is thread-safe.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler {

    private final TopicRegistry topics;

    public OffsetForLeaderEpochHandler(TopicRegistry topics) {
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
    }

    @Override
    public short minVersion() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        OffsetForLeaderEpochRequestData request = ctx.data();
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData().setThrottleTimeMs(0);
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : request.topics()) {
            OffsetForLeaderTopicResult topicResult = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            response.topics().add(topicResult);
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition partition : topic.partitions()) {
                topicResult.partitions().add(endOffset(topic.topic(), partition));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private EpochEndOffset endOffset(String topic, OffsetForLeaderEpochRequestData.OffsetForLeaderPartition partition) {
        EpochEndOffset result = new EpochEndOffset()
                .setPartition(partition.partition())
                .setLeaderEpoch(RecordBatch.NO_PARTITION_LEADER_EPOCH)
                .setEndOffset(-1L);
        Optional<PartitionLog> partitionLog = topics.log(new TopicPartition(topic, partition.partition()));
        if (partitionLog.isEmpty()) {
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        Errors epochError = LeaderEpochs.check(partition.currentLeaderEpoch());
        if (epochError != Errors.NONE) {
            return result.setErrorCode(epochError.code());
        }
        result.setErrorCode(Errors.NONE.code());
        if (partition.leaderEpoch() >= LeaderEpochs.CURRENT) {
            result.setLeaderEpoch(LeaderEpochs.CURRENT).setEndOffset(partitionLog.get().logEndOffset());
        }
        return result;
    }
}
