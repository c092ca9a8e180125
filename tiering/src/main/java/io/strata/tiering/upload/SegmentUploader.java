package io.strata.tiering.upload;

import io.strata.storage.file.LeaderEpochCheckpointFile;
import io.strata.storage.file.LeaderEpochCheckpointFile.EpochEntry;
import io.strata.storage.log.SealedSegment;
import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteFileType;
import io.strata.tiering.metadata.RemoteLogMetadataStore;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.store.ObjectStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one sealed segment to the bucket (Kafka's {@code RemoteLogManager.copyLogSegment}): every
 * data object under a fresh segment id, in parallel, then the metadata object that makes the
 * segment visible. If anything fails, the attempt's data objects are deleted (best effort; what
 * stays behind is an orphan that the next start-up sweep removes) and the failure is returned.
 *
 * <p>This class is thread-safe (stateless apart from its collaborators).
 */
public final class SegmentUploader {

    private static final Logger log = LoggerFactory.getLogger(SegmentUploader.class);

    private final ObjectStore store;
    private final RemoteLogMetadataStore metadataStore;
    private final CopyRateLimiter rateLimiter;
    private final Time time;

    public SegmentUploader(ObjectStore store, RemoteLogMetadataStore metadataStore, CopyRateLimiter rateLimiter,
                           Time time) {
        this.store = store;
        this.metadataStore = metadataStore;
        this.rateLimiter = rateLimiter;
        this.time = time;
    }

    /**
     * Uploads {@code segment}, blocking the calling (upload) thread while the copy rate limit
     * requires it; the returned future completes with the published metadata.
     */
    public CompletableFuture<RemoteSegmentMetadata> upload(SealedSegment segment) {
        rateLimiter.acquire(segment.sizeInBytes());
        TreeMap<Integer, Long> epochs = new TreeMap<>();
        for (EpochEntry entry : segment.leaderEpochs()) {
            epochs.put(entry.epoch(), entry.startOffset());
        }
        RemoteSegmentMetadata metadata = new RemoteSegmentMetadata(segment.topicId(), segment.topicPartition(),
                Uuid.randomUuid(), segment.baseOffset(), segment.endOffset(), segment.maxTimestamp(),
                segment.sizeInBytes(), time.milliseconds(), epochs, segment.producerSnapshotFile().isPresent());
        ObjectKeys keys = metadataStore.keys();
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        puts.add(store.putFile(keys.segmentObject(metadata, RemoteFileType.LOG), segment.logFile()));
        puts.add(store.putFile(keys.segmentObject(metadata, RemoteFileType.OFFSET_INDEX), segment.offsetIndexFile()));
        puts.add(store.putFile(keys.segmentObject(metadata, RemoteFileType.TIME_INDEX), segment.timeIndexFile()));
        segment.producerSnapshotFile().ifPresent(snapshot ->
                puts.add(store.putFile(keys.segmentObject(metadata, RemoteFileType.PRODUCER_SNAPSHOT), snapshot)));
        puts.add(store.put(keys.segmentObject(metadata, RemoteFileType.LEADER_EPOCH_CHECKPOINT), ByteBuffer.wrap(
                LeaderEpochCheckpointFile.format(segment.leaderEpochs()).getBytes(StandardCharsets.UTF_8))));
        CompletableFuture<RemoteSegmentMetadata> result = new CompletableFuture<>();
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new))
                .thenCompose(done -> metadataStore.publish(metadata))
                .whenComplete((done, failure) -> {
                    if (failure == null) {
                        result.complete(metadata);
                        return;
                    }
                    log.debug("Upload of {} failed; deleting its objects", metadata, failure);
                    // The metadata object too: a publish that timed out may still have landed.
                    metadataStore.delete(metadata).whenComplete((deleted, deleteFailure) -> {
                        if (deleteFailure != null) {
                            log.warn("Could not delete the objects of failed upload {} (left for the orphan sweep): {}",
                                    metadata.segmentId(), deleteFailure.toString());
                        }
                        result.completeExceptionally(failure);
                    });
                });
        return result;
    }
}
