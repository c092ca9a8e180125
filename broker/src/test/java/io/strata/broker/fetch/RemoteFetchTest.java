package io.strata.broker.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.log.PartitionLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetches of partitions in the remote tier: the first read marks them and reserves their share of
 * the byte limit, {@link RemoteFetch} reads them all at once and answers when they are done or at
 * {@code remote.fetch.max.wait.ms}, never cancelling a read in flight.
 */
class RemoteFetchTest {

    private static final long MAX_WAIT_MS = 500;

    @TempDir
    Path dir;

    private TestLogs logs;
    private PartitionLog history;
    private PartitionLog archive;
    private PartitionLog orders;
    private final ManualTimer timer = new ManualTimer();
    private final Map<Long, CompletableFuture<MemoryRecords>> reads = new LinkedHashMap<>();
    private final RemoteTierReader remote = (log, fetchOffset, maxBytes, minOneMessage) ->
            reads.computeIfAbsent((long) log.topicPartition().partition(), p -> new CompletableFuture<>());

    @BeforeEach
    void setUp() {
        logs = new TestLogs(dir);
        history = logs.createTiered("history", 0, 3, 2);
        archive = logs.createTiered("history", 1, 3, 2);
        orders = logs.create("orders", 0, Uuid.randomUuid());
        TestLogs.append(orders, 5, 100);
    }

    @AfterEach
    void tearDown() {
        logs.close();
    }

    @Test
    void shouldMarkRemotePartitionsAndReserveTheirShareOfTheLimit() {
        // given
        assertTrue(history.isInRemoteTier(0));
        List<FetchReader.RemoteRead> remoteReads = new ArrayList<>();
        int limit = 1000;

        // when: the remote partition first, a local one after it
        LinkedHashMap<FetchKey, PartitionData> read = FetchReader.read(
                List.of(target(history, 0, 600), target(orders, 0, 600)), params(limit), remoteReads);

        // then
        assertEquals(1, remoteReads.size());
        FetchReader.RemoteRead remoteRead = remoteReads.get(0);
        assertEquals(600, remoteRead.maxBytes());
        assertTrue(remoteRead.minOneMessage());
        PartitionData historyData = read.get(key(history));
        assertEquals(Errors.NONE.code(), historyData.errorCode());
        assertEquals(0, FetchResponse.recordsSize(historyData));
        assertEquals(0L, historyData.logStartOffset());
        assertEquals(history.highWatermark(), historyData.highWatermark());
        // 400 bytes are left for orders, less than its batch, and a batch was promised already: nothing.
        assertEquals(0, FetchResponse.recordsSize(read.get(key(orders))));
    }

    @Test
    void shouldAnswerWithEveryRemotePartitionOnceAllReadsAreDone() throws Exception {
        // given
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = start(history, archive);

        // when
        MemoryRecords first = records("first");
        MemoryRecords second = records("second");
        reads.get(1L).complete(second);
        assertFalse(result.isDone(), "waits for every remote read");
        reads.get(0L).complete(first);

        // then
        LinkedHashMap<FetchKey, PartitionData> response = result.get();
        assertEquals(first, response.get(key(history)).records());
        assertEquals(second, response.get(key(archive)).records());
        assertEquals(0, timer.pending(), "the wait timer is cancelled");
    }

    @Test
    void shouldAnswerAtTheMaxWaitWithoutCancellingAReadInFlight() throws Exception {
        // given
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = start(history, archive);
        reads.get(0L).complete(records("done"));

        // when
        timer.advance(MAX_WAIT_MS);

        // then: the slow partition is answered without records and its read goes on (it fills the cache)
        LinkedHashMap<FetchKey, PartitionData> response = result.get();
        assertEquals(records("done"), response.get(key(history)).records());
        PartitionData slow = response.get(key(archive));
        assertEquals(Errors.NONE.code(), slow.errorCode());
        assertEquals(0, FetchResponse.recordsSize(slow));
        assertFalse(reads.get(1L).isCancelled());
        reads.get(1L).complete(records("late"));
        assertEquals(0, FetchResponse.recordsSize(response.get(key(archive))), "a late read changes no answer");
    }

    @Test
    void shouldAnswerAFailedRemoteReadWithItsPartitionError() throws Exception {
        // given
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = start(history, archive);

        // when
        reads.get(0L).completeExceptionally(new KafkaStorageException("bucket unreachable"));
        reads.get(1L).complete(records("fine"));

        // then
        LinkedHashMap<FetchKey, PartitionData> response = result.get();
        assertEquals(Errors.KAFKA_STORAGE_ERROR.code(), response.get(key(history)).errorCode());
        assertEquals(Errors.NONE.code(), response.get(key(archive)).errorCode());
    }

    @Test
    void shouldAnswerKafkaStorageErrorWithoutARemoteTier() throws Exception {
        // given
        List<FetchReader.RemoteRead> remoteReads = new ArrayList<>();
        LinkedHashMap<FetchKey, PartitionData> read = FetchReader.read(List.of(target(history, 1, 600)),
                params(1000), remoteReads);
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = new CompletableFuture<>();

        // when
        RemoteFetch.start(read, remoteReads, RemoteTierReader.UNAVAILABLE, timer, MAX_WAIT_MS, result);

        // then
        assertEquals(Errors.KAFKA_STORAGE_ERROR.code(), result.get().get(key(history)).errorCode());
    }

    private CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> start(PartitionLog... tiered) {
        List<ReadTarget> targets = new ArrayList<>();
        for (PartitionLog log : tiered) {
            targets.add(target(log, 0, 600));
        }
        List<FetchReader.RemoteRead> remoteReads = new ArrayList<>();
        LinkedHashMap<FetchKey, PartitionData> read = FetchReader.read(targets, params(10_000), remoteReads);
        assertEquals(tiered.length, remoteReads.size());
        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result = new CompletableFuture<>();
        RemoteFetch.start(read, remoteReads, remote, timer, MAX_WAIT_MS, result);
        assertEquals(tiered.length, reads.size(), "every remote read starts at once");
        return result;
    }

    private static MemoryRecords records(String value) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(value.getBytes()));
    }

    private static FetchParams params(int maxBytes) {
        return new FetchParams(0, 1, maxBytes, IsolationLevel.READ_UNCOMMITTED, 0);
    }

    private static ReadTarget target(PartitionLog log, long fetchOffset, int maxBytes) {
        return new ReadTarget(new PartitionFetch(key(log), fetchOffset, maxBytes, -1, -1), log);
    }

    private static FetchKey key(PartitionLog log) {
        return FetchKey.byName(log.topicPartition().topic(), log.topicPartition().partition());
    }
}
