package io.strata.tiering;

import io.strata.storage.file.LeaderEpochCheckpointFile.EpochEntry;
import io.strata.storage.log.PartitionLog;
import io.strata.storage.log.SealedSegment;
import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteFileType;
import io.strata.tiering.metadata.RemoteLogMetadataStore;
import io.strata.tiering.metadata.RemoteLogSegments;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.metadata.RemoteTopic;
import io.strata.tiering.read.RemoteReadStats;
import io.strata.tiering.read.RemoteReader;
import io.strata.tiering.store.ObjectStore;
import io.strata.tiering.upload.CopyRateLimiter;
import io.strata.tiering.upload.RemotePartitionTask;
import io.strata.tiering.upload.SegmentUploader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote tier of the broker's tiered partitions (Kafka's {@code RemoteLogManager}), a façade over:
 * a {@link RemotePartitionTask} per tiered partition on the {@code remote-upload-N} threads (load
 * the remote log, upload sealed segments, expire remote segments), the {@link RemoteReader} for
 * fetches and ListOffsets below the local log start offset (its work on {@code remote-read-N}
 * threads), and the bucket-backed {@link RemoteLogMetadataStore}.
 *
 * <pre>
 *  Fetch / ListOffsets ──► read / findOffsetByTimestamp ──► RemoteReader ──► chunk + index caches ──► ObjectStore
 *  PartitionLog ◄── segmentsToUpload / updateHighestOffsetInRemoteStorage ── RemotePartitionTask ──► ObjectStore
 * </pre>
 *
 * <p>Failures of the remote tier surface per partition as {@link KafkaStorageException}
 * (KAFKA_STORAGE_ERROR: the client retries), never as a failed request.
 *
 * <p>This class is thread-safe.
 */
public final class RemoteLogManager implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RemoteLogManager.class);
    private static final long READ_FAILURE_LOG_INTERVAL_MS = 10_000L;

    private final RemoteLogManagerConfig config;
    private final ObjectStore store;
    private final RemoteLogMetadataStore metadataStore;
    private final SegmentUploader uploader;
    private final RemoteReader reader;
    private final Time time;
    private final ScheduledThreadPoolExecutor uploadPool;
    private final ThreadPoolExecutor readPool;
    private final Map<TopicPartition, Tiered> partitions = new ConcurrentHashMap<>();
    private final RemoteLogMetrics metrics = new RemoteLogMetrics();
    private final Map<TopicPartition, Long> lastReadFailureLogMs = new ConcurrentHashMap<>();

    private record Tiered(RemotePartitionTask task, ScheduledFuture<?> schedule) {
    }

    public RemoteLogManager(RemoteLogManagerConfig config, ObjectStore store, ObjectKeys keys, Time time) {
        this.config = config;
        this.store = store;
        this.time = time;
        this.metadataStore = new RemoteLogMetadataStore(store, keys);
        this.uploadPool = new ScheduledThreadPoolExecutor(config.uploadThreads(), named("remote-upload-"));
        this.uploadPool.setRemoveOnCancelPolicy(true);
        this.readPool = new ThreadPoolExecutor(config.readerThreads(), config.readerThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.readerMaxPendingTasks()), named("remote-read-"));
        this.uploader = new SegmentUploader(store, metadataStore,
                new CopyRateLimiter(config.copyMaxBytesPerSecond(), time), time);
        this.reader = new RemoteReader(store, keys, config.readConfig(), readPool);
    }

    /**
     * Starts or stops tiering {@code partitionLog} according to its {@code remote.storage.enable}:
     * call when a log is loaded or created and when its config changes.
     */
    public void onLogConfigured(PartitionLog partitionLog) {
        TopicPartition tp = partitionLog.topicPartition();
        if (!partitionLog.config().remoteStorageEnable()) {
            Tiered removed = partitions.remove(tp);
            if (removed != null) {
                stop(removed);
            }
            return;
        }
        partitions.computeIfAbsent(tp, key -> {
            RemotePartitionTask task = new RemotePartitionTask(partitionLog, metadataStore, uploader, time,
                    config.retryBackoffMs(), metrics);
            ScheduledFuture<?> schedule = uploadPool.scheduleWithFixedDelay(task, 0, config.taskIntervalMs(),
                    TimeUnit.MILLISECONDS);
            return new Tiered(task, schedule);
        });
    }

    /** Stops tiering the partitions of a deleted topic and deletes their remote objects and its description. */
    public void onTopicDeleted(String topic) {
        for (Tiered tiered : List.copyOf(partitions.values())) {
            PartitionLog partitionLog = tiered.task().partitionLog();
            if (partitionLog.topicPartition().topic().equals(topic)) {
                onPartitionDeleted(partitionLog).thenCompose(done -> metadataStore.deleteTopic(topic,
                        partitionLog.topicId()));
            }
        }
    }

    /** Writes (or replaces) a tiered topic's description in the bucket, for a later restore. */
    public CompletableFuture<Void> publishTopic(RemoteTopic topic) {
        return metadataStore.publishTopic(topic);
    }

    /** The tiered topics the bucket describes. */
    public CompletableFuture<List<RemoteTopic>> remoteTopics() {
        return metadataStore.listTopics();
    }

    /**
     * Restore: makes the empty local log of a tiered partition continue where its remote log in the
     * bucket ends, with the remote log's start, leader epochs and producer state. Blocks on the
     * object store: call at start-up, before the broker serves the partition.
     *
     * @return whether there was a remote log to restore from
     */
    public boolean restore(PartitionLog partitionLog) {
        TopicPartition tp = partitionLog.topicPartition();
        List<RemoteSegmentMetadata> segments = metadataStore.load(tp, partitionLog.topicId()).join();
        if (segments.isEmpty()) {
            return false;
        }
        RemoteSegmentMetadata last = segments.get(segments.size() - 1);
        long recordedStart = metadataStore.loadLogStartOffset(tp, partitionLog.topicId()).join().orElse(-1L);
        long logStartOffset = Math.max(segments.get(0).baseOffset(), recordedStart);
        List<EpochEntry> epochs = new ArrayList<>();
        for (RemoteSegmentMetadata segment : segments) {
            segment.segmentLeaderEpochs().forEach((epoch, start) -> {
                if (epochs.isEmpty() || epochs.get(epochs.size() - 1).epoch() < epoch) {
                    epochs.add(new EpochEntry(epoch, start));
                }
            });
        }
        Optional<ByteBuffer> snapshot = last.hasProducerSnapshot()
                ? Optional.of(store.get(metadataStore.keys().segmentObject(last, RemoteFileType.PRODUCER_SNAPSHOT))
                        .join())
                : Optional.empty();
        partitionLog.restoreFromRemoteTier(logStartOffset, last.nextOffset(), epochs, snapshot);
        return true;
    }

    /**
     * Stops tiering a deleted partition and deletes all of its remote objects (Kafka deletes them too),
     * on an upload thread once any upload in progress has finished.
     */
    private CompletableFuture<Void> onPartitionDeleted(PartitionLog partitionLog) {
        Tiered removed = partitions.remove(partitionLog.topicPartition());
        if (removed == null) {
            return CompletableFuture.completedFuture(null);
        }
        stop(removed);
        return CompletableFuture.runAsync(removed.task()::deleteRemoteLog, uploadPool)
                .whenComplete((done, failure) -> {
                    if (failure != null) {
                        log.warn("Could not delete the remote objects of deleted partition {} (left in the bucket): {}",
                                partitionLog.topicPartition(), failure.toString());
                    }
                });
    }

    /**
     * Reads from the remote tier at {@code fetchOffset} (below the local log start offset), from one
     * remote segment. Fails with {@link OffsetOutOfRangeException} if no remote segment holds it and
     * with {@link KafkaStorageException} when the remote tier cannot serve it now.
     */
    public CompletableFuture<MemoryRecords> read(PartitionLog partitionLog, long fetchOffset, int maxBytes,
                                                 boolean minOneMessage) {
        RemoteLogSegments segments = loadedSegments(partitionLog);
        if (segments == null) {
            return notReady(partitionLog);
        }
        RemoteSegmentMetadata segment = segments.segmentFor(fetchOffset);
        if (segment == null) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException("Offset " + fetchOffset + " of "
                    + partitionLog.topicPartition() + " is in no remote segment"));
        }
        long readOffset = Math.max(fetchOffset, segment.baseOffset());
        return storageErrors(reader.read(segment, segments.next(segment), readOffset, maxBytes, minOneMessage),
                partitionLog, fetchOffset);
    }

    /**
     * ListOffsets by timestamp over the remote tier: the first offset at or after
     * {@code max(logStartOffset, ...)} whose timestamp reaches {@code timestamp}, or empty if no remote
     * segment has one (then the local segments are searched).
     */
    public CompletableFuture<Optional<TimestampAndOffset>> findOffsetByTimestamp(PartitionLog partitionLog,
                                                                                 long timestamp) {
        RemoteLogSegments segments = loadedSegments(partitionLog);
        if (segments == null) {
            return notReady(partitionLog);
        }
        long logStartOffset = partitionLog.logStartOffset();
        CompletableFuture<Optional<TimestampAndOffset>> result = CompletableFuture.completedFuture(Optional.empty());
        for (RemoteSegmentMetadata segment : segments.all()) {
            if (segment.endOffset() < logStartOffset || segment.maxTimestamp() < timestamp) {
                continue;
            }
            result = result.thenCompose(found -> found.isPresent() ? CompletableFuture.completedFuture(found)
                    : reader.findOffsetByTimestamp(segment, timestamp, logStartOffset));
        }
        return storageErrors(result, partitionLog, timestamp);
    }


    /** The figures JMX publishes (see {@link RemoteStorageMXBean}). */
    public RemoteStorageMXBean mxBean() {
        return new RemoteStorageMXBean() {
            @Override
            public long getSegmentsUploaded() {
                return metrics.segmentsUploaded();
            }

            @Override
            public long getBytesUploaded() {
                return metrics.bytesUploaded();
            }

            @Override
            public long getSegmentsDeleted() {
                return metrics.segmentsDeleted();
            }

            @Override
            public long getUploadFailures() {
                return metrics.uploadFailures();
            }

            @Override
            public long getUploadLagBytes() {
                return pendingUploads().mapToLong(SealedSegment::sizeInBytes).sum();
            }

            @Override
            public int getUploadLagSegments() {
                return (int) pendingUploads().count();
            }

            @Override
            public long getRemoteReadErrors() {
                return metrics.readErrors();
            }

            @Override
            public long getRemoteBytesServed() {
                return reader.stats().bytesServed();
            }

            @Override
            public long getRemoteBytesRead() {
                return store.metrics().bytesRead();
            }

            @Override
            public long getGetRequests() {
                return store.metrics().getRequests();
            }

            @Override
            public long getPutRequests() {
                return store.metrics().putRequests();
            }

            @Override
            public long getDeleteRequests() {
                return store.metrics().deleteRequests();
            }

            @Override
            public long getListRequests() {
                return store.metrics().listRequests();
            }

            @Override
            public long getObjectStoreErrors() {
                return store.metrics().errors();
            }

            @Override
            public long getChunkCacheHits() {
                return reader.stats().chunkHits();
            }

            @Override
            public long getChunkCacheMisses() {
                return reader.stats().chunkMisses();
            }

            @Override
            public double getChunkCacheHitRate() {
                RemoteReadStats stats = reader.stats();
                long requests = stats.chunkHits() + stats.chunkMisses();
                return requests == 0 ? 0.0 : (double) stats.chunkHits() / requests;
            }

            @Override
            public long getIndexCacheHits() {
                return reader.stats().indexHits();
            }

            @Override
            public long getIndexCacheMisses() {
                return reader.stats().indexMisses();
            }
        };
    }

    /** The sealed segments of every tiered partition not uploaded yet. */
    private Stream<SealedSegment> pendingUploads() {
        return partitions.values().stream().flatMap(tiered -> tiered.task().partitionLog().segmentsToUpload().stream());
    }

    @Override
    public void close() {
        for (Tiered tiered : partitions.values()) {
            stop(tiered);
        }
        partitions.clear();
        uploadPool.shutdownNow();
        readPool.shutdownNow();
        try {
            if (!uploadPool.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Upload threads did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    private RemoteLogSegments loadedSegments(PartitionLog partitionLog) {
        Tiered tiered = partitions.get(partitionLog.topicPartition());
        return tiered == null ? null : tiered.task().segments();
    }

    private static <T> CompletableFuture<T> notReady(PartitionLog partitionLog) {
        return CompletableFuture.failedFuture(new KafkaStorageException("The remote log of "
                + partitionLog.topicPartition() + " is not loaded yet"));
    }

    /** Kafka API errors pass; anything else (store down, corrupt object) becomes KAFKA_STORAGE_ERROR. */
    private <T> CompletableFuture<T> storageErrors(CompletableFuture<T> future, PartitionLog partitionLog, long at) {
        return future.exceptionally(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof ApiException api && !(api instanceof CorruptRecordException)) {
                throw new CompletionException(api);
            }
            metrics.onReadError();
            logReadFailure(partitionLog.topicPartition(), at, cause);
            throw new CompletionException(new KafkaStorageException("Remote read of "
                    + partitionLog.topicPartition() + " failed: " + cause.getMessage(), cause));
        });
    }

    /**
     * A WARN per partition at most every {@link #READ_FAILURE_LOG_INTERVAL_MS} (consumers retry a failed
     * read every few milliseconds while the store is down or an object corrupt), DEBUG in between.
     */
    private void logReadFailure(TopicPartition tp, long at, Throwable cause) {
        long nowMs = time.milliseconds();
        Long last = lastReadFailureLogMs.get(tp);
        if (last == null || nowMs - last >= READ_FAILURE_LOG_INTERVAL_MS) {
            lastReadFailureLogMs.put(tp, nowMs);
            log.warn("Remote read of {} at {} failed (the client retries; repeats logged at DEBUG for {} s): {}", tp,
                    at, READ_FAILURE_LOG_INTERVAL_MS / 1000, cause.toString());
        } else {
            log.debug("Remote read of {} at {} failed: {}", tp, at, cause.toString());
        }
    }

    private static void stop(Tiered tiered) {
        tiered.task().cancel();
        tiered.schedule().cancel(false);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }
}
