package io.strata.broker.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.Test;

class FetchSessionCacheTest {

    private static final long EVICTION_MS = 120_000L;
    private static final FetchKey P0 = FetchKey.byName("orders", 0);
    private static final FetchKey P1 = FetchKey.byName("orders", 1);
    private static final FetchKey P2 = FetchKey.byName("payments", 0);

    private final ManualTime time = new ManualTime();
    private final FetchSessionCache cache = new FetchSessionCache(10, EVICTION_MS, time);

    @Test
    void shouldCreateSessionWhenFullRequestHasInitialEpoch() {
        // given
        FetchContext context = cache.newContext(FetchMetadata.INITIAL, false, request(fetch(P0, 5), fetch(P1, 7)), List.of());

        // when
        FetchResponseData response = context.response(results(P0, data(10, 0), P1, data(10, 0)));

        // then
        assertInstanceOf(FetchContext.Full.class, context);
        assertNotEquals(FetchMetadata.INVALID_SESSION_ID, response.sessionId());
        assertEquals(Errors.NONE.code(), response.errorCode());
        assertEquals(List.of(P0, P1), keys(response));
        assertEquals(1, cache.size());
        assertEquals(2, cache.totalPartitions());
    }

    @Test
    void shouldNotCreateSessionWhenEpochIsFinal() {
        // given
        FetchContext context = cache.newContext(FetchMetadata.LEGACY, false, request(fetch(P0, 5)), List.of());

        // when
        FetchResponseData response = context.response(results(P0, data(10, 0)));

        // then
        assertInstanceOf(FetchContext.Sessionless.class, context);
        assertEquals(FetchMetadata.INVALID_SESSION_ID, response.sessionId());
        assertEquals(List.of(P0), keys(response));
        assertEquals(0, cache.size());
    }

    @Test
    void shouldCloseSessionWhenFullRequestWithFinalEpochNamesIt() {
        // given
        int sessionId = newSession(fetch(P0, 0));

        // when
        FetchContext context = cache.newContext(new FetchMetadata(sessionId, FetchMetadata.FINAL_EPOCH), false,
                request(fetch(P0, 3)), List.of());

        // then
        assertInstanceOf(FetchContext.Sessionless.class, context);
        assertEquals(0, cache.size());
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND, error(cache.newContext(
                new FetchMetadata(sessionId, 1), false, request(), List.of())));
    }

    @Test
    void shouldReplaceSessionWhenFullRequestWithInitialEpochNamesIt() {
        // given
        int sessionId = newSession(fetch(P0, 0));

        // when
        FetchContext context = cache.newContext(new FetchMetadata(sessionId, FetchMetadata.INITIAL_EPOCH), false,
                request(fetch(P0, 3)), List.of());
        int newSessionId = context.response(results(P0, data(10, 0))).sessionId();

        // then
        assertNotEquals(sessionId, newSessionId);
        assertEquals(1, cache.size());
    }

    @Test
    void shouldReadEverySessionPartitionWhenIncrementalRequestListsNone() {
        // given
        int sessionId = newSession(fetch(P0, 5), fetch(P1, 7));

        // when
        FetchContext context = cache.newContext(new FetchMetadata(sessionId, 1), false, request(), List.of());

        // then
        assertInstanceOf(FetchContext.Incremental.class, context);
        assertEquals(List.of(fetch(P0, 5), fetch(P1, 7)), context.partitions());
    }

    @Test
    void shouldOmitUnchangedPartitionsWhenResponseIsIncremental() {
        // given
        int sessionId = newSession(fetch(P0, 5), fetch(P1, 7));
        FetchContext context = cache.newContext(new FetchMetadata(sessionId, 1), false, request(), List.of());

        // when
        FetchResponseData response = context.response(results(P0, data(10, 0), P1, data(11, 0)));

        // then
        assertEquals(sessionId, response.sessionId());
        assertEquals(List.of(P1), keys(response));
    }

    @Test
    void shouldIncludePartitionWhenItHasRecordsErrorOrNewLogStartOffset() {
        // given
        int sessionId = newSession(fetch(P0, 5), fetch(P1, 7), fetch(P2, 0));
        FetchContext context = cache.newContext(new FetchMetadata(sessionId, 1), false, request(), List.of());

        // when
        FetchResponseData response = context.response(results(
                P0, data(10, 0).setRecords(oneRecord()),
                P1, data(10, 3),
                P2, FetchResponse.partitionResponse(0, Errors.OFFSET_OUT_OF_RANGE)));

        // then
        assertEquals(List.of(P0, P1, P2), keys(response));
    }

    @Test
    void shouldResendPartitionWhenItsErrorClears() {
        // given
        int sessionId = newSession(fetch(P0, 5));
        cache.newContext(new FetchMetadata(sessionId, 1), false, request(), List.of())
                .response(results(P0, FetchResponse.partitionResponse(0, Errors.UNKNOWN_LEADER_EPOCH)));
        FetchContext context = cache.newContext(new FetchMetadata(sessionId, 2), false, request(), List.of());

        // when
        FetchResponseData response = context.response(results(P0, data(10, 0)));

        // then
        assertEquals(List.of(P0), keys(response));
    }

    @Test
    void shouldApplyAddedUpdatedAndForgottenPartitionsWhenIncremental() {
        // given
        int sessionId = newSession(fetch(P0, 5), fetch(P1, 7));

        // when
        FetchContext context = cache.newContext(new FetchMetadata(sessionId, 1), false,
                request(fetch(P0, 9), fetch(P2, 1)), List.of(P1));

        // then
        assertEquals(List.of(fetch(P0, 9), fetch(P2, 1)), context.partitions());
        assertEquals(2, cache.totalPartitions());
    }

    @Test
    void shouldAnswerInvalidEpochWhenIncrementalEpochIsNotTheSessions() {
        // given
        int sessionId = newSession(fetch(P0, 5));

        // when
        FetchContext context = cache.newContext(new FetchMetadata(sessionId, 2), false, request(), List.of());
        FetchResponseData response = context.response(new LinkedHashMap<>());

        // then
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH, error(context));
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH.code(), response.errorCode());
        assertEquals(FetchMetadata.INVALID_SESSION_ID, response.sessionId());
        assertTrue(response.responses().isEmpty());
    }

    @Test
    void shouldAnswerInvalidEpochWhenTheSameEpochIsSentTwice() {
        // given
        int sessionId = newSession(fetch(P0, 5));
        cache.newContext(new FetchMetadata(sessionId, 1), false, request(), List.of());

        // when
        FetchContext duplicate = cache.newContext(new FetchMetadata(sessionId, 1), false, request(), List.of());

        // then
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH, error(duplicate));
    }

    @Test
    void shouldAnswerInvalidEpochWhenALaterRequestOvertookTheResponse() {
        // given
        int sessionId = newSession(fetch(P0, 5));
        FetchContext first = cache.newContext(new FetchMetadata(sessionId, 1), false, request(), List.of());
        cache.newContext(new FetchMetadata(sessionId, 2), false, request(), List.of());

        // when
        FetchResponseData response = first.response(results(P0, data(11, 0)));

        // then
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH.code(), response.errorCode());
        assertEquals(sessionId, response.sessionId());
        assertTrue(response.responses().isEmpty());
    }

    @Test
    void shouldAnswerSessionIdNotFoundWhenSessionIsUnknown() {
        // when
        FetchContext context = cache.newContext(new FetchMetadata(12345, 1), false, request(fetch(P0, 0)), List.of());

        // then
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND, error(context));
        assertTrue(context.partitions().isEmpty());
    }

    @Test
    void shouldAnswerTopicIdErrorWhenRequestVersionSwitchesBetweenNamesAndIds() {
        // given
        int sessionId = newSession(fetch(P0, 5));

        // when
        FetchContext context = cache.newContext(new FetchMetadata(sessionId, 1), true, request(), List.of());

        // then
        assertEquals(Errors.FETCH_SESSION_TOPIC_ID_ERROR, error(context));
    }

    @Test
    void shouldKeySessionByTopicIdWhenRequestUsesTopicIds() {
        // given
        Uuid topicId = Uuid.randomUuid();
        FetchKey byId0 = FetchKey.byId(topicId, 0);
        FetchKey byId1 = FetchKey.byId(topicId, 1);
        FetchContext full = cache.newContext(FetchMetadata.INITIAL, true, request(fetch(byId0, 0), fetch(byId1, 0)),
                List.of());
        FetchResponseData created = full.response(results(byId0, data(3, 0), byId1, data(3, 0)));

        // when
        FetchContext context = cache.newContext(new FetchMetadata(created.sessionId(), 1), true,
                request(fetch(byId0, 3)), List.of(byId1));
        FetchResponseData response = context.response(results(byId0, data(3, 0).setRecords(oneRecord())));

        // then
        assertEquals(List.of(fetch(byId0, 3)), context.partitions());
        assertEquals(topicId, response.responses().get(0).topicId());
        assertEquals(List.of(byId0), keys(response));
    }

    @Test
    void shouldCloseSessionWhenIncrementalRequestForgetsEveryPartition() {
        // given
        int sessionId = newSession(fetch(P0, 5));

        // when
        FetchContext context = cache.newContext(new FetchMetadata(sessionId, 1), false, request(), List.of(P0));

        // then
        assertInstanceOf(FetchContext.Sessionless.class, context);
        assertEquals(0, cache.size());
        assertEquals(0, cache.totalPartitions());
    }

    @Test
    void shouldMovePartitionsThatReturnedRecordsToTheEndOfTheSession() {
        // given
        int sessionId = newSession(fetch(P0, 5), fetch(P1, 7), fetch(P2, 0));
        cache.newContext(new FetchMetadata(sessionId, 1), false, request(), List.of())
                .response(results(P0, data(10, 0).setRecords(oneRecord()), P1, data(10, 0), P2, data(10, 0)));

        // when
        FetchContext context = cache.newContext(new FetchMetadata(sessionId, 2), false, request(), List.of());

        // then
        assertEquals(List.of(P1, P2, P0), context.partitions().stream().map(PartitionFetch::key).toList());
    }

    @Test
    void shouldNotCreateSessionWhenCacheIsFullOfRecentSessions() {
        // given
        FetchSessionCache small = new FetchSessionCache(1, EVICTION_MS, time);
        small.newContext(FetchMetadata.INITIAL, false, request(fetch(P0, 0)), List.of())
                .response(results(P0, data(1, 0)));

        // when
        FetchResponseData response = small.newContext(FetchMetadata.INITIAL, false,
                request(fetch(P0, 0), fetch(P1, 0)), List.of()).response(results(P0, data(1, 0), P1, data(1, 0)));

        // then
        assertEquals(FetchMetadata.INVALID_SESSION_ID, response.sessionId());
        assertEquals(List.of(P0, P1), keys(response));
        assertEquals(1, small.size());
    }

    @Test
    void shouldEvictLeastRecentlyUsedSessionWhenItIsStale() {
        // given
        FetchSessionCache small = new FetchSessionCache(1, EVICTION_MS, time);
        int stale = small.newContext(FetchMetadata.INITIAL, false, request(fetch(P0, 0), fetch(P1, 0)), List.of())
                .response(results(P0, data(1, 0), P1, data(1, 0))).sessionId();
        time.advance(EVICTION_MS + 1);

        // when
        int created = small.newContext(FetchMetadata.INITIAL, false, request(fetch(P2, 0)), List.of())
                .response(results(P2, data(1, 0))).sessionId();

        // then
        assertNotEquals(FetchMetadata.INVALID_SESSION_ID, created);
        assertEquals(1, small.evictions());
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND,
                error(small.newContext(new FetchMetadata(stale, 1), false, request(), List.of())));
    }

    @Test
    void shouldEvictOldSmallerSessionWhenNewSessionHasMorePartitions() {
        // given
        FetchSessionCache small = new FetchSessionCache(1, EVICTION_MS, time);
        int old = small.newContext(FetchMetadata.INITIAL, false, request(fetch(P0, 0)), List.of())
                .response(results(P0, data(1, 0))).sessionId();
        time.advance(EVICTION_MS + 1);
        small.newContext(new FetchMetadata(old, 1), false, request(), List.of()).response(results(P0, data(1, 0)));
        FetchResponseData sameSize = small.newContext(FetchMetadata.INITIAL, false, request(fetch(P1, 0)), List.of())
                .response(results(P1, data(1, 0)));

        // when
        FetchResponseData larger = small.newContext(FetchMetadata.INITIAL, false,
                request(fetch(P1, 0), fetch(P2, 0)), List.of()).response(results(P1, data(1, 0), P2, data(1, 0)));

        // then
        assertEquals(FetchMetadata.INVALID_SESSION_ID, sameSize.sessionId());
        assertNotEquals(FetchMetadata.INVALID_SESSION_ID, larger.sessionId());
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND,
                error(small.newContext(new FetchMetadata(old, 2), false, request(), List.of())));
    }

    @Test
    void shouldNotEvictRecentlyCreatedSessionForALargerOne() {
        // given
        FetchSessionCache small = new FetchSessionCache(1, EVICTION_MS, time);
        small.newContext(FetchMetadata.INITIAL, false, request(fetch(P0, 0)), List.of())
                .response(results(P0, data(1, 0)));
        time.advance(EVICTION_MS / 2);

        // when
        FetchResponseData larger = small.newContext(FetchMetadata.INITIAL, false,
                request(fetch(P1, 0), fetch(P2, 0)), List.of()).response(results(P1, data(1, 0), P2, data(1, 0)));

        // then
        assertEquals(FetchMetadata.INVALID_SESSION_ID, larger.sessionId());
        assertEquals(0, small.evictions());
    }

    private int newSession(PartitionFetch... fetches) {
        LinkedHashMap<FetchKey, PartitionData> results = new LinkedHashMap<>();
        for (PartitionFetch fetch : fetches) {
            results.put(fetch.key(), data(10, 0));
        }
        int sessionId = cache.newContext(FetchMetadata.INITIAL, false, request(fetches), List.of())
                .response(results).sessionId();
        assertNotEquals(FetchMetadata.INVALID_SESSION_ID, sessionId);
        return sessionId;
    }

    private static PartitionFetch fetch(FetchKey key, long fetchOffset) {
        return new PartitionFetch(key, fetchOffset, 1024, -1, -1);
    }

    private static LinkedHashMap<FetchKey, PartitionFetch> request(PartitionFetch... fetches) {
        LinkedHashMap<FetchKey, PartitionFetch> request = new LinkedHashMap<>();
        for (PartitionFetch fetch : fetches) {
            request.put(fetch.key(), fetch);
        }
        return request;
    }

    private static PartitionData data(long highWatermark, long logStartOffset) {
        return new PartitionData()
                .setHighWatermark(highWatermark)
                .setLastStableOffset(highWatermark)
                .setLogStartOffset(logStartOffset)
                .setRecords(MemoryRecords.EMPTY);
    }

    private static LinkedHashMap<FetchKey, PartitionData> results(Object... keysAndData) {
        LinkedHashMap<FetchKey, PartitionData> results = new LinkedHashMap<>();
        for (int i = 0; i < keysAndData.length; i += 2) {
            results.put((FetchKey) keysAndData[i], (PartitionData) keysAndData[i + 1]);
        }
        return results;
    }

    private static MemoryRecords oneRecord() {
        return MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("value".getBytes(StandardCharsets.UTF_8)));
    }

    private static Errors error(FetchContext context) {
        return ((FetchContext.SessionError) context).error();
    }

    private static List<FetchKey> keys(FetchResponseData response) {
        List<FetchKey> keys = new ArrayList<>();
        for (FetchResponseData.FetchableTopicResponse topic : response.responses()) {
            for (PartitionData partition : topic.partitions()) {
                keys.add(new FetchKey(topic.topicId(), topic.topic(), partition.partitionIndex()));
            }
        }
        return keys;
    }
}
