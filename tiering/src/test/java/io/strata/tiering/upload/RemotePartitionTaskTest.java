package io.strata.tiering.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.log.LogConfig;
import io.strata.storage.log.PartitionLog;
import io.strata.storage.log.PartitionLogs;
import io.strata.storage.log.SealedSegment;
import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteFileType;
import io.strata.tiering.metadata.RemoteLogMetadataStore;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.store.EmbeddedS3Server;
import io.strata.tiering.store.ObjectStore;
import io.strata.tiering.store.S3ObjectStore;
import io.strata.tiering.store.S3ObjectStoreConfig;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiering task of one partition against a real S3 API (S3Proxy over HTTP) and a real partition
 * log: uploads, the orphan sweep, a failed upload leaving nothing behind, and remote retention.
 */
class RemotePartitionTaskTest {

    private static final TopicPartition TP = new TopicPartition("tiered", 0);
    private static final Uuid TOPIC_ID = Uuid.randomUuid();
    private static final int BATCH_BYTES = 8 * 1024;

    @TempDir
    Path dir;

    private EmbeddedS3Server server;
    private S3ObjectStore store;
    private RemoteLogMetadataStore metadataStore;
    private ScheduledExecutorService scheduler;
    private PartitionLogs logs;
    private final List<RemoteSegmentMetadata> uploaded = new ArrayList<>();
    private final List<RemoteSegmentMetadata> deleted = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = EmbeddedS3Server.start(dir.resolve("s3"), "access", "secret-key");
        store = S3ObjectStore.create(S3ObjectStoreConfig.forEndpoint(server.endpoint(), "bucket", "access",
                "secret-key"));
        store.createBucketIfMissing().join();
        metadataStore = new RemoteLogMetadataStore(store, new ObjectKeys("cluster-a"));
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        if (logs != null) {
            logs.close();
        }
        scheduler.shutdownNow();
        store.close();
        server.close();
    }

    /** A tiered log with 4 batches of about 8 KiB per segment, {@code segments} sealed ones and an active one. */
    private PartitionLog log(int sealedSegments, long retentionBytes) {
        LogConfig config = LogConfig.defaults().withSegmentBytes(4 * (BATCH_BYTES + 200))
                .withRetention(-1L, retentionBytes)
                .withRemoteStorage(true, LogConfig.FOLLOW_RETENTION, 0L);
        logs = PartitionLogs.open(List.of(dir.resolve("logs")), topic -> config, Time.SYSTEM, scheduler);
        PartitionLog partitionLog = logs.getOrCreate(TP, TOPIC_ID, config);
        while (partitionLog.segmentsToUpload().size() < sealedSegments) {
            partitionLog.append(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(System.currentTimeMillis(), new byte[BATCH_BYTES])), 0);
        }
        return partitionLog;
    }

    private RemotePartitionTask task(PartitionLog partitionLog) {
        SegmentUploader uploader = new SegmentUploader(store, metadataStore,
                new CopyRateLimiter(Long.MAX_VALUE, Time.SYSTEM), Time.SYSTEM);
        return new RemotePartitionTask(partitionLog, metadataStore, uploader, Time.SYSTEM, 100L,
                new RemotePartitionTask.UploadListener() {
                    @Override
                    public void onUploaded(RemoteSegmentMetadata segment) {
                        uploaded.add(segment);
                    }

                    @Override
                    public void onDeleted(RemoteSegmentMetadata segment) {
                        deleted.add(segment);
                    }

                    @Override
                    public void onFailure(TopicPartition tp, Throwable failure) {
                        failures.add(failure);
                    }
                });
    }

    private List<String> keys(String under) {
        return store.list(under).join().stream().map(ObjectStore.ObjectSummary::key).toList();
    }

    @Test
    void shouldUploadEverySealedSegmentAndPublishItsMetadataLast() {
        // given
        PartitionLog partitionLog = log(3, -1L);
        List<SealedSegment> sealed = partitionLog.segmentsToUpload();

        // when
        task(partitionLog).run();

        // then
        assertEquals(3, uploaded.size());
        assertEquals(sealed.get(2).endOffset(), partitionLog.highestOffsetInRemoteStorage());
        assertEquals(List.of(), partitionLog.segmentsToUpload());
        List<RemoteSegmentMetadata> published = metadataStore.load(TP, TOPIC_ID).join();
        assertEquals(uploaded, published);
        for (int i = 0; i < published.size(); i++) {
            RemoteSegmentMetadata segment = published.get(i);
            assertEquals(sealed.get(i).baseOffset(), segment.baseOffset());
            assertEquals(sealed.get(i).sizeInBytes(), segment.segmentSizeInBytes());
            String log = metadataStore.keys().segmentObject(segment, RemoteFileType.LOG);
            assertEquals(segment.segmentSizeInBytes(), store.get(log).join().remaining());
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void shouldDeleteOrphanedObjectsWhenTheRemoteLogIsLoaded() {
        // given: objects of an upload that never published its metadata
        PartitionLog partitionLog = log(1, -1L);
        String orphan = metadataStore.keys().segmentsPrefix(TP, TOPIC_ID)
                + ObjectKeys.segmentFileName(0, Uuid.randomUuid()) + ".log";
        store.put(orphan, ByteBuffer.wrap(new byte[] {1, 2, 3})).join();

        // when
        task(partitionLog).run();

        // then
        assertFalse(keys(metadataStore.keys().segmentsPrefix(TP, TOPIC_ID)).contains(orphan));
        assertEquals(1, uploaded.size());
    }

    @Test
    void shouldDeleteASecondPublishedUploadOfTheSameSegmentWhenTheRemoteLogIsLoaded() {
        // given: a segment uploaded, then published once more under another id (a retry whose clean-up failed)
        PartitionLog partitionLog = log(1, -1L);
        task(partitionLog).run();
        RemoteSegmentMetadata first = uploaded.get(0);
        RemoteSegmentMetadata again = new RemoteSegmentMetadata(first.topicId(), first.topicPartition(),
                Uuid.randomUuid(), first.baseOffset(), first.endOffset(), first.maxTimestamp(),
                first.segmentSizeInBytes(), first.uploadedMs(), first.segmentLeaderEpochs(), false);
        metadataStore.publish(again).join();

        // when: a new task (a restart) loads the remote log
        task(partitionLog).run();

        // then: one of the two is gone with all of its objects
        List<RemoteSegmentMetadata> published = metadataStore.load(TP, TOPIC_ID).join();
        assertEquals(1, published.size());
        Uuid gone = published.get(0).segmentId().equals(first.segmentId()) ? again.segmentId() : first.segmentId();
        assertTrue(keys(metadataStore.keys().partitionPrefix(TP, TOPIC_ID)).stream()
                .noneMatch(key -> key.contains(gone.toString())));
    }

    @Test
    void shouldLeaveNoObjectAndKeepTheLocalSegmentWhenAnUploadFails() throws Exception {
        // given: the time index of the only sealed segment is unreadable, so its upload fails
        PartitionLog partitionLog = log(1, -1L);
        SealedSegment segment = partitionLog.segmentsToUpload().get(0);
        Files.delete(segment.timeIndexFile());

        // when
        task(partitionLog).run();

        // then
        assertEquals(1, failures.size());
        assertEquals(List.of(), uploaded);
        assertEquals(-1L, partitionLog.highestOffsetInRemoteStorage());
        assertEquals(List.of(), keys(metadataStore.keys().partitionPrefix(TP, TOPIC_ID)),
                "the failed attempt's objects are deleted");
        assertEquals(0, partitionLog.deleteRetentionExpiredSegments(System.currentTimeMillis()),
                "nothing local goes before it is uploaded");
        assertTrue(Files.exists(segment.logFile()));
    }

    @Test
    void shouldRecordTheLogStartOffsetInTheBucketOnlyWhenRecordsAreDeletedInsideARemoteSegment() {
        // given
        PartitionLog partitionLog = log(3, -1L);
        RemotePartitionTask task = task(partitionLog);
        task.run();
        String logStartOffset = metadataStore.keys().logStartOffsetFile(TP, TOPIC_ID);
        assertFalse(keys(logStartOffset).contains(logStartOffset), "nothing to record after plain uploads");

        // when: DeleteRecords to the middle of the second remote segment
        long inside = uploaded.get(1).baseOffset() + 1;
        partitionLog.deleteRecordsBefore(inside);
        task.run();

        // then: the first segment is deleted, and the start recorded for a restore
        assertEquals(List.of(uploaded.get(0)), deleted);
        assertEquals(inside, metadataStore.loadLogStartOffset(TP, TOPIC_ID).join().getAsLong());
    }

    @Test
    void shouldDeleteEveryObjectOfADeletedPartitionAndUploadNoMore() {
        // given
        PartitionLog partitionLog = log(2, -1L);
        RemotePartitionTask task = task(partitionLog);
        task.run();
        assertEquals(2, uploaded.size());
        partitionLog.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(new byte[BATCH_BYTES * 4])),
                0);

        // when
        task.deleteRemoteLog();
        task.run();

        // then
        assertEquals(List.of(), keys(metadataStore.keys().partitionPrefix(TP, TOPIC_ID)));
        assertEquals(2, uploaded.size(), "a deleted partition uploads nothing more");
        assertEquals(null, task.segments());
    }

    @Test
    void shouldDeleteRemoteSegmentsBeyondTotalRetentionAndMoveTheLogStartOffsetFirst() {
        // given: retention.bytes keeps about two segments over both tiers
        PartitionLog partitionLog = log(4, 2L * 4 * (BATCH_BYTES + 200));
        RemotePartitionTask task = task(partitionLog);
        task.run();
        assertEquals(4, uploaded.size());

        // when: the next run expires the oldest remote segments
        task.run();

        // then
        assertFalse(deleted.isEmpty());
        RemoteSegmentMetadata lastDeleted = deleted.get(deleted.size() - 1);
        assertEquals(lastDeleted.nextOffset(), partitionLog.logStartOffset());
        List<String> left = keys(metadataStore.keys().partitionPrefix(TP, TOPIC_ID));
        for (RemoteSegmentMetadata gone : deleted) {
            assertTrue(left.stream().noneMatch(key -> key.contains(gone.segmentId().toString())),
                    "objects of deleted segment " + gone.segmentId() + " remain: " + left);
        }
        assertEquals(uploaded.size() - deleted.size(), metadataStore.load(TP, TOPIC_ID).join().size());
    }

    @Test
    void shouldCountTheActiveSegmentInTheTotalSizeOverBothTiers() {
        // given: four segments uploaded, the active one holding a batch
        PartitionLog partitionLog = log(4, -1L);
        RemotePartitionTask task = task(partitionLog);
        task.run();
        assertEquals(4, uploaded.size());
        long activeBytes = partitionLog.onlyLocalLogSegmentsSize();
        assertTrue(activeBytes > 0);
        // Kafka's count: remote bytes plus the active segment exceed this by the two oldest segments
        // and half the active one.
        long retentionBytes = uploaded.get(2).segmentSizeInBytes() + uploaded.get(3).segmentSizeInBytes()
                + activeBytes / 2;
        partitionLog.updateConfig(partitionLog.config().withRetention(-1L, retentionBytes));

        // when
        task.run();

        // then: the two oldest go (without the active segment, only the oldest would)
        assertEquals(List.of(uploaded.get(0), uploaded.get(1)), deleted);
        assertEquals(uploaded.get(2).baseOffset(), partitionLog.logStartOffset());
    }
}
