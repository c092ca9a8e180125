package io.strata.storage.log;

import io.strata.storage.file.AtomicFiles;
import io.strata.storage.file.LeaderEpochCheckpointFile;
import io.strata.storage.file.LeaderEpochCheckpointFile.EpochEntry;
import io.strata.storage.file.SegmentFiles;
import io.strata.storage.index.CorruptIndexException;
import io.strata.storage.producer.ProducerStateManager;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory at startup (Kafka's {@code LogLoader}):
 * <ol>
 *   <li>deletes leftovers: {@code *.tmp}, {@code *.deleted}, {@code *.cleaned}, {@code *.swap}
 *       files and index files without a {@code .log};</li>
 *   <li>opens every segment; after a clean shutdown, and below the recovery point, only the
 *       indexes are sanity-checked (and rebuilt from the {@code .log} if missing or corrupt);</li>
 *   <li>after an unclean shutdown recovers every segment from the one holding the recovery point
 *       on: re-validates batches, rebuilds indexes and truncates a torn or corrupt tail, deleting
 *       all later segments once one was truncated;</li>
 *   <li>applies the log start offset checkpoint (a log cut below it starts over there);</li>
 *   <li>rebuilds producer state: the latest snapshot at or below the log end offset, then the
 *       batches after it.</li>
 * </ol>
 *
 * <p>This class is stateless; one call loads one directory on the calling thread.
 */
final class LogLoader {

    private static final Logger log = LoggerFactory.getLogger(LogLoader.class);
    private static final Pattern LOG_FILE = Pattern.compile("\\d{" + SegmentFiles.OFFSET_DIGITS + "}\\.log");

    /** What a directory loaded into. */
    record LoadedLog(LogSegments segments, long logStartOffset, long localLogStartOffset, long recoveryPoint,
                     LogOffsetMetadata endOffset, ProducerStateManager producerState,
                     LeaderEpochCache leaderEpochCache) {
    }

    private LogLoader() {
    }

    static LoadedLog load(TopicPartition topicPartition, Path dir, LogConfig config, Time time,
                          boolean hadCleanShutdown, long recoveryPointCheckpoint, long logStartOffsetCheckpoint,
                          long producerIdExpirationMs) throws IOException {
        TreeSet<Long> baseOffsets = removeLeftoversAndListSegments(dir);
        LeaderEpochCache leaderEpochCache =
                LeaderEpochCache.load(new LeaderEpochCheckpointFile(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME)));
        LogSegments segments = new LogSegments();
        try {
            for (long baseOffset : baseOffsets) {
                segments.add(openSegment(dir, baseOffset, config, time,
                        hadCleanShutdown || baseOffset < recoveryPointCheckpoint));
            }
            List<EpochEntry> recoveredEpochs = new ArrayList<>();
            if (!hadCleanShutdown) {
                recover(topicPartition, segments, recoveryPointCheckpoint, leaderEpochCache, recoveredEpochs);
            }
            ProducerStateManager producerState = new ProducerStateManager(dir, time, producerIdExpirationMs);
            if (!segments.isEmpty() && segments.activeSegment().readNextOffset() < logStartOffsetCheckpoint) {
                log.warn("Log end offset {} of {} is below its checkpointed log start offset {}: deleting all segments",
                        segments.activeSegment().readNextOffset(), topicPartition, logStartOffsetCheckpoint);
                for (LogSegment segment : segments.values()) {
                    segment.deleteIfExists();
                }
                segments.clear();
                leaderEpochCache.truncateFromEnd(-1);
                producerState.truncateFullyAndStartAt(logStartOffsetCheckpoint);
            }
            if (segments.isEmpty()) {
                segments.add(LogSegment.open(dir, Math.max(0, logStartOffsetCheckpoint), config, time, false));
            }
            LogSegment active = segments.activeSegment();
            active.resizeIndexes(config.segmentIndexBytes());
            long logEndOffset = active.readNextOffset();
            long localLogStartOffset = Math.max(logStartOffsetCheckpoint, segments.firstSegment().baseOffset());
            // A tiered log may start below its local segments: the rest is in the remote tier, which
            // the remote log manager reconciles (updateLogStartOffsetFromRemoteTier) once it knows it.
            long logStartOffset = config.remoteStorageEnable() && logStartOffsetCheckpoint >= 0
                    ? Math.min(logStartOffsetCheckpoint, localLogStartOffset) : localLogStartOffset;
            long recoveryPoint = hadCleanShutdown ? logEndOffset : Math.min(recoveryPointCheckpoint, logEndOffset);

            for (EpochEntry entry : recoveredEpochs) {
                leaderEpochCache.assign(entry.epoch(), entry.startOffset());
            }
            leaderEpochCache.truncateFromEnd(logEndOffset);
            leaderEpochCache.truncateFromStart(logStartOffset);

            rebuildProducerState(topicPartition, segments, producerState, logStartOffset, logEndOffset,
                    hadCleanShutdown);
            LogOffsetMetadata endOffset = new LogOffsetMetadata(logEndOffset, active.baseOffset(), active.size());
            return new LoadedLog(segments, logStartOffset, localLogStartOffset, recoveryPoint, endOffset, producerState,
                    leaderEpochCache);
        } catch (IOException | RuntimeException e) {
            for (LogSegment segment : segments.values()) {
                segment.closeHandlers();
            }
            throw e;
        }
    }

    /** Deletes temporary and half-deleted files, then returns the base offsets of the {@code .log} files. */
    private static TreeSet<Long> removeLeftoversAndListSegments(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                if (Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        }
        TreeSet<Long> baseOffsets = new TreeSet<>();
        List<Path> indexFiles = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(AtomicFiles.TMP_SUFFIX) || name.endsWith(SegmentFiles.DELETED_FILE_SUFFIX)
                    || name.endsWith(SegmentFiles.CLEANED_FILE_SUFFIX)
                    || name.endsWith(SegmentFiles.SWAP_FILE_SUFFIX)) {
                log.info("Deleting leftover file {}", file);
                Files.deleteIfExists(file);
            } else if (LOG_FILE.matcher(name).matches()) {
                baseOffsets.add(SegmentFiles.offsetFromFile(file));
            } else if (SegmentFiles.isIndexFile(file)) {
                indexFiles.add(file);
            }
        }
        for (Path indexFile : indexFiles) {
            long offset;
            try {
                offset = SegmentFiles.offsetFromFile(indexFile);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (!baseOffsets.contains(offset)) {
                log.info("Deleting orphaned index file {}", indexFile);
                Files.deleteIfExists(indexFile);
            }
        }
        return baseOffsets;
    }

    private static LogSegment openSegment(Path dir, long baseOffset, LogConfig config, Time time,
                                          boolean checkIndexes) {
        boolean timeIndexMissing = !Files.exists(SegmentFiles.timeIndexFile(dir, baseOffset));
        LogSegment segment = LogSegment.open(dir, baseOffset, config, time, true);
        if (checkIndexes) {
            try {
                segment.sanityCheck(timeIndexMissing);
            } catch (CorruptIndexException e) {
                log.warn("Rebuilding the indexes of {}: {}", segment, e.getMessage());
                int truncated = segment.recover(batch -> {
                });
                if (truncated > 0) {
                    log.warn("Truncated {} invalid bytes from {} while rebuilding its indexes", truncated, segment);
                }
            }
        }
        return segment;
    }

    /**
     * Recovers the segments from the one holding {@code recoveryPoint} on. Once a segment had to be
     * truncated, everything after it is gone: the later segments are deleted.
     */
    private static void recover(TopicPartition topicPartition, LogSegments segments, long recoveryPoint,
                                LeaderEpochCache leaderEpochCache, List<EpochEntry> recoveredEpochs) {
        List<LogSegment> unflushed = segments.values(recoveryPoint, Long.MAX_VALUE);
        int latestEpoch = leaderEpochCache.latestEpoch().orElse(RecordBatch.NO_PARTITION_LEADER_EPOCH);
        int[] epoch = {latestEpoch};
        for (int i = 0; i < unflushed.size(); i++) {
            LogSegment segment = unflushed.get(i);
            log.info("Recovering unflushed segment {} of {}", segment.baseOffset(), topicPartition);
            int truncated = segment.recover(batch -> {
                if (batch.partitionLeaderEpoch() > epoch[0]) {
                    epoch[0] = batch.partitionLeaderEpoch();
                    recoveredEpochs.add(new EpochEntry(batch.partitionLeaderEpoch(), batch.baseOffset()));
                }
            });
            if (truncated > 0) {
                log.warn("Truncated {} bytes of torn or corrupt data at the end of segment {} of {}", truncated,
                        segment.baseOffset(), topicPartition);
                for (LogSegment later : unflushed.subList(i + 1, unflushed.size())) {
                    log.warn("Deleting segment {} of {}: it follows a truncated segment", later.baseOffset(),
                            topicPartition);
                    segments.remove(later.baseOffset());
                    later.deleteIfExists();
                }
                return;
            }
        }
    }

    /**
     * Loads the latest producer snapshot at or below the log end offset and replays the batches
     * after it; a clean shutdown leaves a snapshot at the log end offset, so nothing is replayed.
     */
    private static void rebuildProducerState(TopicPartition topicPartition, LogSegments segments,
                                             ProducerStateManager producerState, long logStartOffset,
                                             long logEndOffset, boolean hadCleanShutdown) throws IOException {
        long snapshotOffset = producerState.truncateAndReload(logStartOffset, logEndOffset);
        long replayFrom = Math.max(snapshotOffset, logStartOffset);
        if (replayFrom >= logEndOffset) {
            return;
        }
        if (hadCleanShutdown) {
            log.info("No producer snapshot at the log end offset {} of {}: replaying from offset {}", logEndOffset,
                    topicPartition, replayFrom);
        }
        for (LogSegment segment : segments.values(replayFrom, logEndOffset)) {
            SegmentRead read = segment.read(Math.max(replayFrom, segment.baseOffset()), Integer.MAX_VALUE,
                    segment.size(), true);
            if (read == null) {
                continue;
            }
            for (RecordBatch batch : read.records().batches()) {
                if (batch.lastOffset() >= replayFrom) {
                    producerState.replay(batch);
                }
            }
        }
        producerState.takeSnapshot(logEndOffset);
    }
}
