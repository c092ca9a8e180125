package io.strata.tiering.upload;

import io.strata.storage.log.LogConfig;
import io.strata.storage.log.PartitionLog;
import io.strata.storage.log.SealedSegment;
import io.strata.tiering.metadata.RemoteLogMetadataStore;
import io.strata.tiering.metadata.RemoteLogSegments;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.store.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled work of one tiered partition, run on a {@code remote-upload} thread (never two runs
 * of one partition at once):
 *
 * <pre>
 *  first run:  load the partition's remote log from the bucket, delete orphaned objects, tell the
 *              log how far the remote tier reaches (highest offset, remote log start offset)
 *  every run:  upload the sealed segments not yet remote, oldest first, stopping at the first failure
 *              delete remote segments beyond retention.ms / retention.bytes (counted over both tiers)
 *              or below the log start offset (DeleteRecords), raising the log start offset first
 * </pre>
 *
 * <p>A failed run is retried after a backoff that doubles up to 30 s. Upload threads may block: the
 * object-store futures are joined here.
 *
 * <p>This class is thread-safe: runs and {@link #deleteRemoteLog()} are serialized (a deletion waits
 * for a run in progress, so no upload lands after it); {@link #segments()} may be read from any thread.
 */
public final class RemotePartitionTask implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RemotePartitionTask.class);
    private static final long MAX_BACKOFF_MS = 30_000L;

    private final PartitionLog partitionLog;
    private final RemoteLogMetadataStore metadataStore;
    private final SegmentUploader uploader;
    private final Time time;
    private final long retryBackoffMs;
    private final UploadListener listener;

    private volatile RemoteLogSegments segments;
    private volatile boolean cancelled;
    private long persistedLogStartOffset = -1L;
    private int consecutiveFailures;
    private long nextAttemptMs;

    /** What the task tells the broker's metrics. */
    public interface UploadListener {
        void onUploaded(RemoteSegmentMetadata segment);

        void onDeleted(RemoteSegmentMetadata segment);

        void onFailure(TopicPartition tp, Throwable failure);
    }

    public RemotePartitionTask(PartitionLog partitionLog, RemoteLogMetadataStore metadataStore,
                               SegmentUploader uploader, Time time, long retryBackoffMs, UploadListener listener) {
        this.partitionLog = partitionLog;
        this.metadataStore = metadataStore;
        this.uploader = uploader;
        this.time = time;
        this.retryBackoffMs = retryBackoffMs;
        this.listener = listener;
    }

    public PartitionLog partitionLog() {
        return partitionLog;
    }

    /** The partition's remote log, or null until the first run has loaded it. */
    public RemoteLogSegments segments() {
        return segments;
    }

    /** Stops future runs (the partition was deleted or the broker stops); a run in progress finishes its step. */
    public void cancel() {
        cancelled = true;
    }

    @Override
    public synchronized void run() {
        long nowMs = time.milliseconds();
        if (cancelled || nowMs < nextAttemptMs) {
            return;
        }
        try {
            if (segments == null) {
                load();
            }
            copy();
            expire(nowMs);
            consecutiveFailures = 0;
        } catch (RuntimeException e) {
            consecutiveFailures++;
            long backoff = Math.min(MAX_BACKOFF_MS, retryBackoffMs << Math.min(consecutiveFailures, 16));
            nextAttemptMs = time.milliseconds() + backoff;
            log.warn("Tiering of {} failed ({} in a row), retrying in {} ms: {}", partitionLog.topicPartition(),
                    consecutiveFailures, backoff, rootMessage(e));
            listener.onFailure(partitionLog.topicPartition(), e);
        }
    }

    /**
     * Stops the task and deletes every object of the partition in the bucket (the partition was
     * deleted), after any run in progress has finished.
     */
    public synchronized void deleteRemoteLog() {
        cancelled = true;
        String prefix = metadataStore.keys().partitionPrefix(partitionLog.topicPartition(), partitionLog.topicId());
        List<String> objects = metadataStore.store().list(prefix).join().stream()
                .map(ObjectStore.ObjectSummary::key).toList();
        metadataStore.store().delete(objects).join();
        segments = null;
        log.info("Deleted the remote log of deleted partition {} ({} objects)", partitionLog.topicPartition(),
                objects.size());
    }

    private void load() {
        TopicPartition tp = partitionLog.topicPartition();
        List<RemoteSegmentMetadata> loaded = metadataStore.load(tp, partitionLog.topicId()).join();
        List<String> orphans = metadataStore.orphanedObjects(tp, partitionLog.topicId(), loaded).join();
        if (!orphans.isEmpty()) {
            log.info("Deleting {} orphaned object(s) of {} left by interrupted uploads or deletions", orphans.size(), tp);
            metadataStore.store().delete(orphans).join();
        }
        OptionalLong recordedStart = metadataStore.loadLogStartOffset(tp, partitionLog.topicId()).join();
        RemoteLogSegments remote = new RemoteLogSegments();
        for (RemoteSegmentMetadata segment : loaded) {
            RemoteSegmentMetadata duplicate = remote.add(segment);
            if (duplicate != null) {
                log.info("Deleting remote segment {} of {}: a second upload of offsets {} to {}",
                        duplicate.segmentId(), tp, duplicate.baseOffset(), duplicate.endOffset());
                metadataStore.delete(duplicate).join();
            }
        }
        partitionLog.updateHighestOffsetInRemoteStorage(remote.highestOffset());
        long remoteStart = remote.logStartOffset().orElse(partitionLog.localLogStartOffset());
        if (recordedStart.isPresent()) {
            remoteStart = Math.max(remoteStart, recordedStart.getAsLong());
            persistedLogStartOffset = recordedStart.getAsLong();
        }
        partitionLog.updateLogStartOffsetFromRemoteTier(remoteStart);
        segments = remote;
        log.info("Loaded the remote log of {}: {} segment(s), {} bytes, offsets {} to {}", tp, remote.count(),
                remote.sizeInBytes(), remote.logStartOffset().orElse(-1L), remote.highestOffset());
    }

    private void copy() {
        for (SealedSegment segment : partitionLog.segmentsToUpload()) {
            if (cancelled) {
                return;
            }
            RemoteSegmentMetadata uploaded = uploader.upload(segment).join();
            segments.add(uploaded);
            partitionLog.updateHighestOffsetInRemoteStorage(uploaded.endOffset());
            log.info("Uploaded segment {} of {} (offsets {} to {}, {} bytes) as {}", segment.baseOffset(),
                    segment.topicPartition(), uploaded.baseOffset(), uploaded.endOffset(),
                    uploaded.segmentSizeInBytes(), uploaded.segmentId());
            listener.onUploaded(uploaded);
        }
    }

    /** Remote retention: the oldest remote segments past total retention or below the log start offset. */
    private void expire(long nowMs) {
        LogConfig config = partitionLog.config();
        List<RemoteSegmentMetadata> all = segments.all();
        long logStartOffset = partitionLog.logStartOffset();
        long uploadedUpTo = segments.highestOffset();
        // Total size over both tiers, as Kafka counts it: remote segments plus every local byte not
        // uploaded yet, the active segment's included.
        long localOnlyBytes = partitionLog.onlyLocalLogSegmentsSize();
        boolean bySize = config.retentionBytes() >= 0;
        long excess = bySize ? segments.sizeInBytes() + localOnlyBytes - config.retentionBytes() : 0;
        List<RemoteSegmentMetadata> doomed = new ArrayList<>();
        for (RemoteSegmentMetadata segment : all) {
            boolean belowStart = segment.endOffset() < logStartOffset;
            boolean expiredByTime = config.retentionMs() >= 0 && segment.maxTimestamp() >= 0
                    && nowMs - segment.maxTimestamp() > config.retentionMs();
            boolean expiredBySize = bySize && excess >= segment.segmentSizeInBytes();
            if (!belowStart && !expiredByTime && !expiredBySize) {
                break;
            }
            doomed.add(segment);
            excess -= segment.segmentSizeInBytes();
        }
        if (!doomed.isEmpty()) {
            RemoteSegmentMetadata lastDoomed = doomed.get(doomed.size() - 1);
            // Readers must never be sent to a deleted object: move the log start past it first.
            partitionLog.updateLogStartOffsetFromRemoteTier(lastDoomed.nextOffset());
            for (RemoteSegmentMetadata segment : doomed) {
                segments.remove(segment);
                metadataStore.delete(segment).join();
                log.info("Deleted remote segment {} of {} (offsets {} to {}), log start offset now {}",
                        segment.segmentId(), segment.topicPartition(), segment.baseOffset(), segment.endOffset(),
                        partitionLog.logStartOffset());
                listener.onDeleted(segment);
            }
        }
        long currentStart = partitionLog.logStartOffset();
        long remoteStart = segments.logStartOffset().orElse(Long.MAX_VALUE);
        if (currentStart > remoteStart && currentStart > persistedLogStartOffset && currentStart <= uploadedUpTo) {
            // A DeleteRecords inside a remote segment: remember it in the bucket for a restore.
            metadataStore.storeLogStartOffset(partitionLog.topicPartition(), partitionLog.topicId(), currentStart)
                    .join();
            persistedLogStartOffset = currentStart;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.toString();
    }
}
