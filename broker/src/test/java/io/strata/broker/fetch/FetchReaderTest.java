package io.strata.broker.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.log.PartitionLog;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetchReaderTest {

    private static final int NO_LIMIT = Integer.MAX_VALUE;

    @TempDir
    Path dir;

    private TestLogs logs;
    private PartitionLog orders;
    private PartitionLog payments;

    @BeforeEach
    void setUp() {
        logs = new TestLogs(dir);
        orders = logs.create("orders", 0, Uuid.randomUuid());
        payments = logs.create("payments", 0, Uuid.randomUuid());
    }

    @AfterEach
    void tearDown() {
        logs.close();
    }

    @Test
    void shouldReturnFileRecordsSliceWhenPartitionHasRecords() {
        // given
        MemoryRecords appended = TestLogs.append(orders, 3, 100);

        // when
        PartitionData data = read(params(NO_LIMIT, IsolationLevel.READ_UNCOMMITTED), target(orders, 0, NO_LIMIT))
                .get(key(orders));

        // then
        assertEquals(Errors.NONE.code(), data.errorCode());
        assertInstanceOf(FileRecords.class, data.records());
        assertEquals(appended.sizeInBytes(), data.records().sizeInBytes());
        assertEquals(3, data.highWatermark());
        assertEquals(3, data.lastStableOffset());
        assertEquals(0, data.logStartOffset());
        assertEquals(FetchResponse.INVALID_PREFERRED_REPLICA_ID, data.preferredReadReplica());
        assertNull(data.abortedTransactions());
        assertFalse(FetchResponse.isDivergingEpoch(data));
    }

    @Test
    void shouldReturnEmptyAbortedTransactionsWhenReadCommitted() {
        // given
        TestLogs.append(orders, 1, 10);

        // when
        PartitionData data = read(params(NO_LIMIT, IsolationLevel.READ_COMMITTED), target(orders, 0, NO_LIMIT))
                .get(key(orders));

        // then
        assertNotNull(data.abortedTransactions());
        assertTrue(data.abortedTransactions().isEmpty());
        assertTrue(FetchResponse.recordsSize(data) > 0);
    }

    @Test
    void shouldStopAtPartitionMaxBytesWhenPartitionHasMore() {
        // given
        int batchBytes = TestLogs.append(orders, 1, 500).sizeInBytes();
        TestLogs.append(orders, 1, 500);
        TestLogs.append(orders, 1, 500);

        // when
        PartitionData data = read(params(NO_LIMIT, IsolationLevel.READ_UNCOMMITTED),
                target(orders, 0, batchBytes + 10)).get(key(orders));

        // then
        assertTrue(data.records().sizeInBytes() <= batchBytes + 10);
        assertTrue(data.records().sizeInBytes() >= batchBytes);
    }

    @Test
    void shouldReturnWholeFirstBatchWhenItIsLargerThanMaxBytes() {
        // given
        int batchBytes = TestLogs.append(orders, 1, 2000).sizeInBytes();
        TestLogs.append(payments, 1, 10);

        // when
        Map<FetchKey, PartitionData> results = read(params(100, IsolationLevel.READ_UNCOMMITTED),
                target(orders, 0, 50), target(payments, 0, NO_LIMIT));

        // then
        assertEquals(batchBytes, FetchResponse.recordsSize(results.get(key(orders))));
        assertEquals(0, FetchResponse.recordsSize(results.get(key(payments))));
        assertEquals(1, results.get(key(payments)).highWatermark());
    }

    @Test
    void shouldGiveFirstBatchRuleToFirstPartitionWithRecordsWhenEarlierOnesAreEmpty() {
        // given
        int batchBytes = TestLogs.append(payments, 1, 2000).sizeInBytes();

        // when
        Map<FetchKey, PartitionData> results = read(params(100, IsolationLevel.READ_UNCOMMITTED),
                target(orders, 0, NO_LIMIT), target(payments, 0, 50));

        // then
        assertEquals(0, FetchResponse.recordsSize(results.get(key(orders))));
        assertEquals(batchBytes, FetchResponse.recordsSize(results.get(key(payments))));
    }

    @Test
    void shouldShareResponseMaxBytesAcrossPartitions() {
        // given
        int batchBytes = TestLogs.append(orders, 1, 300).sizeInBytes();
        TestLogs.append(payments, 1, 300);

        // when
        Map<FetchKey, PartitionData> results = read(params(batchBytes, IsolationLevel.READ_UNCOMMITTED),
                target(orders, 0, NO_LIMIT), target(payments, 0, NO_LIMIT));

        // then
        assertEquals(batchBytes, FetchResponse.recordsSize(results.get(key(orders))));
        assertEquals(0, FetchResponse.recordsSize(results.get(key(payments))));
    }

    @Test
    void shouldAnswerOffsetOutOfRangeWithUnknownOffsetsWhenOffsetIsPastTheEnd() {
        // given
        TestLogs.append(orders, 2, 10);

        // when
        PartitionData data = read(params(NO_LIMIT, IsolationLevel.READ_UNCOMMITTED), target(orders, 3, NO_LIMIT))
                .get(key(orders));

        // then
        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), data.errorCode());
        assertEquals(-1, data.highWatermark());
        assertEquals(-1, data.lastStableOffset());
        assertEquals(-1, data.logStartOffset());
        assertEquals(0, FetchResponse.recordsSize(data));
    }

    @Test
    void shouldAnswerOffsetOutOfRangeWhenOffsetIsBelowLogStart() {
        // given
        TestLogs.append(orders, 5, 10);
        orders.deleteRecordsBefore(3);

        // when
        PartitionData data = read(params(NO_LIMIT, IsolationLevel.READ_UNCOMMITTED), target(orders, 1, NO_LIMIT))
                .get(key(orders));

        // then
        assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), data.errorCode());
    }

    @Test
    void shouldReportDivergingEpochWhenLastFetchedEpochEndsBeforeFetchOffset() {
        // given
        TestLogs.append(orders, 2, 10);
        PartitionFetch fetch = new PartitionFetch(key(orders), 5, NO_LIMIT, -1, 0);

        // when
        PartitionData data = FetchReader.read(List.of(new ReadTarget(fetch, orders)),
                params(NO_LIMIT, IsolationLevel.READ_UNCOMMITTED)).get(key(orders));

        // then
        assertEquals(Errors.NONE.code(), data.errorCode());
        assertEquals(0, data.divergingEpoch().epoch());
        assertEquals(2, data.divergingEpoch().endOffset());
        assertTrue(FetchReader.isSatisfied(Map.of(key(orders), data), Integer.MAX_VALUE));
    }

    @Test
    void shouldAnswerUnknownLeaderEpochWhenClientEpochIsNewer() {
        // given
        PartitionFetch fetch = new PartitionFetch(key(orders), 0, NO_LIMIT, 1, -1);

        // when
        PartitionData data = FetchReader.read(List.of(new ReadTarget(fetch, orders)),
                params(NO_LIMIT, IsolationLevel.READ_UNCOMMITTED)).get(key(orders));

        // then
        assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), data.errorCode());
    }

    @Test
    void shouldBeSatisfiedOnlyWhenMinBytesArrivedOrAPartitionFailed() {
        // given
        TestLogs.append(orders, 1, 100);
        LinkedHashMap<FetchKey, PartitionData> results = read(params(NO_LIMIT, IsolationLevel.READ_UNCOMMITTED),
                target(orders, 0, NO_LIMIT), target(payments, 0, NO_LIMIT));
        int bytes = FetchResponse.recordsSize(results.get(key(orders)));

        // when
        boolean enough = FetchReader.isSatisfied(results, bytes);
        boolean tooFew = FetchReader.isSatisfied(results, bytes + 1);
        results.put(key(payments), FetchResponse.partitionResponse(0, Errors.KAFKA_STORAGE_ERROR));
        boolean failed = FetchReader.isSatisfied(results, bytes + 1);

        // then
        assertTrue(enough);
        assertFalse(tooFew);
        assertTrue(failed);
    }

    private static LinkedHashMap<FetchKey, PartitionData> read(FetchParams params, ReadTarget... targets) {
        return FetchReader.read(List.of(targets), params);
    }

    private static FetchParams params(int maxBytes, IsolationLevel isolationLevel) {
        return new FetchParams(0, 1, maxBytes, isolationLevel, 0);
    }

    private static ReadTarget target(PartitionLog log, long fetchOffset, int maxBytes) {
        return new ReadTarget(new PartitionFetch(key(log), fetchOffset, maxBytes, -1, -1), log);
    }

    private static FetchKey key(PartitionLog log) {
        return FetchKey.byName(log.topicPartition().topic(), log.topicPartition().partition());
    }
}
