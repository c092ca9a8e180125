package io.strata.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.fetch.ManualTime;
import io.strata.broker.fetch.TestLogs;
import io.strata.broker.group.OffsetsPartition.Status;
import io.strata.broker.group.OffsetsTopicRecords.Entry;
import io.strata.broker.group.OffsetsTopicRecords.GroupMetadata;
import io.strata.broker.group.OffsetsTopicRecords.GroupTombstone;
import io.strata.broker.group.OffsetsTopicRecords.OffsetCommit;
import io.strata.broker.group.OffsetsTopicRecords.OffsetTombstone;
import io.strata.storage.log.PartitionLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One {@code __consumer_offsets} partition on a real log: writes, reload, the bounded-log rewrite, failures. */
class OffsetsPartitionTest {

    private static final TopicPartition OFFSETS_TP = new TopicPartition("__consumer_offsets", 0);
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime();
    private final ExecutorService storageThread = Executors.newSingleThreadExecutor();
    private final ExecutorService coordinatorThread = Executors.newSingleThreadExecutor();
    private TestLogs logs;

    @AfterEach
    void close() throws InterruptedException {
        storageThread.shutdown();
        coordinatorThread.shutdown();
        storageThread.awaitTermination(10, TimeUnit.SECONDS);
        if (logs != null) {
            logs.close();
        }
    }

    private PartitionLog log() {
        logs = new TestLogs(dir);
        return logs.create(OFFSETS_TP.topic(), 0, Uuid.randomUuid());
    }

    private OffsetsPartition partition(PartitionLog log, long rewriteThresholdBytes, Status status) {
        return new OffsetsPartition(OFFSETS_TP, log, storageThread, coordinatorThread, time, rewriteThresholdBytes,
                status);
    }

    @Test
    void shouldReplaySameStateWhenPartitionIsLoadedAgain() {
        // given: commits, a tombstone, group metadata and a deleted group written to the log
        PartitionLog log = log();
        OffsetsPartition writer = partition(log, Long.MAX_VALUE, Status.ACTIVE);
        StoredGroup group = new StoredGroup("g1", "consumer", 3, "range", null, 5, List.of());
        writer.write(List.of(commit("g1", TP, 10), commit("g1", new TopicPartition("orders", 1), 20),
                new GroupMetadata(group), commit("g2", TP, 7))).join();
        writer.write(List.of(new OffsetTombstone("g1", new TopicPartition("orders", 1)), commit("g1", TP, 11),
                new GroupTombstone("g2"), new OffsetTombstone("g2", TP), new GroupMetadata(
                        new StoredGroup("g3", "", 0, null, null, 1, List.of())))).join();

        // when
        OffsetsPartition reloaded = partition(log, Long.MAX_VALUE, Status.LOADING);
        PartitionState state = reloaded.load().join();

        // then
        assertEquals(Status.ACTIVE, reloaded.status());
        assertEquals(Map.of(TP, offset(11)), state.offsets("g1"));
        assertEquals(group, state.storedGroup("g1"));
        assertEquals(Map.of(), state.offsets("g2"));
        assertNull(state.storedGroup("g2"));
        assertEquals(Set.of("g1", "g3"), state.groupIds());
    }

    @Test
    void shouldRewriteLiveStateAndTrimLogWhenItGrewBeyondThreshold() {
        // given: a threshold a few batches big
        PartitionLog log = log();
        OffsetsPartition writer = partition(log, 2000, Status.ACTIVE);
        writer.write(List.of(new GroupMetadata(new StoredGroup("g", "consumer", 1, null, null, 1, List.of())))).join();

        // when: the same offset is committed again and again
        for (int i = 1; i <= 200; i++) {
            writer.write(List.of(commit("g", TP, i))).join();
        }
        writer.afterPendingWrites().join();

        // then: the log start moved up, only the live records are left at most a threshold behind
        assertTrue(log.logStartOffset() > 0, "log start offset " + log.logStartOffset());
        assertTrue(log.logEndOffset() - log.logStartOffset() < 50, "records left "
                + (log.logEndOffset() - log.logStartOffset()));
        PartitionState reloaded = partition(log, Long.MAX_VALUE, Status.LOADING).load().join();
        assertEquals(Map.of(TP, offset(200)), reloaded.offsets("g"));
        assertEquals(1, reloaded.storedGroup("g").generationId());
    }

    @Test
    void shouldCutRewriteIntoBatchesWhenLiveStateIsLarge() {
        // given
        List<Entry> live = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            live.add(commit("g", new TopicPartition("t", i), i));
        }

        // when
        var batches = OffsetsPartition.rewriteBatches(live, 1, 10_000);

        // then
        assertTrue(batches.size() > 1, "batches: " + batches.size());
        batches.forEach(batch -> assertTrue(batch.sizeInBytes() <= 11_000, "batch of " + batch.sizeInBytes()));
        assertEquals(1000, batches.stream().mapToInt(batch -> {
            int count = 0;
            for (var ignored : batch.records()) {
                count++;
            }
            return count;
        }).sum());
    }

    @Test
    void shouldFailPartitionWhenAppendFails() {
        // given: a log closed under the partition (a failed disk closes it)
        PartitionLog log = log();
        OffsetsPartition writer = partition(log, Long.MAX_VALUE, Status.ACTIVE);
        log.close();

        // when
        CompletionException failure = assertThrows(CompletionException.class,
                () -> writer.write(List.of(commit("g", TP, 1))).join());

        // then
        assertEquals(Status.FAILED, writer.status());
        assertTrue(failure.getCause() != null);
        CompletionException next = assertThrows(CompletionException.class,
                () -> writer.write(List.of(commit("g", TP, 2))).join());
        assertInstanceOf(CoordinatorNotAvailableException.class, next.getCause());
        assertThrows(CompletionException.class, () -> writer.pendingWrites().join());
    }

    @Test
    void shouldRefuseWithoutApplyingWhenBatchIsLargerThanMaxMessageBytes() {
        // given
        OffsetsPartition writer = partition(log(), Long.MAX_VALUE, Status.ACTIVE);
        List<Entry> huge = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            huge.add(commit("g", new TopicPartition("a-rather-long-topic-name-" + i, i), i));
        }

        // when
        CompletableFuture<Void> write = writer.write(huge);

        // then
        CompletionException failure = assertThrows(CompletionException.class, write::join);
        assertInstanceOf(RecordTooLargeException.class, failure.getCause());
        assertEquals(Map.of(), writer.state().offsets("g"));
        assertEquals(Status.ACTIVE, writer.status());
    }

    @Test
    void shouldFailLoadWhenLogHoldsRecordsThatAreNotCoordinatorRecords() {
        // given: something else appended to the partition
        PartitionLog log = log();
        TestLogs.append(log, 3, 10);

        // when
        OffsetsPartition partition = partition(log, Long.MAX_VALUE, Status.LOADING);

        // then
        assertThrows(CompletionException.class, () -> partition.load().join());
        assertEquals(Status.FAILED, partition.status());
    }

    private static OffsetCommit commit(String group, TopicPartition tp, long offset) {
        return new OffsetCommit(group, tp, offset(offset));
    }

    private static CommittedOffset offset(long offset) {
        return new CommittedOffset(offset, -1, "", 1000, CommittedOffset.NONE);
    }
}
