package io.strata.tiering.metadata;

import io.strata.tiering.store.ObjectStore;
import io.strata.tiering.store.ObjectStoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Remote segment metadata kept in the bucket itself, so the bucket alone says what exists: one
 * small metadata object per uploaded segment, written after all of the segment's data objects and
 * deleted before them (see {@link ObjectKeys}). A crash between leaves data objects without
 * metadata, which {@link #orphanedObjects} finds for deletion.
 *
 * <p>This class is thread-safe.
 */
public final class RemoteLogMetadataStore {

    private final ObjectStore store;
    private final ObjectKeys keys;

    public RemoteLogMetadataStore(ObjectStore store, ObjectKeys keys) {
        this.store = store;
        this.keys = keys;
    }

    public ObjectKeys keys() {
        return keys;
    }

    public ObjectStore store() {
        return store;
    }

    /** Every segment of the partition in the bucket, oldest first (one LIST per 1000 segments, one GET each). */
    public CompletableFuture<List<RemoteSegmentMetadata>> load(TopicPartition tp, Uuid topicId) {
        return store.list(keys.metadataPrefix(tp, topicId)).thenCompose(objects -> {
            List<CompletableFuture<RemoteSegmentMetadata>> reads = new ArrayList<>();
            for (ObjectStore.ObjectSummary object : objects) {
                if (object.key().endsWith(ObjectKeys.METADATA_SUFFIX)) {
                    reads.add(store.get(object.key()).thenApply(RemoteSegmentMetadataCodec::decode));
                }
            }
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> {
                List<RemoteSegmentMetadata> segments = new ArrayList<>(reads.size());
                for (CompletableFuture<RemoteSegmentMetadata> read : reads) {
                    segments.add(read.join());
                }
                segments.sort(Comparator.comparingLong(RemoteSegmentMetadata::baseOffset));
                return segments;
            });
        });
    }

    /** Makes an uploaded segment visible: call only once every data object of it is complete. */
    public CompletableFuture<Void> publish(RemoteSegmentMetadata segment) {
        return store.put(keys.metadataObject(segment), RemoteSegmentMetadataCodec.encode(segment));
    }

    /** Deletes a segment: its metadata object first (it stops being visible), then its data objects. */
    public CompletableFuture<Void> delete(RemoteSegmentMetadata segment) {
        return store.delete(List.of(keys.metadataObject(segment)))
                .thenCompose(done -> store.delete(dataObjects(segment)));
    }

    /**
     * The keys of data objects under the partition that belong to no published segment: what an
     * interrupted upload or deletion left. Only call when no upload of the partition is in flight.
     */
    public CompletableFuture<List<String>> orphanedObjects(TopicPartition tp, Uuid topicId,
                                                           List<RemoteSegmentMetadata> published) {
        Set<Uuid> live = new HashSet<>();
        for (RemoteSegmentMetadata segment : published) {
            live.add(segment.segmentId());
        }
        return store.list(keys.segmentsPrefix(tp, topicId)).thenApply(objects -> {
            List<String> orphans = new ArrayList<>();
            for (ObjectStore.ObjectSummary object : objects) {
                Uuid id = ObjectKeys.segmentIdOf(object.key());
                if (id == null || !live.contains(id)) {
                    orphans.add(object.key());
                }
            }
            return orphans;
        });
    }

    /** Writes (or replaces) a tiered topic's description, what a restore recreates it from. */
    public CompletableFuture<Void> publishTopic(RemoteTopic topic) {
        return store.put(keys.topicFile(topic.name(), topic.topicId()), topic.encode());
    }

    /** Every tiered topic described in the bucket (one LIST of the prefix's level, one GET each). */
    public CompletableFuture<List<RemoteTopic>> listTopics() {
        return store.listPrefixes(keys.prefix()).thenCompose(prefixes -> {
            List<CompletableFuture<RemoteTopic>> reads = new ArrayList<>();
            for (String topicPrefix : prefixes) {
                reads.add(store.get(topicPrefix + ObjectKeys.TOPIC_FILE).thenApply(RemoteTopic::decode)
                        .exceptionally(failure -> {
                            if (isNotFound(failure)) {
                                return null; // a topic being deleted, or a foreign prefix
                            }
                            throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
                        }));
            }
            return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> reads.stream()
                    .map(CompletableFuture::join).filter(Objects::nonNull).toList());
        });
    }

    /** Deletes a deleted topic's description (its partitions' objects are deleted by their tasks). */
    public CompletableFuture<Void> deleteTopic(String name, Uuid topicId) {
        return store.delete(List.of(keys.topicFile(name, topicId)));
    }

    /** The log start offset recorded after a DeleteRecords, if any. */
    public CompletableFuture<OptionalLong> loadLogStartOffset(TopicPartition tp, Uuid topicId) {
        return store.get(keys.logStartOffsetFile(tp, topicId))
                .thenApply(bytes -> OptionalLong.of(Long.parseLong(
                        StandardCharsets.UTF_8.decode(bytes.duplicate()).toString().trim())))
                .exceptionally(failure -> {
                    if (isNotFound(failure)) {
                        return OptionalLong.empty();
                    }
                    throw failure instanceof CompletionException ce ? ce : new CompletionException(failure);
                });
    }

    public CompletableFuture<Void> storeLogStartOffset(TopicPartition tp, Uuid topicId, long logStartOffset) {
        return store.put(keys.logStartOffsetFile(tp, topicId),
                ByteBuffer.wrap(Long.toString(logStartOffset).getBytes(StandardCharsets.UTF_8)));
    }

    private static boolean isNotFound(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof ObjectStoreException e && e.kind() == ObjectStoreException.Kind.NOT_FOUND;
    }

    /** Every data object a segment may have (deleting an absent one is not an error). */
    private List<String> dataObjects(RemoteSegmentMetadata segment) {
        List<String> objects = new ArrayList<>();
        for (RemoteFileType type : RemoteFileType.values()) {
            objects.add(keys.segmentObject(segment, type));
        }
        return objects;
    }
}
