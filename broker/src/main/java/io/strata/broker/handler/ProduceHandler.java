package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.dispatch.StorageExecutors;
import io.strata.broker.metadata.TopicMetadata;
import io.strata.broker.metadata.TopicRegistry;
import io.strata.storage.log.LogAppendInfo;
import io.strata.storage.log.LogValidator.InvalidRecordTimestampException;
import io.strata.storage.log.PartitionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: appends each partition's records to its log on that partition's storage thread and
 * answers once every partition is done. Single node: acks=1 and acks=all are both satisfied by
 * the local append (the in-sync replica set is this broker); acks=0 gets no response, and a
 * partition error then closes the connection, as in Apache Kafka.
 *
 * <p>This class is thread-safe.
 */
public final class ProduceHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);
    /** Produce v13 names topics by id (KIP-516). */
    private static final short FIRST_TOPIC_ID_VERSION = 13;

    private final TopicRegistry topics;
    private final StorageExecutors storage;
    private final int leaderEpoch;

    public ProduceHandler(TopicRegistry topics, StorageExecutors storage, int leaderEpoch) {
        this.topics = topics;
        this.storage = storage;
        this.leaderEpoch = leaderEpoch;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    @Override
    public short minVersion() {
        return ApiKeys.PRODUCE.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.PRODUCE.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        List<CompletableFuture<Void>> appends = new ArrayList<>();
        try {
            return handle(ctx, appends);
        } catch (RuntimeException e) {
            // The request's records are views of network memory that is given back when the
            // returned stage completes: never complete it while an append already handed to a
            // storage thread may still read them.
            return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new))
                    .thenCompose(done -> CompletableFuture.failedFuture(e));
        }
    }

    private CompletionStage<ApiMessage> handle(RequestContext ctx, List<CompletableFuture<Void>> appends) {
        ProduceRequestData request = ctx.data();
        short version = ctx.apiVersion();
        short acks = request.acks();
        ProduceResponseData response = new ProduceResponseData().setThrottleTimeMs(0);

        for (ProduceRequestData.TopicProduceData topicData : request.topicData()) {
            TopicProduceResponse topicResponse = new TopicProduceResponse()
                    .setName(topicData.name())
                    .setTopicId(topicData.topicId());
            response.responses().add(topicResponse);
            Optional<TopicMetadata> topic = version >= FIRST_TOPIC_ID_VERSION
                    ? topics.topic(topicData.topicId())
                    : topics.topic(topicData.name());
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse partitionResponse = new PartitionProduceResponse()
                        .setIndex(partitionData.index())
                        .setBaseOffset(-1L)
                        .setLogAppendTimeMs(RecordBatch.NO_TIMESTAMP)
                        .setLogStartOffset(-1L);
                topicResponse.partitionResponses().add(partitionResponse);
                Errors precheck = precheck(acks, version, topic, partitionData);
                if (precheck != Errors.NONE) {
                    partitionResponse.setErrorCode(precheck.code());
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.get().name(), partitionData.index());
                Optional<PartitionLog> partitionLog = topics.log(tp);
                if (partitionLog.isEmpty()) {
                    partitionResponse.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                MemoryRecords records = (MemoryRecords) partitionData.records();
                appends.add(storage.onPartition(tp, () -> partitionLog.get().append(records, leaderEpoch))
                        .handle((info, failure) -> {
                            complete(partitionResponse, tp, info, failure);
                            return null;
                        }));
            }
        }
        return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new))
                .thenApply(done -> acks == 0 ? noResponse(response) : response);
    }

    /**
     * acks=0 takes no response. A failed partition fails the stage instead, which closes the
     * connection: that is how Apache Kafka tells such a client to refresh its metadata.
     */
    private static ApiMessage noResponse(ProduceResponseData response) {
        for (TopicProduceResponse topic : response.responses()) {
            for (PartitionProduceResponse partition : topic.partitionResponses()) {
                if (partition.errorCode() != Errors.NONE.code()) {
                    throw Errors.forCode(partition.errorCode()).exception(
                            "acks=0 produce to " + topic.name() + "-" + partition.index() + " failed");
                }
            }
        }
        return null;
    }

    private static Errors precheck(short acks, short version, Optional<TopicMetadata> topic,
                                   ProduceRequestData.PartitionProduceData partitionData) {
        if (acks != 0 && acks != 1 && acks != -1) {
            return Errors.INVALID_REQUIRED_ACKS;
        }
        if (topic.isEmpty()) {
            return version >= FIRST_TOPIC_ID_VERSION ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (partitionData.index() < 0 || partitionData.index() >= topic.get().partitions()) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (Topic.isInternal(topic.get().name())) {
            // Only the broker writes its internal topics (Kafka: "Cannot append to internal topic").
            return Errors.INVALID_TOPIC_EXCEPTION;
        }
        if (!(partitionData.records() instanceof MemoryRecords)) {
            return Errors.CORRUPT_MESSAGE;
        }
        try {
            // The version-dependent rules (one v2 batch; zstd only from v7, KIP-110).
            ProduceRequest.validateRecords(version, partitionData.records());
        } catch (ApiException e) {
            return Errors.forException(e);
        }
        return Errors.NONE;
    }

    private static void complete(PartitionProduceResponse response, TopicPartition tp, LogAppendInfo info,
                                 Throwable failure) {
        if (failure == null) {
            response.setErrorCode(Errors.NONE.code())
                    .setBaseOffset(info.firstOffset())
                    .setLogAppendTimeMs(info.logAppendTime())
                    .setLogStartOffset(info.logStartOffset());
            return;
        }
        Throwable cause = Errors.maybeUnwrapException(failure);
        Errors error = Errors.forException(cause);
        response.setErrorCode(error.code());
        if (cause instanceof InvalidRecordTimestampException timestamps) {
            response.setRecordErrors(timestamps.recordErrors().stream()
                    .map(e -> new BatchIndexAndErrorMessage()
                            .setBatchIndex(e.batchIndex())
                            .setBatchIndexErrorMessage(e.message()))
                    .toList());
        }
        if (cause instanceof ApiException) {
            response.setErrorMessage(cause.getMessage());
            log.debug("Produce to {} failed: {}", tp, cause.getMessage());
        } else {
            log.error("Unexpected error appending to {}", tp, cause);
        }
    }

}
