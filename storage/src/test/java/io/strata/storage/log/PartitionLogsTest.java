package io.strata.storage.log;

import static io.strata.storage.log.LogTestSupport.START_MS;
import static io.strata.storage.log.LogTestSupport.config;
import static io.strata.storage.log.LogTestSupport.idempotentRecords;
import static io.strata.storage.log.LogTestSupport.range;
import static io.strata.storage.log.LogTestSupport.readAll;
import static io.strata.storage.log.LogTestSupport.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogsTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final Uuid TOPIC_ID = Uuid.fromString("3p9hbQeZTbCNSl5ItLwQ5Q");

    @TempDir
    Path logDir;

    private final ManualClock clock = new ManualClock(START_MS);
    private ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    private PartitionLogs logs;

    @AfterEach
    void closeLogs() {
        if (logs != null) {
            logs.close();
        }
    }

    private PartitionLogs open(LogConfig config) {
        logs = PartitionLogs.open(List.of(logDir), topic -> config, clock, scheduler);
        return logs;
    }

    /** Simulates a crash: the open instance is abandoned without close(), as a killed broker leaves it. */
    private PartitionLogs reopenAfterCrash(LogConfig config) {
        scheduler = new ManualScheduledExecutor(clock);
        return open(config);
    }

    private PartitionLogs reopenAfterClose(LogConfig config) {
        logs.close();
        return open(config);
    }

    private static Path partitionDir(Path logDir) {
        return logDir.resolve("orders-0");
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void shouldLayOutPartitionDirectoryInKafkaFormatWhenCreatingLog() throws IOException {
        // given
        open(config(1024));

        // when
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config(1024));

        // then
        Path dir = partitionDir(logDir);
        assertEquals(dir, log.dir());
        assertEquals(List.of("00000000000000000000.index", "00000000000000000000.log",
                "00000000000000000000.timeindex", "leader-epoch-checkpoint", "partition.metadata"), fileNames(dir));
        assertEquals("version: 0\ntopic_id: 3p9hbQeZTbCNSl5ItLwQ5Q",
                Files.readString(dir.resolve("partition.metadata")));
        assertEquals("0\n1\n0 0\n", Files.readString(dir.resolve("leader-epoch-checkpoint")));
        assertEquals(Optional.of(TOPIC_ID), logs.topicIdOf(TP));
        assertEquals(TOPIC_ID, log.topicId());
        assertEquals(Optional.of(log), logs.get(TP));
        assertEquals(List.of(log), List.copyOf(logs.all()));
    }

    @Test
    void shouldReturnExistingLogWhenCreatedTwice() {
        // given
        open(config(1024));
        PartitionLog first = logs.getOrCreate(TP, TOPIC_ID, config(1024));

        // when
        PartitionLog second = logs.getOrCreate(TP, TOPIC_ID, config(2048));

        // then
        assertTrue(first == second);
        assertThrows(InconsistentTopicIdException.class, () -> logs.getOrCreate(TP, Uuid.randomUuid(), config(1024)));
    }

    @Test
    void shouldSpreadPartitionsOverLogDirsWhenCreatingLogs(@TempDir Path secondDir) {
        // given
        logs = PartitionLogs.open(List.of(logDir, secondDir), topic -> config(1024), clock, scheduler);

        // when
        for (int partition = 0; partition < 4; partition++) {
            logs.getOrCreate(new TopicPartition("orders", partition), TOPIC_ID, config(1024));
        }

        // then
        long inFirst = logs.all().stream().filter(log -> log.dir().getParent().equals(logDir.toAbsolutePath())).count();
        assertEquals(2, inFirst);
        assertEquals(4, logs.all().size());
    }

    @Test
    void shouldKeepEverythingWithoutRecoveryWhenRestartedAfterCleanClose() throws IOException {
        // given
        int batchSize = records(START_MS, 2).sizeInBytes();
        open(config(batchSize * 2));
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config(batchSize * 2));
        for (int i = 0; i < 5; i++) {
            log.append(records(START_MS + i, 2), 0);
        }
        log.deleteRecordsBefore(5);
        logs.close();
        assertTrue(Files.exists(logDir.resolve(PartitionLogs.CLEAN_SHUTDOWN_FILE)));
        assertEquals("0\n1\norders 0 10\n", Files.readString(logDir.resolve("recovery-point-offset-checkpoint")));
        Path activeLog = partitionDir(logDir).resolve("00000000000000000008.log");
        long activeSize = Files.size(activeLog);
        Files.write(activeLog, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

        // when
        PartitionLog reopened = open(config(batchSize * 2)).get(TP).orElseThrow();

        // then
        assertEquals(activeSize + 3, Files.size(activeLog), "a clean start must not recover (truncate) segments");
        assertFalse(Files.exists(logDir.resolve(PartitionLogs.CLEAN_SHUTDOWN_FILE)));
        assertEquals(5L, reopened.logStartOffset());
        assertEquals(10L, reopened.logEndOffset());
        assertEquals(10L, reopened.recoveryPoint());
        assertEquals(TOPIC_ID, reopened.topicId());
        assertEquals(range(5, 10), readAll(reopened, 5));
        assertEquals(Optional.of(new TimestampAndOffset(START_MS + 4, 8, Optional.of(0))),
                reopened.fetchOffsetByTimestamp(PartitionLog.MAX_TIMESTAMP));
    }

    @Test
    void shouldTruncateTornTailAndKeepEarlierDataWhenRestartedWithoutCleanShutdown() throws IOException {
        // given
        int batchSize = records(START_MS, 2).sizeInBytes();
        open(config(batchSize * 3));
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config(batchSize * 3));
        for (int i = 0; i < 7; i++) {
            log.append(records(START_MS, 2), 0);
        }
        Path activeLog = partitionDir(logDir).resolve("00000000000000000012.log");
        long validSize = Files.size(activeLog);
        ByteBuffer torn = ByteBuffer.allocate(batchSize / 2);
        MemoryRecords next = records(START_MS, 2);
        next.buffer().putLong(0, 14L);
        torn.put(next.buffer().duplicate().limit(batchSize / 2)).flip();
        try (FileChannel channel = FileChannel.open(activeLog, StandardOpenOption.APPEND)) {
            channel.write(torn);
        }

        // when
        PartitionLog recovered = reopenAfterCrash(config(batchSize * 3)).get(TP).orElseThrow();

        // then
        assertEquals(validSize, Files.size(activeLog));
        assertEquals(14L, recovered.logEndOffset());
        assertEquals(range(0, 14), readAll(recovered, 0));
        assertEquals(14L, recovered.append(records(START_MS, 2), 0).firstOffset());
        assertEquals(range(0, 16), readAll(recovered, 0));
    }

    @Test
    void shouldDeleteLaterSegmentsWhenRecoveryTruncatesAnEarlierOne() throws IOException {
        // given
        int batchSize = records(START_MS, 2).sizeInBytes();
        open(config(batchSize * 2));
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config(batchSize * 2));
        for (int i = 0; i < 6; i++) {
            log.append(records(START_MS, 2), 0);
        }
        Path middle = partitionDir(logDir).resolve("00000000000000000004.log");
        try (FileChannel channel = FileChannel.open(middle, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {42, 42, 42, 42}), batchSize + batchSize - 4);
        }

        // when
        PartitionLog recovered = reopenAfterCrash(config(batchSize * 2)).get(TP).orElseThrow();

        // then
        assertEquals(6L, recovered.logEndOffset());
        assertEquals(range(0, 6), readAll(recovered, 0));
        assertEquals(List.of("00000000000000000000.log", "00000000000000000004.log"),
                fileNames(partitionDir(logDir)).stream().filter(name -> name.endsWith(".log")).toList());
    }

    @Test
    void shouldDetectRetriedIdempotentBatchWhenRestartedAfterCrash() {
        // given
        int batchSize = idempotentRecords(1L, (short) 0, 0, START_MS, 2).sizeInBytes();
        open(config(batchSize * 2));
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config(batchSize * 2));
        for (int sequence = 0; sequence < 10; sequence += 2) {
            log.append(idempotentRecords(1L, (short) 0, sequence, START_MS, 2), 0);
        }

        // when
        PartitionLog recovered = reopenAfterCrash(config(batchSize * 2)).get(TP).orElseThrow();
        LogAppendInfo retry = recovered.append(idempotentRecords(1L, (short) 0, 8, START_MS, 2), 0);

        // then
        assertTrue(retry.duplicate());
        assertEquals(8L, retry.firstOffset());
        assertEquals(9L, retry.lastOffset());
        assertEquals(10L, recovered.logEndOffset());
        assertEquals(10L, recovered.append(idempotentRecords(1L, (short) 0, 10, START_MS, 2), 0).firstOffset());
    }

    @Test
    void shouldDetectRetriedIdempotentBatchWhenRestartedAfterCleanClose() throws IOException {
        // given
        open(config(1024 * 1024));
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config(1024 * 1024));
        log.append(idempotentRecords(5L, (short) 2, 0, START_MS, 3), 0);

        // when
        PartitionLog reopened = reopenAfterClose(config(1024 * 1024)).get(TP).orElseThrow();
        LogAppendInfo retry = reopened.append(idempotentRecords(5L, (short) 2, 0, START_MS, 3), 0);

        // then
        assertTrue(Files.exists(partitionDir(logDir).resolve("00000000000000000003.snapshot")));
        assertTrue(retry.duplicate());
        assertEquals(0L, retry.firstOffset());
        assertEquals(2L, retry.lastOffset());
    }

    @Test
    void shouldRebuildIndexesWhenMissingOrCorruptAtOpen() throws IOException {
        // given
        int batchSize = records(START_MS, 2).sizeInBytes();
        open(config(batchSize * 4));
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config(batchSize * 4));
        for (int i = 0; i < 12; i++) {
            log.append(records(START_MS + i, 2), 0);
        }
        logs.close();
        Path dir = partitionDir(logDir);
        Files.delete(dir.resolve("00000000000000000000.index"));
        Files.write(dir.resolve("00000000000000000008.index"), new byte[] {0, 0, 0});
        Files.delete(dir.resolve("00000000000000000016.timeindex"));

        // when
        PartitionLog reopened = open(config(batchSize * 4)).get(TP).orElseThrow();

        // then
        assertEquals(24L, reopened.logEndOffset());
        assertEquals(range(0, 24), readAll(reopened, 0));
        assertEquals(5L, reopened.read(5, 1024 * 1024, true).records().batches().iterator().next().lastOffset());
        assertEquals(Optional.of(new TimestampAndOffset(START_MS + 9, 18, Optional.of(0))),
                reopened.fetchOffsetByTimestamp(START_MS + 9));
        assertTrue(Files.exists(dir.resolve("00000000000000000000.index")));
        assertEquals(0, Files.size(dir.resolve("00000000000000000008.index")) % 8);
        assertTrue(Files.exists(dir.resolve("00000000000000000016.timeindex")));
    }

    @Test
    void shouldRenameThenRemoveDirectoryWhenPartitionIsDeleted() throws IOException {
        // given
        LogConfig config = config(1024, Long.MAX_VALUE, -1, -1, 60_000);
        open(config);
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config);
        log.append(records(START_MS, 3), 0);
        logs.getOrCreate(new TopicPartition("orders", 1), TOPIC_ID, config);

        // when
        logs.delete(TP);

        // then
        assertEquals(Optional.empty(), logs.get(TP));
        assertFalse(Files.exists(partitionDir(logDir)));
        List<String> deleteDirs = fileNames(logDir).stream().filter(name -> name.endsWith("-delete")).toList();
        assertEquals(1, deleteDirs.size());
        assertTrue(deleteDirs.get(0).matches("orders-0\\.[0-9a-f]{32}-delete"), deleteDirs.get(0));
        assertEquals("0\n1\norders 1 0\n", Files.readString(logDir.resolve("recovery-point-offset-checkpoint")));
        scheduler.advance(60_000);
        assertFalse(Files.exists(logDir.resolve(deleteDirs.get(0))));
        assertTrue(Files.exists(logDir.resolve("orders-1")));
    }

    @Test
    void shouldCleanUpLeftoversAndSkipForeignDirectoriesWhenOpening() throws IOException {
        // given
        Path leftoverDelete =
                Files.createDirectories(logDir.resolve("orders-3.0123456789abcdef0123456789abcdef-delete"));
        Files.writeString(leftoverDelete.resolve("00000000000000000000.log"), "x");
        Path metadata = Files.createDirectories(logDir.resolve("__strata_metadata"));
        Files.writeString(metadata.resolve("topics.json"), "{}");
        Path partition = Files.createDirectories(partitionDir(logDir));
        for (String name : List.of("00000000000000000000.log.deleted", "00000000000000000000.index.swap",
                "00000000000000000000.log.cleaned", "partition.metadata.tmp", "00000000000000000042.index")) {
            Files.writeString(partition.resolve(name), "x");
        }
        Files.writeString(logDir.resolve("recovery-point-offset-checkpoint"), "garbage");

        // when
        open(config(1024));

        // then
        assertFalse(Files.exists(leftoverDelete));
        assertTrue(Files.exists(metadata.resolve("topics.json")));
        assertEquals(1, logs.all().size());
        assertEquals(Optional.empty(), logs.topicIdOf(TP));
        assertEquals(List.of("00000000000000000000.index", "00000000000000000000.log",
                "00000000000000000000.timeindex"), fileNames(partition));
    }

    @Test
    void shouldAdoptTopicIdWhenExistingDirectoryHasNone() throws IOException {
        // given
        Files.createDirectories(partitionDir(logDir));
        open(config(1024));

        // when
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config(1024));

        // then
        assertEquals(TOPIC_ID, log.topicId());
        assertEquals("version: 0\ntopic_id: " + TOPIC_ID,
                Files.readString(partitionDir(logDir).resolve("partition.metadata")));
    }

    @Test
    void shouldFailWhenTwoLogDirsHoldTheSamePartition(@TempDir Path secondDir) throws IOException {
        // given
        Files.createDirectories(partitionDir(logDir));
        Files.createDirectories(partitionDir(secondDir));

        // when / then
        assertThrows(KafkaException.class,
                () -> PartitionLogs.open(List.of(logDir, secondDir), topic -> config(1024), clock, scheduler));
    }

    @Test
    void shouldRestoreLogStartOffsetWhenRestartedAfterCrash() {
        // given
        open(config(1024 * 1024));
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config(1024 * 1024));
        log.append(records(START_MS, 10), 0);
        log.deleteRecordsBefore(6);

        // when
        PartitionLog recovered = reopenAfterCrash(config(1024 * 1024)).get(TP).orElseThrow();

        // then
        assertEquals(6L, recovered.logStartOffset());
        assertEquals(10L, recovered.logEndOffset());
    }

    @Test
    void shouldRunRetentionAndCheckpointsWhenBackgroundTasksAreStarted() throws IOException {
        // given
        int batchSize = records(START_MS, 2).sizeInBytes();
        LogConfig config = config(batchSize * 2, Long.MAX_VALUE, 1_000, -1, 0);
        open(config);
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config);
        for (int i = 0; i < 6; i++) {
            log.append(records(clock.milliseconds(), 2), 0);
        }
        log.flush();

        // when
        logs.startBackgroundTasks(5_000, 5_000);
        scheduler.advance(5_000);

        // then
        assertEquals(12L, log.logStartOffset());
        assertEquals(1, log.numberOfSegments());
        assertEquals("0\n1\norders 0 12\n", Files.readString(logDir.resolve("recovery-point-offset-checkpoint")));
        assertThrows(IllegalStateException.class, () -> logs.startBackgroundTasks(5_000, 5_000));
    }

    @Test
    void shouldFailToOpenWhenPartitionFilesAreCorrupt() throws IOException {
        // given
        Path dir = Files.createDirectories(partitionDir(logDir));
        Files.writeString(dir.resolve("leader-epoch-checkpoint"), "0\n2\n0 0\n");

        // when / then
        assertThrows(KafkaStorageException.class,
                () -> PartitionLogs.open(List.of(logDir), topic -> config(1024), clock, scheduler));
    }

    @Test
    void shouldStartOverAtLogStartOffsetWhenRecoveryLeavesLogEndBelowIt() throws IOException {
        // given
        open(config(1024 * 1024));
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config(1024 * 1024));
        int firstBatchSize = records(START_MS, 5).sizeInBytes();
        log.append(records(START_MS, 5), 0);
        log.append(records(START_MS, 5), 0);
        log.deleteRecordsBefore(10);
        try (FileChannel channel = FileChannel.open(partitionDir(logDir).resolve("00000000000000000000.log"),
                StandardOpenOption.WRITE)) {
            channel.truncate(firstBatchSize);
        }

        // when
        PartitionLog recovered = reopenAfterCrash(config(1024 * 1024)).get(TP).orElseThrow();

        // then
        assertEquals(10L, recovered.logStartOffset());
        assertEquals(10L, recovered.logEndOffset());
        assertEquals(List.of("00000000000000000010.index", "00000000000000000010.log", "00000000000000000010.timeindex",
                "leader-epoch-checkpoint", "partition.metadata"), fileNames(partitionDir(logDir)));
        assertEquals(10L, recovered.append(records(START_MS, 1), 0).firstOffset());
    }

    @Test
    void shouldDeleteSegmentFilesAtOnceWhenSchedulerIsShutDown() throws IOException {
        // given
        int batchSize = records(START_MS, 2).sizeInBytes();
        LogConfig config = config(batchSize * 2, Long.MAX_VALUE, -1, -1, 60_000);
        open(config);
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config);
        for (int i = 0; i < 4; i++) {
            log.append(records(START_MS, 2), 0);
        }
        scheduler.shutdown();

        // when
        log.deleteRecordsBefore(4);
        logs.delete(new TopicPartition("other", 0));

        // then
        assertEquals(List.of("00000000000000000004.index", "00000000000000000004.log",
                "00000000000000000004.snapshot", "00000000000000000004.timeindex", "leader-epoch-checkpoint",
                "partition.metadata"), fileNames(partitionDir(logDir)));
    }

    @Test
    void shouldRemoveEverythingWhenLogIsClosedAndDeleted() {
        // given
        open(config(1024));
        PartitionLog log = logs.getOrCreate(TP, TOPIC_ID, config(1024));
        log.append(records(START_MS, 3), 0);

        // when
        log.closeAndDelete();

        // then
        assertFalse(Files.exists(partitionDir(logDir)));
    }
}
