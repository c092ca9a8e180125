package io.strata.broker.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.fetch.FetchPurgatory;
import io.strata.broker.fetch.FetchSessionCache;
import io.strata.broker.fetch.ManualTime;
import io.strata.broker.fetch.ManualTimer;
import io.strata.broker.fetch.PartitionLookup;
import io.strata.broker.fetch.TestLogs;
import io.strata.broker.metadata.TopicMetadata;
import io.strata.storage.log.PartitionLog;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FetchHandlerTest {

    private static final int MAX_WAIT_MS = 500;
    private static final short LATEST = ApiKeys.FETCH.latestVersion();

    @TempDir
    Path dir;

    private final ManualTimer timer = new ManualTimer();
    private final FakeLookup lookup = new FakeLookup();
    private final FetchSessionCache sessions =
            new FetchSessionCache(FetchSessionCache.DEFAULT_MAX_ENTRIES, FetchSessionCache.DEFAULT_EVICTION_MS,
                    new ManualTime());
    private final FetchPurgatory purgatory = new FetchPurgatory(timer, Runnable::run);
    private final FetchHandler handler =
            new FetchHandler(lookup, sessions, purgatory, FetchHandler.DEFAULT_FETCH_MAX_BYTES);
    private TestLogs logs;
    private Uuid ordersId;
    private PartitionLog orders0;
    private PartitionLog orders1;

    @BeforeEach
    void setUp() {
        logs = new TestLogs(dir);
        ordersId = Uuid.randomUuid();
        orders0 = lookup.add(logs.create("orders", 0, ordersId));
        orders1 = lookup.add(logs.create("orders", 1, ordersId));
        lookup.addTopic(new TopicMetadata("orders", ordersId, 2, Map.of()));
    }

    @AfterEach
    void tearDown() {
        logs.close();
    }

    static Stream<Short> versions() {
        return IntStream.rangeClosed(ApiKeys.FETCH.oldestVersion(), ApiKeys.FETCH.latestVersion())
                .mapToObj(v -> (short) v);
    }

    @Test
    void shouldServeEveryFetchVersionOfKafkaClients() {
        // then
        assertEquals(ApiKeys.FETCH, handler.apiKey());
        assertEquals(4, handler.minVersion());
        assertEquals(18, handler.maxVersion());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shouldReturnFileRecordsWhenPartitionHasRecords(short version) {
        // given
        int appended = TestLogs.append(orders0, 3, 100).sizeInBytes();

        // when
        FetchResponseData response = fetch(version, request(0, 0, partition(0, 0)));

        // then
        FetchResponseData.FetchableTopicResponse topic = response.responses().get(0);
        if (version >= 13) {
            assertEquals(ordersId, topic.topicId());
        } else {
            assertEquals("orders", topic.topic());
        }
        PartitionData data = topic.partitions().get(0);
        assertEquals(Errors.NONE.code(), data.errorCode());
        assertInstanceOf(FileRecords.class, data.records());
        assertEquals(appended, data.records().sizeInBytes());
        assertEquals(3, data.highWatermark());
        assertEquals(3, data.lastStableOffset());
        assertEquals(0, data.logStartOffset());
        assertEquals(-1, data.preferredReadReplica());
        assertEquals(0, response.throttleTimeMs());
    }

    @Test
    void shouldAnswerUnknownTopicIdWhenTopicIdIsUnknown() {
        // given
        FetchRequestData request = request(0, 0);
        request.topics().add(new FetchRequestData.FetchTopic().setTopicId(Uuid.randomUuid())
                .setPartitions(new ArrayList<>(List.of(partition(0, 0)))));

        // when
        FetchResponseData response = fetch(LATEST, request);

        // then
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), response.responses().get(0).partitions().get(0).errorCode());
    }

    @Test
    void shouldAnswerUnknownTopicIdWhenTopicWasRecreatedUnderTheSameName() {
        // given
        lookup.addTopic(new TopicMetadata("orders", Uuid.randomUuid(), 2, Map.of()));
        FetchRequestData request = request(0, 0);
        request.topics().add(new FetchRequestData.FetchTopic().setTopicId(lookup.topicIds.get("orders"))
                .setPartitions(new ArrayList<>(List.of(partition(0, 0)))));

        // when
        FetchResponseData response = fetch(LATEST, request);

        // then
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), response.responses().get(0).partitions().get(0).errorCode());
    }

    @Test
    void shouldAnswerUnknownTopicOrPartitionWhenTopicNameIsUnknownBeforeVersion13() {
        // given
        FetchRequestData request = request(0, 0);
        request.topics().add(new FetchRequestData.FetchTopic().setTopic("missing")
                .setPartitions(new ArrayList<>(List.of(partition(0, 0)))));

        // when
        FetchResponseData response = fetch((short) 12, request);

        // then
        assertEquals("missing", response.responses().get(0).topic());
        PartitionData data = response.responses().get(0).partitions().get(0);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), data.errorCode());
        assertEquals(-1, data.highWatermark());
    }

    @Test
    void shouldAnswerUnknownTopicOrPartitionWhenPartitionDoesNotExist() {
        // when
        FetchResponseData response = fetch(LATEST, request(0, 0, partition(7, 0)));

        // then
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                response.responses().get(0).partitions().get(0).errorCode());
    }

    @Test
    void shouldAnswerOffsetOutOfRangeWhenFetchOffsetIsPastTheLogEnd() {
        // given
        TestLogs.append(orders0, 2, 10);

        // when
        FetchResponseData response = fetch(LATEST, request(MAX_WAIT_MS, 1, partition(0, 5)));

        // then
        PartitionData data = response.responses().get(0).partitions().get(0);
        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), data.errorCode());
        assertEquals(-1, data.highWatermark());
        assertEquals(-1, data.logStartOffset());
    }

    @Test
    void shouldAnswerUnknownLeaderEpochWhenClientEpochIsNewer() {
        // when
        FetchResponseData response = fetch(LATEST, request(MAX_WAIT_MS, 1, partition(0, 0).setCurrentLeaderEpoch(1)));

        // then
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), response.responses().get(0).partitions().get(0).errorCode());
    }

    @Test
    void shouldAnswerNotLeaderOrFollowerWhenFetchComesFromAFollower() {
        // given
        TestLogs.append(orders0, 1, 10);
        FetchRequestData request = request(MAX_WAIT_MS, 1, partition(0, 0))
                .setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(2).setReplicaEpoch(1));

        // when
        FetchResponseData response = fetch(LATEST, request);

        // then
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(),
                response.responses().get(0).partitions().get(0).errorCode());
    }

    @Test
    void shouldLimitResponseToFetchMaxBytesWhenRequestAllowsMore() {
        // given
        int batchBytes = TestLogs.append(orders0, 1, 400).sizeInBytes();
        TestLogs.append(orders1, 1, 400);
        FetchHandler capped = new FetchHandler(lookup, sessions, purgatory, batchBytes);

        // when
        FetchResponseData response = response(capped.handle(context(LATEST,
                request(0, 1, partition(0, 0), partition(1, 0)))));

        // then
        List<PartitionData> partitions = response.responses().get(0).partitions();
        assertEquals(batchBytes, FetchResponse.recordsSize(partitions.get(0)));
        assertEquals(0, FetchResponse.recordsSize(partitions.get(1)));
    }

    @Test
    void shouldWaitForRecordsWhenPartitionsHaveNone() {
        // given
        CompletableFuture<ApiMessage> pending =
                handler.handle(context(LATEST, request(MAX_WAIT_MS, 1, partition(0, 0)))).toCompletableFuture();
        assertFalse(pending.isDone());

        // when
        TestLogs.append(orders0, 1, 10);

        // then
        assertTrue(pending.isDone());
        assertTrue(FetchResponse.recordsSize(((FetchResponseData) pending.join())
                .responses().get(0).partitions().get(0)) > 0);
    }

    @Test
    void shouldKeepWaitingWhenOnlyAnUnknownPartitionErrs() {
        // given
        CompletableFuture<ApiMessage> pending = handler.handle(context(LATEST,
                request(MAX_WAIT_MS, 1, partition(0, 0), partition(9, 0)))).toCompletableFuture();
        boolean doneBeforeExpiry = pending.isDone();

        // when
        timer.advance(MAX_WAIT_MS);

        // then
        assertFalse(doneBeforeExpiry);
        List<PartitionData> partitions = ((FetchResponseData) pending.join()).responses().get(0).partitions();
        assertEquals(Errors.NONE.code(), partitions.get(0).errorCode());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), partitions.get(1).errorCode());
    }

    @Test
    void shouldAnswerAtOnceWhenEveryPartitionIsUnknown() {
        // when
        CompletableFuture<ApiMessage> result = handler.handle(context(LATEST,
                request(MAX_WAIT_MS, 1, partition(9, 0)))).toCompletableFuture();

        // then
        assertTrue(result.isDone());
    }

    @Test
    void shouldListOnlyChangedPartitionsWhenSessionIsIncremental() {
        // given
        TestLogs.append(orders0, 1, 10);
        FetchResponseData full = fetch(LATEST, request(0, 0, partition(0, 0), partition(1, 0))
                .setSessionId(FetchMetadata.INVALID_SESSION_ID).setSessionEpoch(FetchMetadata.INITIAL_EPOCH));
        int sessionId = full.sessionId();
        FetchResponseData unchanged = fetch(LATEST, request(0, 0, partition(0, 1))
                .setSessionId(sessionId).setSessionEpoch(1));

        // when
        TestLogs.append(orders1, 1, 10);
        FetchResponseData changed = fetch(LATEST, request(0, 0).setSessionId(sessionId).setSessionEpoch(2));

        // then
        assertNotEquals(FetchMetadata.INVALID_SESSION_ID, sessionId);
        assertEquals(2, full.responses().get(0).partitions().size());
        assertEquals(sessionId, unchanged.sessionId());
        assertTrue(unchanged.responses().isEmpty());
        assertEquals(1, changed.responses().size());
        assertEquals(1, changed.responses().get(0).partitions().size());
        assertEquals(1, changed.responses().get(0).partitions().get(0).partitionIndex());
        assertTrue(FetchResponse.recordsSize(changed.responses().get(0).partitions().get(0)) > 0);
    }

    @Test
    void shouldAnswerSessionErrorAtTopLevelWhenSessionIsUnknown() {
        // when
        FetchResponseData response = fetch(LATEST, request(MAX_WAIT_MS, 1).setSessionId(4242).setSessionEpoch(3));

        // then
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(), response.errorCode());
        assertEquals(FetchMetadata.INVALID_SESSION_ID, response.sessionId());
        assertTrue(response.responses().isEmpty());
    }

    @Test
    void shouldAnswerStorageErrorAsNotLeaderOrFollowerBeforeVersion6() {
        // given
        PartitionData v5 = FetchResponse.partitionResponse(0, Errors.KAFKA_STORAGE_ERROR);
        PartitionData v6 = FetchResponse.partitionResponse(0, Errors.KAFKA_STORAGE_ERROR);

        // when
        FetchHandler.downConvertStorageError(v5, (short) 5);
        FetchHandler.downConvertStorageError(v6, (short) 6);

        // then
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), v5.errorCode());
        assertEquals(Errors.KAFKA_STORAGE_ERROR.code(), v6.errorCode());
    }

    @Test
    void shouldReadCommittedLikeUncommittedWhenThereAreNoTransactions() {
        // given
        TestLogs.append(orders0, 2, 10);

        // when
        FetchResponseData response = fetch(LATEST, request(0, 0, partition(0, 0))
                .setIsolationLevel(IsolationLevel.READ_COMMITTED.id()));

        // then
        PartitionData data = response.responses().get(0).partitions().get(0);
        assertTrue(FetchResponse.recordsSize(data) > 0);
        assertEquals(2, data.lastStableOffset());
        assertTrue(data.abortedTransactions().isEmpty());
    }

    private FetchResponseData fetch(short version, FetchRequestData data) {
        CompletableFuture<ApiMessage> result = handler.handle(context(version, data)).toCompletableFuture();
        assertTrue(result.isDone(), "fetch should be answered at once");
        return (FetchResponseData) result.join();
    }

    private static FetchResponseData response(java.util.concurrent.CompletionStage<ApiMessage> stage) {
        CompletableFuture<ApiMessage> result = stage.toCompletableFuture();
        assertTrue(result.isDone());
        return (FetchResponseData) result.join();
    }

    private RequestContext context(short version, FetchRequestData data) {
        if (version >= 13) {
            for (FetchRequestData.FetchTopic topic : data.topics()) {
                if (topic.topicId().equals(Uuid.ZERO_UUID)) {
                    topic.setTopicId(ordersId);
                }
            }
        }
        RequestHeader header = new RequestHeader(ApiKeys.FETCH, version, "test-client", 1);
        return new RequestContext(header, new FetchRequest(data, version),
                new InetSocketAddress("127.0.0.1", 50000), System.nanoTime());
    }

    /** A request for partitions of "orders" (named by id from v13 on). */
    private static FetchRequestData request(int maxWaitMs, int minBytes, FetchRequestData.FetchPartition... partitions) {
        FetchRequestData data = new FetchRequestData()
                .setMaxWaitMs(maxWaitMs)
                .setMinBytes(minBytes)
                .setMaxBytes(Integer.MAX_VALUE)
                .setSessionId(FetchMetadata.INVALID_SESSION_ID)
                .setSessionEpoch(FetchMetadata.FINAL_EPOCH);
        if (partitions.length > 0) {
            data.topics().add(new FetchRequestData.FetchTopic().setTopic("orders")
                    .setPartitions(new ArrayList<>(List.of(partitions))));
        }
        return data;
    }

    private static FetchRequestData.FetchPartition partition(int partition, long fetchOffset) {
        return new FetchRequestData.FetchPartition()
                .setPartition(partition)
                .setFetchOffset(fetchOffset)
                .setPartitionMaxBytes(1024 * 1024)
                .setCurrentLeaderEpoch(-1)
                .setLastFetchedEpoch(-1);
    }

    /** Topics and logs held in maps. */
    private static final class FakeLookup implements PartitionLookup {

        private final Map<Uuid, TopicMetadata> topics = new ConcurrentHashMap<>();
        private final Map<String, Uuid> topicIds = new ConcurrentHashMap<>();
        private final Map<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();

        PartitionLog add(PartitionLog log) {
            logs.put(log.topicPartition(), log);
            return log;
        }

        void addTopic(TopicMetadata topic) {
            topics.put(topic.topicId(), topic);
            topicIds.put(topic.name(), topic.topicId());
        }

        @Override
        public Optional<TopicMetadata> topic(Uuid topicId) {
            return Optional.ofNullable(topics.get(topicId));
        }

        @Override
        public Optional<PartitionLog> log(TopicPartition topicPartition) {
            return Optional.ofNullable(logs.get(topicPartition));
        }
    }
}
