package io.strata.broker.group;

import io.strata.broker.group.OffsetsTopicRecords.Entry;
import io.strata.storage.log.PartitionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of {@code __consumer_offsets} as the coordinator owns it: its load status, its live
 * state ({@link PartitionState}) and the writes to its log.
 *
 * <p>Writes: a write applies its records to the live state at once (so the state always equals the
 * log once every submitted append is done), then appends them as one batch on the partition's
 * storage thread; the returned future completes on the coordinator thread after the append. Appends
 * of one partition run in submission order. A failed append (a storage failure: the log is closed)
 * marks the partition FAILED: from then on it answers COORDINATOR_NOT_AVAILABLE until a restart
 * reloads it from its log, as Kafka's coordinator resigns a partition whose log went offline.
 *
 * <p>Bounded log without compaction: when the partition grew by {@code rewriteThresholdBytes} since
 * the last rewrite, the live state is appended again at the log end and everything before it is
 * deleted ({@code deleteRecordsBefore}), in one task on the storage thread. A crash in between
 * leaves both copies; replay gives the same state either way.
 *
 * <pre>
 *   LOADING --loaded--> ACTIVE --append failed--> FAILED
 *      +------------- load failed --------------------^
 * </pre>
 *
 * <p>This class is not thread-safe: it belongs to the {@code group-coordinator} thread.
 */
final class OffsetsPartition {

    private static final Logger log = LoggerFactory.getLogger(OffsetsPartition.class);
    /** The leader epoch coordinator records are appended with (a single node never changes leader). */
    private static final int LEADER_EPOCH = 0;
    /** Per-record batch overhead used to cut rewrite batches (DefaultRecord headers, generously). */
    private static final int RECORD_OVERHEAD_BYTES = 32;

    /** Load status. */
    enum Status { LOADING, ACTIVE, FAILED }

    private final TopicPartition topicPartition;
    private final PartitionLog partitionLog;
    private final Executor storageThread;
    private final Executor coordinatorThread;
    private final Time time;
    private final long rewriteThresholdBytes;
    private Status status;
    private PartitionState state = new PartitionState();
    private long bytesSinceRewrite;
    private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);

    /**
     * @param partitionLog          the partition's log; null when it could not be created (the partition is FAILED)
     * @param rewriteThresholdBytes how much the log may grow before the live state is rewritten
     */
    OffsetsPartition(TopicPartition topicPartition, PartitionLog partitionLog, Executor storageThread,
                     Executor coordinatorThread, Time time, long rewriteThresholdBytes, Status initialStatus) {
        this.topicPartition = topicPartition;
        this.partitionLog = partitionLog;
        this.storageThread = storageThread;
        this.coordinatorThread = coordinatorThread;
        this.time = time;
        this.rewriteThresholdBytes = rewriteThresholdBytes;
        this.status = partitionLog == null ? Status.FAILED : initialStatus;
    }

    TopicPartition topicPartition() {
        return topicPartition;
    }

    Status status() {
        return status;
    }

    /** The live state; meaningful when ACTIVE. */
    PartitionState state() {
        return state;
    }

    /**
     * Loads the partition from its log: the replay runs on the storage thread; the returned future
     * completes on the coordinator thread, after the state is installed and the status is ACTIVE
     * (or FAILED, with the failure).
     */
    CompletableFuture<PartitionState> load() {
        CompletableFuture<PartitionState> loaded = new CompletableFuture<>();
        long startNanos = System.nanoTime();
        submit(() -> OffsetsPartitionLoader.load(partitionLog)).whenCompleteAsync((replayed, failure) -> {
            if (failure != null) {
                status = Status.FAILED;
                log.error("Failed to load {}: its groups are unavailable until a restart", topicPartition,
                        unwrap(failure));
                loaded.completeExceptionally(unwrap(failure));
                return;
            }
            state = replayed;
            bytesSinceRewrite = partitionLog.size();
            status = Status.ACTIVE;
            log.info("Loaded {} in {} ms: {} group(s)", topicPartition, (System.nanoTime() - startNanos) / 1_000_000,
                    replayed.groupIds().size());
            loaded.complete(replayed);
        }, coordinatorThread);
        return loaded;
    }

    /**
     * Applies {@code entries} to the live state and appends them as one batch; completes (on the
     * coordinator thread) when the append is done. Fails without applying anything when the partition
     * is not ACTIVE (CoordinatorNotAvailableException) or the batch is larger than the topic's
     * max.message.bytes (RecordTooLargeException).
     */
    CompletableFuture<Void> write(List<Entry> entries) {
        if (status != Status.ACTIVE) {
            return CompletableFuture.failedFuture(new CoordinatorNotAvailableException(
                    "The coordinator partition " + topicPartition + " is " + status));
        }
        if (entries.isEmpty()) {
            return afterPendingWrites();
        }
        long nowMs = time.milliseconds();
        SimpleRecord[] records = new SimpleRecord[entries.size()];
        for (int i = 0; i < records.length; i++) {
            records[i] = OffsetsTopicRecords.toRecord(entries.get(i), nowMs);
        }
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, records);
        int maxBatchBytes = partitionLog.config().maxMessageBytes();
        if (batch.sizeInBytes() > maxBatchBytes) {
            return CompletableFuture.failedFuture(new RecordTooLargeException("The " + entries.size()
                    + " record(s) for " + topicPartition + " take " + batch.sizeInBytes()
                    + " bytes, more than max.message.bytes " + maxBatchBytes));
        }
        entries.forEach(state::apply);
        return track(submit(() -> partitionLog.append(batch, LEADER_EPOCH)), "append to").thenRun(() -> {
            bytesSinceRewrite += batch.sizeInBytes();
            maybeRewrite();
        });
    }

    /** Completes (on the coordinator thread) when every write submitted so far is done, whatever its outcome. */
    CompletableFuture<Void> afterPendingWrites() {
        return lastWrite.handle((done, failure) -> null);
    }

    /** Completes when every write submitted so far succeeded; fails when one of them failed. */
    CompletableFuture<Void> pendingWrites() {
        return lastWrite;
    }

    private void maybeRewrite() {
        if (status != Status.ACTIVE || bytesSinceRewrite < rewriteThresholdBytes) {
            return;
        }
        bytesSinceRewrite = 0;
        List<Entry> live = state.liveEntries();
        List<MemoryRecords> batches = rewriteBatches(live, time.milliseconds(), partitionLog.config().maxMessageBytes() / 2);
        track(submit(() -> {
            long rewriteStart = partitionLog.logEndOffset();
            for (MemoryRecords batch : batches) {
                partitionLog.append(batch, LEADER_EPOCH);
            }
            return partitionLog.deleteRecordsBefore(rewriteStart);
        }), "rewrite").thenAccept(logStartOffset -> log.info("Rewrote the {} live record(s) of {}: log start offset "
                + "now {}", live.size(), topicPartition, logStartOffset));
    }

    /** The live entries as batches of at most about {@code maxBatchBytes} each. */
    static List<MemoryRecords> rewriteBatches(List<Entry> entries, long timestampMs, int maxBatchBytes) {
        List<MemoryRecords> batches = new ArrayList<>();
        List<SimpleRecord> current = new ArrayList<>();
        long currentBytes = 0;
        for (Entry entry : entries) {
            SimpleRecord record = OffsetsTopicRecords.toRecord(entry, timestampMs);
            int size = RECORD_OVERHEAD_BYTES + record.key().remaining()
                    + (record.value() == null ? 0 : record.value().remaining());
            if (!current.isEmpty() && currentBytes + size > maxBatchBytes) {
                batches.add(MemoryRecords.withRecords(Compression.NONE, current.toArray(SimpleRecord[]::new)));
                current.clear();
                currentBytes = 0;
            }
            current.add(record);
            currentBytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(MemoryRecords.withRecords(Compression.NONE, current.toArray(SimpleRecord[]::new)));
        }
        return batches;
    }

    /** Chains {@code stage} as the last write; completes on the coordinator thread; a failure fails the partition. */
    private <T> CompletableFuture<T> track(CompletableFuture<T> stage, String what) {
        CompletableFuture<T> done = new CompletableFuture<>();
        stage.whenCompleteAsync((value, failure) -> {
            if (failure != null) {
                Throwable cause = unwrap(failure);
                if (status != Status.FAILED) {
                    status = Status.FAILED;
                    log.error("Failed to {} {}: its groups are unavailable until a restart", what, topicPartition,
                            cause);
                }
                done.completeExceptionally(cause);
            } else {
                done.complete(value);
            }
        }, coordinatorThread);
        lastWrite = done.thenApply(value -> null);
        return done;
    }

    private <T> CompletableFuture<T> submit(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, storageThread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new CoordinatorNotAvailableException(
                    "The broker is shutting down: " + topicPartition + " is not writable"));
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return Errors.maybeUnwrapException(failure);
    }

    /** For logs. */
    @Override
    public String toString() {
        return "OffsetsPartition(" + topicPartition + ", " + status + ")";
    }
}
