package io.strata.storage.log;

import static io.strata.storage.log.LogTestSupport.START_MS;
import static io.strata.storage.log.LogTestSupport.config;
import static io.strata.storage.log.LogTestSupport.range;
import static io.strata.storage.log.LogTestSupport.readAll;
import static io.strata.storage.log.LogTestSupport.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.file.LeaderEpochCheckpointFile.EpochEntry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A partition log with {@code remote.storage.enable}: upload candidates, the two log starts, local retention. */
class TieredPartitionLogTest {

    private static final TopicPartition TP = new TopicPartition("history", 0);
    private static final Uuid TOPIC_ID = Uuid.randomUuid();

    @TempDir
    Path logDir;

    private final ManualClock clock = new ManualClock(START_MS);
    private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    private PartitionLogs logs;

    @AfterEach
    void closeLogs() {
        if (logs != null) {
            logs.close();
        }
    }

    /** Two batches of 2 records per segment; local retention of 2 segments' worth of bytes. */
    private static LogConfig tieredConfig() {
        int batchSize = records(START_MS, 2).sizeInBytes();
        return config(batchSize * 2, Long.MAX_VALUE, -1, -1, 0)
                .withRemoteStorage(true, LogConfig.FOLLOW_RETENTION, batchSize * 4L);
    }

    private PartitionLog open(LogConfig config) {
        logs = PartitionLogs.open(List.of(logDir), topic -> config, clock, scheduler);
        return logs.getOrCreate(TP, TOPIC_ID, config);
    }

    private static void appendBatches(PartitionLog log, int batches) {
        for (int i = 0; i < batches; i++) {
            log.append(records(START_MS + i, 2), 0);
        }
    }

    @Test
    void shouldListSealedSegmentsOldestFirstWhenRemoteStorageIsEnabled() throws Exception {
        // given
        PartitionLog log = open(tieredConfig());
        appendBatches(log, 7);

        // when
        List<SealedSegment> candidates = log.segmentsToUpload();

        // then: segments [0,4), [4,8), [8,12); the active one [12,14) is not a candidate
        assertEquals(List.of(0L, 4L, 8L), candidates.stream().map(SealedSegment::baseOffset).toList());
        SealedSegment first = candidates.get(0);
        assertEquals(4L, first.nextOffset());
        assertEquals(3L, first.endOffset());
        assertEquals(TOPIC_ID, first.topicId());
        assertEquals(START_MS + 1, first.maxTimestamp());
        assertTrue(Files.isRegularFile(first.logFile()));
        assertEquals(Files.size(first.logFile()), (long) first.sizeInBytes(), "size");
        assertTrue(Files.isRegularFile(first.offsetIndexFile()));
        assertTrue(Files.isRegularFile(first.timeIndexFile()));
        assertTrue(first.producerSnapshotFile().isPresent(), "snapshot taken at the roll");
        assertEquals(List.of(new EpochEntry(0, 0)), first.leaderEpochs());
        assertEquals(List.of(new EpochEntry(0, 4)), candidates.get(1).leaderEpochs());
    }

    @Test
    void shouldListNothingWithoutRemoteStorage() {
        // given
        PartitionLog log = open(tieredConfig().withRemoteStorage(false, LogConfig.FOLLOW_RETENTION,
                LogConfig.FOLLOW_RETENTION));
        appendBatches(log, 7);

        // when / then
        assertEquals(List.of(), log.segmentsToUpload());
    }

    @Test
    void shouldListOnlySegmentsAboveTheHighestUploadedOffset() {
        // given
        PartitionLog log = open(tieredConfig());
        appendBatches(log, 7);

        // when
        log.updateHighestOffsetInRemoteStorage(3);
        log.updateHighestOffsetInRemoteStorage(1);

        // then
        assertEquals(3L, log.highestOffsetInRemoteStorage(), "never moves backwards");
        assertEquals(List.of(4L, 8L), log.segmentsToUpload().stream().map(SealedSegment::baseOffset).toList());
    }

    @Test
    void shouldCountTheActiveSegmentAmongTheLocalBytesNotUploaded() {
        // given: segments [0,4), [4,8), [8,12) sealed, [12,14) active
        PartitionLog log = open(tieredConfig());
        appendBatches(log, 7);
        List<SealedSegment> sealed = log.segmentsToUpload();
        long activeBytes = log.size() - sealed.stream().mapToLong(SealedSegment::sizeInBytes).sum();
        assertTrue(activeBytes > 0);
        assertEquals(log.size(), log.onlyLocalLogSegmentsSize(), "nothing uploaded yet");

        // when
        log.updateHighestOffsetInRemoteStorage(3);

        // then
        assertEquals(log.size() - sealed.get(0).sizeInBytes(), log.onlyLocalLogSegmentsSize());

        // when: every sealed segment is uploaded
        log.updateHighestOffsetInRemoteStorage(11);

        // then: the active segment is still local-only
        assertEquals(List.of(), log.segmentsToUpload());
        assertEquals(activeBytes, log.onlyLocalLogSegmentsSize());
    }

    @Test
    void shouldDeleteNothingLocallyBeforeUploadEvenBeyondLocalRetention() {
        // given
        PartitionLog log = open(tieredConfig());
        appendBatches(log, 10);

        // when
        int deleted = log.deleteRetentionExpiredSegments(clock.milliseconds());

        // then
        assertEquals(0, deleted);
        assertEquals(0L, log.localLogStartOffset());
        assertEquals(range(0, 20), readAll(log, 0));
    }

    @Test
    void shouldDeleteOnlyUploadedSegmentsAndKeepTheLogStartOffsetWhenLocalRetentionPasses() {
        // given: 5 segments of 4 offsets, the first three uploaded, local retention = 2 segments
        PartitionLog log = open(tieredConfig());
        appendBatches(log, 10);
        log.updateHighestOffsetInRemoteStorage(11);

        // when
        int deleted = log.deleteRetentionExpiredSegments(clock.milliseconds());

        // then: [0,4), [4,8) and [8,12) go (the local log keeps 2 segments' bytes); nothing not uploaded
        assertEquals(3, deleted);
        assertEquals(0L, log.logStartOffset());
        assertEquals(12L, log.localLogStartOffset());
        assertTrue(log.isInRemoteTier(0));
        assertTrue(log.isInRemoteTier(11));
        assertFalse(log.isInRemoteTier(12));
        FetchDataInfo remote = log.read(5, 1024, true);
        assertTrue(remote.inRemoteTier());
        assertEquals(0, remote.records().sizeInBytes());
        assertEquals(0L, remote.logStartOffset());
        assertEquals(range(12, 20), readAll(log, 12));
        assertEquals(12L, log.fetchOffsetByTimestamp(PartitionLog.EARLIEST_LOCAL_TIMESTAMP).orElseThrow().offset);
        assertEquals(0L, log.fetchOffsetByTimestamp(PartitionLog.EARLIEST_TIMESTAMP).orElseThrow().offset);
        assertEquals(11L, log.fetchOffsetByTimestamp(PartitionLog.LATEST_TIERED_TIMESTAMP).orElseThrow().offset);
        assertEquals(12L,
                log.fetchOffsetByTimestamp(PartitionLog.EARLIEST_PENDING_UPLOAD_TIMESTAMP).orElseThrow().offset);
    }

    @Test
    void shouldRaiseTheLogStartOffsetFromTheRemoteTierButNeverAboveTheHighWatermark() {
        // given
        PartitionLog log = open(tieredConfig());
        appendBatches(log, 10);
        log.updateHighestOffsetInRemoteStorage(11);
        log.deleteRetentionExpiredSegments(clock.milliseconds());

        // when / then
        log.updateLogStartOffsetFromRemoteTier(4);
        assertEquals(4L, log.logStartOffset());
        log.updateLogStartOffsetFromRemoteTier(2);
        assertEquals(4L, log.logStartOffset(), "never lowered");
        assertThrows(OffsetOutOfRangeException.class, () -> log.read(3, 1024, true));
        log.updateLogStartOffsetFromRemoteTier(14);
        assertEquals(14L, log.logStartOffset(), "remote retention may pass the local start");
        assertEquals(14L, log.localLogStartOffset());
        log.updateLogStartOffsetFromRemoteTier(100);
        assertEquals(20L, log.logStartOffset(), "capped at the high watermark");
    }

    @Test
    void shouldKeepTheLogStartOffsetBelowLocalSegmentsAcrossARestart() {
        // given
        LogConfig config = tieredConfig();
        PartitionLog log = open(config);
        appendBatches(log, 10);
        log.updateHighestOffsetInRemoteStorage(11);
        log.deleteRetentionExpiredSegments(clock.milliseconds());
        log.updateLogStartOffsetFromRemoteTier(4);
        scheduler.runDue();
        logs.close();

        // when
        PartitionLog reopened = open(config);

        // then
        assertEquals(4L, reopened.logStartOffset());
        assertEquals(12L, reopened.localLogStartOffset());
        assertEquals(20L, reopened.logEndOffset());
        assertTrue(reopened.read(8, 1024, true).inRemoteTier());
    }

    @Test
    void shouldMoveBothStartsWhenRecordsAreDeletedBeyondTheLocalStart() {
        // given
        PartitionLog log = open(tieredConfig());
        appendBatches(log, 10);
        log.updateHighestOffsetInRemoteStorage(11);
        log.deleteRetentionExpiredSegments(clock.milliseconds());

        // when: below the local start only the log start moves; beyond it both do
        assertEquals(6L, log.deleteRecordsBefore(6));
        assertEquals(12L, log.localLogStartOffset());
        assertEquals(14L, log.deleteRecordsBefore(14));

        // then
        assertEquals(14L, log.localLogStartOffset());
        assertFalse(log.isInRemoteTier(13));
        assertEquals(range(14, 20), readAll(log, 14));
    }

    @Test
    void shouldContinueAnEmptyLogWhereTheRemoteTierEndsWithItsProducersAndEpochs() throws Exception {
        // given: a source log whose idempotent producer wrote 3 segments, and the snapshot taken at their end
        PartitionLog source = open(tieredConfig());
        for (int i = 0; i < 6; i++) {
            source.append(LogTestSupport.idempotentRecords(42L, (short) 0, i * 2, START_MS, 2), 0);
        }
        SealedSegment last = source.segmentsToUpload().get(source.segmentsToUpload().size() - 1);
        ByteBuffer snapshot = ByteBuffer.wrap(Files.readAllBytes(last.producerSnapshotFile().orElseThrow()));
        logs.close();
        LogFiles.deleteRecursively(logDir);
        Files.createDirectories(logDir);

        // when: an empty data directory restores the partition from the remote tier
        PartitionLog restored = open(tieredConfig());
        restored.restoreFromRemoteTier(2, last.nextOffset(), List.of(new EpochEntry(0, 0)), Optional.of(snapshot));

        // then
        assertEquals(2L, restored.logStartOffset());
        assertEquals(last.nextOffset(), restored.localLogStartOffset());
        assertEquals(last.nextOffset(), restored.logEndOffset());
        assertEquals(last.nextOffset() - 1, restored.highestOffsetInRemoteStorage());
        assertTrue(restored.read(3, 1024, true).inRemoteTier());
        assertEquals(OptionalInt.of(0), restored.latestLeaderEpoch());
        // offsets and sequences coincide here: one producer, from sequence 0
        int lastSequence = (int) last.nextOffset() - 2;
        LogAppendInfo retry = restored.append(
                LogTestSupport.idempotentRecords(42L, (short) 0, lastSequence, START_MS, 2), 0);
        assertTrue(retry.duplicate(), "the producer's last batch before the restore is known");
        LogAppendInfo next = restored.append(
                LogTestSupport.idempotentRecords(42L, (short) 0, lastSequence + 2, START_MS, 2), 0);
        assertEquals(last.nextOffset(), next.firstOffset());

        // and: a restart keeps it, and a non-empty log refuses a second restore
        logs.close();
        PartitionLog reopened = open(tieredConfig());
        assertEquals(2L, reopened.logStartOffset());
        assertEquals(last.nextOffset() + 2, reopened.logEndOffset());
        assertThrows(IllegalStateException.class,
                () -> reopened.restoreFromRemoteTier(2, 100, List.of(), Optional.empty()));
    }
}
