package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.dispatch.StorageExecutors;
import io.strata.broker.metadata.TopicRegistry;
import io.strata.storage.log.PartitionLog;
import io.strata.tiering.RemoteLogManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ListOffsets: earliest (-2), latest (-1), max timestamp (-3), earliest local (-4), latest
 * tiered (-5) and by timestamp, looked up on a storage thread (time-index searches touch disk).
 * A timestamp with no record at or after it answers offset -1, as Apache Kafka does.
 *
 * <p>This class is thread-safe.
 */
public final class ListOffsetsHandler implements ApiHandler {

    private static final Logger log = LoggerFactory.getLogger(ListOffsetsHandler.class);
    /** ListOffsets v4 added the leader epoch to the response (KIP-320). */
    private static final short FIRST_LEADER_EPOCH_VERSION = 4;

    private final TopicRegistry topics;
    private final StorageExecutors storage;
    private final Supplier<RemoteLogManager> remote;

    public ListOffsetsHandler(TopicRegistry topics, StorageExecutors storage) {
        this(topics, storage, () -> null);
    }

    /**
     * @param remote the remote tier, searched first for timestamps of tiered partitions; it supplies
     *               null without one (or before it has started)
     */
    public ListOffsetsHandler(TopicRegistry topics, StorageExecutors storage, Supplier<RemoteLogManager> remote) {
        this.topics = topics;
        this.storage = storage;
        this.remote = remote;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_OFFSETS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.LIST_OFFSETS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.LIST_OFFSETS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        ListOffsetsRequestData request = ctx.data();
        ListOffsetsResponseData response = new ListOffsetsResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<Void>> lookups = new ArrayList<>();
        Set<TopicPartition> seen = new HashSet<>();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : request.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (ListOffsetsRequestData.ListOffsetsPartition partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), partition.partitionIndex());
                ListOffsetsPartitionResponse partitionResponse = new ListOffsetsPartitionResponse()
                        .setPartitionIndex(partition.partitionIndex())
                        .setTimestamp(-1L)
                        .setOffset(-1L);
                topicResponse.partitions().add(partitionResponse);
                Optional<PartitionLog> partitionLog = topics.log(tp);
                Errors error = !seen.add(tp) ? Errors.INVALID_REQUEST
                        : partitionLog.isEmpty() ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                        : LeaderEpochs.check(partition.currentLeaderEpoch());
                if (error != Errors.NONE) {
                    partitionResponse.setErrorCode(error.code());
                    continue;
                }
                long target = partition.timestamp();
                boolean withLeaderEpoch = ctx.apiVersion() >= FIRST_LEADER_EPOCH_VERSION;
                lookups.add(lookup(partitionLog.get(), target)
                        .handle((found, failure) -> {
                            complete(partitionResponse, tp, found, failure, withLeaderEpoch);
                            return null;
                        }));
            }
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> response);
    }

    /**
     * A timestamp of a tiered partition is looked for in the remote segments first, as Kafka does;
     * the local segments are searched when the remote tier has no match.
     */
    private CompletableFuture<Optional<TimestampAndOffset>> lookup(PartitionLog partitionLog, long target) {
        if (target < 0 || partitionLog.localLogStartOffset() <= partitionLog.logStartOffset()) {
            return storage.onAny(() -> partitionLog.fetchOffsetByTimestamp(target));
        }
        RemoteLogManager manager = remote.get();
        if (manager == null) {
            return CompletableFuture.failedFuture(new KafkaStorageException("The remote tier of "
                    + partitionLog.topicPartition() + " is not available"));
        }
        return manager.findOffsetByTimestamp(partitionLog, target).thenCompose(found -> found.isPresent()
                ? CompletableFuture.completedFuture(found)
                : storage.onAny(() -> partitionLog.fetchOffsetByTimestamp(target)));
    }

    private static void complete(ListOffsetsPartitionResponse response, TopicPartition tp,
                                 Optional<TimestampAndOffset> found, Throwable failure, boolean withLeaderEpoch) {
        if (failure != null) {
            Throwable cause = Errors.maybeUnwrapException(failure);
            response.setErrorCode(Errors.forException(cause).code());
            if (!(cause instanceof ApiException)) {
                log.error("Unexpected error listing offsets of {}", tp, cause);
            }
            return;
        }
        response.setErrorCode(Errors.NONE.code());
        found.ifPresent(hit -> {
            response.setTimestamp(hit.timestamp).setOffset(hit.offset);
            if (withLeaderEpoch) {
                response.setLeaderEpoch(hit.leaderEpoch.orElse(LeaderEpochs.CURRENT));
            }
        });
    }
}
