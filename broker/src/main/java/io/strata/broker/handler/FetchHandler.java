package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.fetch.FetchContext;
import io.strata.broker.fetch.FetchKey;
import io.strata.broker.fetch.FetchParams;
import io.strata.broker.fetch.FetchPurgatory;
import io.strata.broker.fetch.FetchSessionCache;
import io.strata.broker.fetch.PartitionFetch;
import io.strata.broker.fetch.PartitionLookup;
import io.strata.broker.fetch.ReadTarget;
import io.strata.broker.metadata.TopicMetadata;
import io.strata.storage.log.PartitionLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * Fetch, as consumers use it: every version kafka-clients knows (4 to 18), with fetch sessions
 * (KIP-227), topic ids from version 13 (KIP-516), the KIP-74 byte limits and long polls that hold
 * no thread. Versions 17 and 18 add only follower fields (replica directory id, follower high
 * watermark), which a consumer leaves at their defaults, so serving them is safe.
 *
 * <p>On the event loop the handler resolves the request against its fetch session and the topic
 * metadata; {@link FetchPurgatory} reads on a storage thread and answers at once or after the long
 * poll; the session then records what the response tells the client. As in Kafka, a partition
 * that does not exist is answered {@code UNKNOWN_TOPIC_ID} (version 13+, by id) or
 * {@code UNKNOWN_TOPIC_OR_PARTITION} without being read and does not cut the long poll short,
 * while a read failure (offset out of range, leader epoch, disk) answers at once. There are no
 * followers on a single broker: a follower fetch ({@code replicaId >= 0}) gets
 * {@code NOT_LEADER_OR_FOLLOWER} for each existing partition, what Kafka answers a replica that is
 * not in the partition's assignment.
 *
 * <p>The response limit is {@code min(maxBytes, fetch.max.bytes)} and {@code minBytes} is capped
 * by it, as in Kafka. Throttle time is always 0.
 *
 * <p>This class is thread-safe.
 */
public final class FetchHandler implements ApiHandler {

    /** Kafka's default broker {@code fetch.max.bytes}: 55 MiB. */
    public static final int DEFAULT_FETCH_MAX_BYTES = 55 * 1024 * 1024;
    /** Fetch v13 names topics by id (KIP-516). */
    private static final short FIRST_TOPIC_ID_VERSION = 13;
    /** Fetch v6 is the first version whose clients know KAFKA_STORAGE_ERROR. */
    private static final short FIRST_STORAGE_ERROR_VERSION = 6;

    private final PartitionLookup partitions;
    private final FetchSessionCache sessions;
    private final FetchPurgatory purgatory;
    private final int fetchMaxBytes;

    /**
     * @param partitions    topic and partition-log lookups (the broker's TopicRegistry)
     * @param sessions      the broker's fetch sessions
     * @param purgatory     runs the reads and the long polls
     * @param fetchMaxBytes the broker's {@code fetch.max.bytes}
     */
    public FetchHandler(PartitionLookup partitions, FetchSessionCache sessions, FetchPurgatory purgatory,
                        int fetchMaxBytes) {
        this.partitions = partitions;
        this.sessions = sessions;
        this.purgatory = purgatory;
        this.fetchMaxBytes = fetchMaxBytes;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    @Override
    public short minVersion() {
        return ApiKeys.FETCH.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.FETCH.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        FetchRequest request = (FetchRequest) ctx.request();
        FetchRequestData data = request.data();
        short version = ctx.apiVersion();
        boolean usesTopicIds = version >= FIRST_TOPIC_ID_VERSION;
        FetchContext context = sessions.newContext(new FetchMetadata(data.sessionId(), data.sessionEpoch()),
                usesTopicIds, fetchData(data, usesTopicIds), forgotten(data, usesTopicIds));

        List<PartitionFetch> fetches = context.partitions();
        Map<FetchKey, PartitionData> unread = new HashMap<>();
        List<ReadTarget> targets = new ArrayList<>(fetches.size());
        for (PartitionFetch fetch : fetches) {
            Optional<PartitionLog> partitionLog = resolve(fetch.key(), usesTopicIds, unread);
            if (partitionLog.isEmpty()) {
                continue;
            }
            if (request.isFromFollower()) {
                unread.put(fetch.key(), FetchResponse.partitionResponse(fetch.key().partition(),
                        Errors.NOT_LEADER_OR_FOLLOWER));
            } else {
                targets.add(new ReadTarget(fetch, partitionLog.get()));
            }
        }
        if (targets.isEmpty()) {
            return CompletableFuture.completedFuture(context.response(merge(fetches, unread, Map.of(), version)));
        }
        int maxBytes = Math.min(data.maxBytes(), fetchMaxBytes);
        FetchParams params = new FetchParams(data.maxWaitMs(), Math.min(data.minBytes(), maxBytes), maxBytes,
                request.isolationLevel(), LeaderEpochs.CURRENT);
        return purgatory.fetch(params, targets)
                .thenApply(read -> context.response(merge(fetches, unread, read, version)));
    }

    /** The partition's log, or empty after recording the partition's error in {@code unread}. */
    private Optional<PartitionLog> resolve(FetchKey key, boolean usesTopicIds, Map<FetchKey, PartitionData> unread) {
        Optional<PartitionLog> partitionLog;
        if (usesTopicIds) {
            Optional<TopicMetadata> topic = partitions.topic(key.topicId());
            partitionLog = topic.flatMap(t -> partitions.log(new TopicPartition(t.name(), key.partition())));
            if (topic.isEmpty() || partitionLog.map(l -> !l.topicId().equals(key.topicId())).orElse(false)) {
                unread.put(key, FetchResponse.partitionResponse(key.partition(), Errors.UNKNOWN_TOPIC_ID));
                return Optional.empty();
            }
        } else {
            partitionLog = partitions.log(new TopicPartition(key.topic(), key.partition()));
        }
        if (partitionLog.isEmpty()) {
            unread.put(key, FetchResponse.partitionResponse(key.partition(), Errors.UNKNOWN_TOPIC_OR_PARTITION));
        }
        return partitionLog;
    }

    /** Every partition's result in the context's order. */
    private static LinkedHashMap<FetchKey, PartitionData> merge(List<PartitionFetch> fetches,
                                                                Map<FetchKey, PartitionData> unread,
                                                                Map<FetchKey, PartitionData> read, short version) {
        LinkedHashMap<FetchKey, PartitionData> results = new LinkedHashMap<>();
        for (PartitionFetch fetch : fetches) {
            PartitionData data = unread.get(fetch.key());
            if (data == null) {
                data = read.get(fetch.key());
            }
            results.put(fetch.key(), downConvertStorageError(data, version));
        }
        return results;
    }

    /** Clients before v6 do not know KAFKA_STORAGE_ERROR: Kafka sends them NOT_LEADER_OR_FOLLOWER. */
    static PartitionData downConvertStorageError(PartitionData data, short version) {
        if (data.errorCode() == Errors.KAFKA_STORAGE_ERROR.code() && version < FIRST_STORAGE_ERROR_VERSION) {
            data.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        return data;
    }

    private static LinkedHashMap<FetchKey, PartitionFetch> fetchData(FetchRequestData data, boolean usesTopicIds) {
        LinkedHashMap<FetchKey, PartitionFetch> fetchData = new LinkedHashMap<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            for (FetchRequestData.FetchPartition partition : topic.partitions()) {
                FetchKey key = usesTopicIds
                        ? FetchKey.byId(topic.topicId(), partition.partition())
                        : FetchKey.byName(topic.topic(), partition.partition());
                fetchData.put(key, new PartitionFetch(key, partition.fetchOffset(), partition.partitionMaxBytes(),
                        partition.currentLeaderEpoch(), partition.lastFetchedEpoch()));
            }
        }
        return fetchData;
    }

    private static List<FetchKey> forgotten(FetchRequestData data, boolean usesTopicIds) {
        List<FetchKey> toForget = new ArrayList<>();
        for (FetchRequestData.ForgottenTopic topic : data.forgottenTopicsData()) {
            for (Integer partition : topic.partitions()) {
                toForget.add(usesTopicIds
                        ? FetchKey.byId(topic.topicId(), partition)
                        : FetchKey.byName(topic.topic(), partition));
            }
        }
        return toForget;
    }
}
