package io.strata.storage.log;

import io.strata.storage.producer.AppendCheck;
import io.strata.storage.producer.BatchMetadata;
import io.strata.storage.producer.ProducerStateManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import io.strata.storage.file.LeaderEpochCheckpointFile.EpochEntry;
import io.strata.storage.file.SegmentFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition: an ordered set of segments in {@code <logDir>/<topic>-<partition>},
 * the last of which (the active segment) takes appends. Kafka's {@code UnifiedLog} semantics on a
 * single node, so the high watermark is the log end offset.
 *
 * <pre>
 *  logStartOffset              segment bases                      logEndOffset (= highWatermark)
 *        v                                                                v
 *  | 0 .. 99 | 100 .. 249 | 250 .. 399 | 400 ..                     (active)|
 *                                        ^ appends, rolls when full or old
 *  retention / deleteRecordsBefore remove whole segments from the left: files renamed to
 *  .deleted, physically deleted file.delete.delay.ms later.
 * </pre>
 *
 * <p>With {@code remote.storage.enable} the log has two starts (Kafka's {@code UnifiedLog}): the
 * log start offset, the first offset still readable in either tier, and the local log start offset,
 * the base of the first segment on local disk. Segments below the local start are in the remote
 * tier; {@link #segmentsToUpload()} lists the sealed segments not yet there, the remote log manager
 * reports each confirmed upload with {@link #updateHighestOffsetInRemoteStorage}, and only segments
 * at or below that offset are ever deleted locally (by {@code local.retention.ms/bytes}).
 *
 * <pre>
 *  logStartOffset       localLogStartOffset   highestOffsetInRemoteStorage        logEndOffset
 *        v                     v                        v                               v
 *  [ remote only ..........   ][ local and remote ......][ local only (not uploaded) ...]
 * </pre>
 *
 * <p>Writers (append, roll, retention, deleteRecordsBefore, flush bookkeeping, close) are
 * serialized by a lock. Readers never lock: they look segments up in a concurrent map and read up
 * to a volatile end-offset snapshot that is published only after a batch is fully written, so a
 * reader never sees part of a batch. {@link IOException}s surface as {@link KafkaStorageException}.
 *
 * <p>This class is thread-safe.
 */
public final class PartitionLog {

    /** ListOffsets: the log start offset. */
    public static final long EARLIEST_TIMESTAMP = -2L;
    /** ListOffsets: the log end offset. */
    public static final long LATEST_TIMESTAMP = -1L;
    /** ListOffsets: the record with the largest timestamp. */
    public static final long MAX_TIMESTAMP = -3L;
    /** ListOffsets: the first offset still on local disk (the log start offset without tiering). */
    public static final long EARLIEST_LOCAL_TIMESTAMP = -4L;
    /** ListOffsets: the last offset in the remote tier (offset -1 without tiering). */
    public static final long LATEST_TIERED_TIMESTAMP = -5L;
    /** ListOffsets: the first offset not yet in the remote tier (offset -1 without tiering). */
    public static final long EARLIEST_PENDING_UPLOAD_TIMESTAMP = -6L;

    private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);

    private final TopicPartition topicPartition;
    private final Time time;
    private final ScheduledExecutorService scheduler;
    private final LogSegments segments;
    private final ProducerStateManager producerState;
    private final LeaderEpochCache leaderEpochCache;
    private final SegmentDeleter deleter;
    private final Consumer<PartitionLog> logStartOffsetListener;
    private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();

    private volatile Path dir;
    private volatile Uuid topicId;
    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long localLogStartOffset;
    private volatile long highestOffsetInRemoteStorage = -1L;
    private volatile long recoveryPoint;
    private volatile long lastFlushedMs;
    /** Log end offset with its segment and position; replaced (never mutated) after each write. */
    private volatile LogOffsetMetadata endOffset;
    private volatile boolean closed;

    PartitionLog(TopicPartition topicPartition, Uuid topicId, Path dir, LogConfig config, Time time,
                 ScheduledExecutorService scheduler, LogLoader.LoadedLog loaded,
                 Consumer<PartitionLog> logStartOffsetListener) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.segments = loaded.segments();
        this.producerState = loaded.producerState();
        this.leaderEpochCache = loaded.leaderEpochCache();
        this.logStartOffset = loaded.logStartOffset();
        this.localLogStartOffset = loaded.localLogStartOffset();
        this.recoveryPoint = loaded.recoveryPoint();
        this.endOffset = loaded.endOffset();
        this.lastFlushedMs = time.milliseconds();
        this.deleter = new SegmentDeleter(topicPartition, scheduler);
        this.logStartOffsetListener = logStartOffsetListener;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    /** The topic id from {@code partition.metadata}, or {@link Uuid#ZERO_UUID} for a directory without one. */
    public Uuid topicId() {
        return topicId;
    }

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return endOffset.messageOffset();
    }

    /** The base offset of the first segment on local disk (the log start offset without a remote tier). */
    public long localLogStartOffset() {
        return localLogStartOffset;
    }

    /** The last offset confirmed uploaded to the remote tier; -1 before the first upload. */
    public long highestOffsetInRemoteStorage() {
        return highestOffsetInRemoteStorage;
    }

    /** Whether {@code offset} is readable only from the remote tier: {@code [logStartOffset, localLogStartOffset)}. */
    public boolean isInRemoteTier(long offset) {
        return offset >= logStartOffset && offset < localLogStartOffset;
    }

    /** Single node: every appended record is committed at once, so this is the log end offset. */
    public long highWatermark() {
        return endOffset.messageOffset();
    }

    /** Offset below which every segment is known to be on disk (fsynced). */
    public long recoveryPoint() {
        return recoveryPoint;
    }

    /** Total bytes of all segments. */
    public long size() {
        return segments.sizeInBytes();
    }

    /**
     * Bytes of the local segments not in the remote tier yet (base offset above
     * {@link #highestOffsetInRemoteStorage()}), the active segment included: the local share of a
     * tiered log's total size (Kafka's {@code onlyLocalLogSegmentsSize}).
     */
    public long onlyLocalLogSegmentsSize() {
        long uploadedUpTo = highestOffsetInRemoteStorage;
        long bytes = 0;
        for (LogSegment segment : segments.values()) {
            if (segment.baseOffset() > uploadedUpTo) {
                bytes += segment.size();
            }
        }
        return bytes;
    }

    public int numberOfSegments() {
        return segments.numberOfSegments();
    }

    /** Base offset of the oldest segment on disk (at or below the log start offset). */
    long firstSegmentBaseOffset() {
        LogSegment first = segments.firstSegment();
        return first == null ? logStartOffset : first.baseOffset();
    }

    /** The latest leader epoch that wrote to this log, if any. */
    public OptionalInt latestLeaderEpoch() {
        return leaderEpochCache.latestEpoch();
    }

    /**
     * Validates {@code records}, detects a retried idempotent batch, assigns offsets from the log
     * end offset, stamps {@code leaderEpoch} (and the append time for LogAppendTime topics) and
     * writes them to the active segment, rolling it first if needed. A duplicate is not written:
     * the original offsets come back with {@code duplicate = true}, and, as in Kafka, the original
     * batch's timestamp as {@code logAppendTime}. Records without a batch are rejected with
     * {@code InvalidRecordException}, as Kafka's produce path does.
     *
     * @throws org.apache.kafka.common.errors.ApiException for invalid records (corrupt, too large,
     *         bad timestamps, out-of-order sequence, fenced producer, ...)
     * @throws KafkaStorageException when the disk fails
     */
    public LogAppendInfo append(MemoryRecords records, int leaderEpoch) {
        long nowMs = time.milliseconds();
        LogConfig currentConfig = config;
        LogValidator.ValidatedBatches validated = LogValidator.validate(records, currentConfig, nowMs);
        LogAppendInfo appendInfo;
        lock.lock();
        try {
            ensureOpen();
            appendInfo = appendLocked(records, validated, leaderEpoch, currentConfig, nowMs);
        } catch (IOException e) {
            closed = true;
            throw storageException("appending to", e);
        } catch (KafkaStorageException e) {
            // As Kafka takes the log dir offline: the segment may hold a partial write now.
            closed = true;
            throw e;
        } finally {
            lock.unlock();
        }
        if (!appendInfo.duplicate()) {
            for (Runnable listener : appendListeners) {
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    log.error("Append listener of {} failed", topicPartition, e);
                }
            }
        }
        return appendInfo;
    }

    private LogAppendInfo appendLocked(MemoryRecords records, LogValidator.ValidatedBatches validated, int leaderEpoch,
                                       LogConfig currentConfig, long nowMs) throws IOException {
        AppendCheck check = producerState.check(records);
        Optional<BatchMetadata> duplicate = check.duplicate();
        if (duplicate.isPresent()) {
            BatchMetadata original = duplicate.get();
            // Kafka answers a retried batch with its original offsets and timestamp.
            return new LogAppendInfo(original.firstOffset(), original.lastOffset(), original.timestamp(),
                    original.timestamp(), logStartOffset, 0, true);
        }
        long firstOffset = endOffset.messageOffset();
        LogValidator.OffsetAssignment assigned =
                LogValidator.assignOffsets(records, validated, firstOffset, currentConfig, nowMs, leaderEpoch);
        if (records.sizeInBytes() > currentConfig.segmentBytes()) {
            throw new RecordBatchTooLargeException("Batch of " + records.sizeInBytes() + " bytes for "
                    + topicPartition + " exceeds segment.bytes " + currentConfig.segmentBytes());
        }
        LogSegment segment = maybeRoll(records.sizeInBytes(), assigned.maxTimestamp(), assigned.lastOffset(), nowMs);
        leaderEpochCache.assign(leaderEpoch, firstOffset);
        segment.append(assigned.lastOffset(), assigned.maxTimestamp(), assigned.offsetOfMaxTimestamp(), records);
        producerState.update(records);
        endOffset = new LogOffsetMetadata(assigned.lastOffset() + 1, segment.baseOffset(), segment.size());
        flushIfDue(nowMs);
        long logAppendTime = currentConfig.timestampType() == TimestampType.LOG_APPEND_TIME
                ? assigned.logAppendTime() : RecordBatch.NO_TIMESTAMP;
        return new LogAppendInfo(firstOffset, assigned.lastOffset(), assigned.maxTimestamp(), logAppendTime,
                logStartOffset, validated.recordCount(), false);
    }

    /**
     * Reads from {@code fetchOffset} (the batch holding it, whole) up to {@code maxBytes} and the
     * high watermark, from one segment. At the log end offset the records are empty.
     *
     * @throws OffsetOutOfRangeException below the log start offset or above the log end offset
     */
    public FetchDataInfo read(long fetchOffset, int maxBytes, boolean minOneMessage) {
        LogOffsetMetadata end = endOffset;
        long startOffset = logStartOffset;
        if (fetchOffset < startOffset || fetchOffset > end.messageOffset()) {
            throw new OffsetOutOfRangeException("Offset " + fetchOffset + " of " + topicPartition
                    + " is out of range: log start offset " + startOffset + ", log end offset " + end.messageOffset());
        }
        if (fetchOffset == end.messageOffset()) {
            return emptyRead(fetchOffset, end, startOffset);
        }
        if (fetchOffset < localLogStartOffset) {
            return new FetchDataInfo(fetchOffset, MemoryRecords.EMPTY, end.messageOffset(), startOffset,
                    end.messageOffset(), true);
        }
        LogSegment segment = segments.floorSegment(fetchOffset);
        if (segment == null) {
            throw new OffsetOutOfRangeException("Offset " + fetchOffset + " of " + topicPartition + " is out of range");
        }
        while (segment != null) {
            long maxPosition = maxPosition(segment, end);
            if (maxPosition < 0) {
                break;
            }
            SegmentRead segmentRead = segment.read(fetchOffset, maxBytes, maxPosition, minOneMessage);
            if (segmentRead != null) {
                // Fetch v3+ (all that Kafka 4 serves): a first batch cut by maxBytes is answered empty.
                Records records = segmentRead.firstEntryIncomplete() ? MemoryRecords.EMPTY : segmentRead.records();
                return new FetchDataInfo(fetchOffset, records, end.messageOffset(), startOffset, end.messageOffset());
            }
            segment = segments.higherSegment(segment.baseOffset());
        }
        // Everything from fetchOffset on was removed (a gap left by deleted records): nothing to read.
        return emptyRead(fetchOffset, end, startOffset);
    }

    private static FetchDataInfo emptyRead(long fetchOffset, LogOffsetMetadata end, long startOffset) {
        long endOffset = end.messageOffset();
        return new FetchDataInfo(fetchOffset, MemoryRecords.EMPTY, endOffset, startOffset, endOffset);
    }

    /** Bytes of {@code segment} a reader may see given the end-offset snapshot; -1 for a segment newer than it. */
    static long maxPosition(LogSegment segment, LogOffsetMetadata end) {
        if (segment.baseOffset() < end.segmentBaseOffset()) {
            return segment.size();
        }
        if (segment.baseOffset() == end.segmentBaseOffset()) {
            return end.relativePositionInSegment();
        }
        return -1;
    }

    /**
     * ListOffsets lookup. Special values: {@link #EARLIEST_TIMESTAMP}, {@link #LATEST_TIMESTAMP},
     * {@link #MAX_TIMESTAMP}, {@link #EARLIEST_LOCAL_TIMESTAMP}, {@link #LATEST_TIERED_TIMESTAMP}
     * and {@link #EARLIEST_PENDING_UPLOAD_TIMESTAMP} (both offset -1 here: nothing is tiered);
     * otherwise the first offset whose timestamp is at or after the target, or empty if none is.
     */
    public Optional<TimestampAndOffset> fetchOffsetByTimestamp(long timestampOrSpecial) {
        return TimestampLookup.lookup(timestampOrSpecial, segments, leaderEpochCache,
                new TimestampLookup.Offsets(logStartOffset, localLogStartOffset, highestOffsetInRemoteStorage,
                        config.remoteStorageEnable()), endOffset);
    }


    /**
     * The sealed segments not yet in the remote tier (base offset above
     * {@link #highestOffsetInRemoteStorage()}), oldest first; empty without remote storage. Every
     * returned segment lies wholly below the high watermark.
     */
    public List<SealedSegment> segmentsToUpload() {
        if (!config.remoteStorageEnable()) {
            return List.of();
        }
        long uploadedUpTo = highestOffsetInRemoteStorage;
        long highWatermark = highWatermark();
        List<LogSegment> all = segments.values();
        List<SealedSegment> candidates = new ArrayList<>();
        for (int i = 0; i + 1 < all.size(); i++) {
            LogSegment segment = all.get(i);
            long nextOffset = all.get(i + 1).baseOffset();
            if (nextOffset - 1 <= uploadedUpTo || segment.size() == 0) {
                continue;
            }
            if (nextOffset > highWatermark) {
                break;
            }
            Path snapshot = SegmentFiles.producerSnapshotFile(dir, nextOffset);
            candidates.add(new SealedSegment(topicPartition, topicId, segment.baseOffset(), nextOffset,
                    segment.maxTimestampSoFar(), segment.size(), segment.log().file().toPath(),
                    segment.offsetIndex().file(), segment.timeIndex().file(),
                    Files.exists(snapshot) ? Optional.of(snapshot) : Optional.empty(),
                    leaderEpochCache.entriesBetween(segment.baseOffset(), nextOffset)));
        }
        return candidates;
    }

    /**
     * Records a confirmed upload: every offset up to {@code offset} is in the remote tier, so local
     * retention may delete the segments below it. Never moves backwards.
     */
    public void updateHighestOffsetInRemoteStorage(long offset) {
        lock.lock();
        try {
            if (offset > highestOffsetInRemoteStorage) {
                highestOffsetInRemoteStorage = offset;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Restore from the remote tier: an empty local log (nothing appended, as after a start with an
     * empty data directory) of a partition whose remote tier holds {@code [logStartOffset,
     * nextOffset)} continues at {@code nextOffset}: its active segment is replaced by one at that
     * offset, the leader epochs and (when given) the producer state of the remote tier are taken
     * over, and everything below {@code nextOffset} counts as uploaded.
     *
     * @param epochs           the leader epochs of the remote segments, ascending
     * @param producerSnapshot the producer snapshot the remote tier took at {@code nextOffset}, if any
     * @throws IllegalStateException if the log is not tiered or not empty
     */
    public void restoreFromRemoteTier(long logStartOffset, long nextOffset, List<EpochEntry> epochs,
                                      Optional<ByteBuffer> producerSnapshot) {
        lock.lock();
        try {
            ensureOpen();
            LogSegment active = segments.activeSegment();
            if (!config.remoteStorageEnable() || segments.numberOfSegments() != 1 || active.size() != 0
                    || logEndOffset() > nextOffset || logStartOffset > nextOffset) {
                throw new IllegalStateException("Cannot restore " + topicPartition + " from the remote tier up to "
                        + nextOffset + ": the local log is not an empty tiered log (" + this + ")");
            }
            if (active.baseOffset() != nextOffset) {
                LogSegment restored = LogSegment.open(dir, nextOffset, config, time, false);
                segments.remove(active.baseOffset());
                active.deleteIfExists();
                segments.add(restored);
            }
            endOffset = new LogOffsetMetadata(nextOffset, nextOffset, 0);
            leaderEpochCache.truncateFromEnd(-1);
            for (EpochEntry entry : epochs) {
                leaderEpochCache.assign(entry.epoch(), entry.startOffset());
            }
            if (producerSnapshot.isPresent()) {
                producerState.restoreSnapshot(nextOffset, producerSnapshot.get());
            } else {
                producerState.truncateFullyAndStartAt(nextOffset);
            }
            recoveryPoint = nextOffset;
            localLogStartOffset = nextOffset;
            highestOffsetInRemoteStorage = nextOffset - 1;
            this.logStartOffset = logStartOffset;
            logStartOffsetListener.accept(this);
            log.info("Restored {} from the remote tier: log start offset {}, continuing at offset {}", topicPartition,
                    logStartOffset, nextOffset);
        } catch (IOException e) {
            throw storageException("restoring", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Raises the log start offset to the remote tier's start (after remote retention deleted remote
     * segments, or at start-up once the remote log is known): never lowers it and never above the
     * high watermark. Beyond the local log start offset the local start moves too, and retention
     * then deletes the local segments wholly below it. A log without remote storage is unchanged.
     */
    public void updateLogStartOffsetFromRemoteTier(long remoteLogStartOffset) {
        lock.lock();
        try {
            if (!config.remoteStorageEnable() || closed) {
                return;
            }
            long target = Math.min(remoteLogStartOffset, highWatermark());
            if (target > logStartOffset) {
                incrementLogStartOffset(target);
            }
        } catch (IOException e) {
            throw storageException("moving the log start offset of", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * DeleteRecords: raises the log start offset to {@code offset} and deletes the segments wholly
     * below it (asynchronously, like retention). A lower offset than the current start changes nothing.
     *
     * @return the log start offset afterwards (the partition's low watermark)
     * @throws OffsetOutOfRangeException if {@code offset} is negative or above the high watermark
     */
    public long deleteRecordsBefore(long offset) {
        lock.lock();
        try {
            ensureOpen();
            long highWatermark = highWatermark();
            if (offset < 0 || offset > highWatermark) {
                throw new OffsetOutOfRangeException("Cannot delete records of " + topicPartition + " before offset "
                        + offset + ": the high watermark is " + highWatermark);
            }
            if (offset > logStartOffset) {
                incrementLogStartOffset(offset);
            }
            deleteSegmentsLocked(RetentionPolicy.belowLogStartOffset(logStartOffset));
            return logStartOffset;
        } catch (IOException e) {
            throw storageException("deleting records of", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes the segments that retention no longer keeps: wholly below the log start offset,
     * beyond retention.bytes (oldest first) or older than retention.ms (by their largest timestamp).
     * An expired non-empty active segment is rolled so it can go too; the log always keeps one segment.
     *
     * @return the number of segments deleted
     */
    public int deleteRetentionExpiredSegments(long nowMs) {
        lock.lock();
        try {
            if (closed) {
                return 0;
            }
            LogConfig currentConfig = config;
            int deleted = deleteSegmentsLocked(RetentionPolicy.belowLogStartOffset(logStartOffset));
            if (currentConfig.remoteStorageEnable()) {
                return deleted + deleteUploadedSegmentsLocked(currentConfig, nowMs);
            }
            if (currentConfig.retentionBytes() >= 0) {
                deleted += deleteSegmentsLocked(RetentionPolicy.bySize(segments.sizeInBytes(),
                        currentConfig.retentionBytes()));
            }
            if (currentConfig.retentionMs() >= 0) {
                deleted += deleteSegmentsLocked(RetentionPolicy.byTime(nowMs, currentConfig.retentionMs()));
            }
            return deleted;
        } catch (IOException e) {
            throw storageException("deleting expired segments of", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Local retention of a tiered log: only segments confirmed in the remote tier, by
     * local.retention.bytes (counted over the local log) and local.retention.ms.
     */
    private int deleteUploadedSegmentsLocked(LogConfig currentConfig, long nowMs) throws IOException {
        int deleted = 0;
        long uploadedUpTo = highestOffsetInRemoteStorage;
        long localRetentionBytes = currentConfig.effectiveLocalRetentionBytes();
        if (localRetentionBytes >= 0) {
            deleted += deleteSegmentsLocked(RetentionPolicy.uploaded(uploadedUpTo,
                    RetentionPolicy.bySize(segments.sizeInBytes(), localRetentionBytes)));
        }
        long localRetentionMs = currentConfig.effectiveLocalRetentionMs();
        if (localRetentionMs >= 0) {
            deleted += deleteSegmentsLocked(RetentionPolicy.uploaded(uploadedUpTo,
                    RetentionPolicy.byTime(nowMs, localRetentionMs)));
        }
        return deleted;
    }

    private int deleteSegmentsLocked(RetentionPolicy policy) throws IOException {
        List<LogSegment> deletable = policy.deletableSegments(segments.values(), highWatermark(), logEndOffset());
        if (deletable.isEmpty()) {
            return 0;
        }
        if (deletable.size() == segments.numberOfSegments()) {
            // The log always has an active segment: roll a new one before deleting them all.
            LogSegment rolled = roll();
            if (rolled.baseOffset() == deletable.get(deletable.size() - 1).baseOffset()) {
                deletable.remove(deletable.size() - 1);
            }
        }
        if (!deletable.isEmpty()) {
            LogSegment firstKept = segments.higherSegment(deletable.get(deletable.size() - 1).baseOffset());
            // Raise the start offsets before the segments disappear so readers never find a hole below
            // them. With a remote tier the deleted segments stay readable there: only the local start moves.
            if (firstKept.baseOffset() > localLogStartOffset) {
                localLogStartOffset = firstKept.baseOffset();
            }
            if (!config.remoteStorageEnable() && firstKept.baseOffset() > logStartOffset) {
                incrementLogStartOffset(firstKept.baseOffset());
            }
            for (LogSegment doomed : deletable) {
                segments.remove(doomed.baseOffset());
            }
            deleter.deleteAsync(deletable, config.fileDeleteDelayMs());
            producerState.deleteSnapshotsBefore(firstKept.baseOffset());
            log.info("Deleted {} local segment(s) of {} ({}), log start offset now {}, local log start offset {}",
                    deletable.size(), topicPartition, policy, logStartOffset, localLogStartOffset);
        }
        return deletable.size();
    }

    private void incrementLogStartOffset(long newLogStartOffset) throws IOException {
        logStartOffset = newLogStartOffset;
        if (newLogStartOffset > localLogStartOffset) {
            // Beyond the local start (DeleteRecords, remote retention): the local log starts there too
            // (its first segment may still hold lower offsets until retention deletes it).
            localLogStartOffset = newLogStartOffset;
        }
        leaderEpochCache.truncateFromStart(newLogStartOffset);
        logStartOffsetListener.accept(this);
    }

    /** Rolls the active segment if the next append of this size and these offsets/timestamps should not go into it. */
    private LogSegment maybeRoll(int messagesSize, long maxTimestamp, long maxOffset, long nowMs) throws IOException {
        LogSegment active = segments.activeSegment();
        if (active.shouldRoll(messagesSize, maxTimestamp, maxOffset, nowMs)) {
            log.debug("Rolling {} at offset {} (active segment {} of {} bytes)", topicPartition, logEndOffset(),
                    active.baseOffset(), active.size());
            return roll();
        }
        return active;
    }

    /** Starts a new active segment at the log end offset; the old one is sealed and flushed in the background. */
    private LogSegment roll() throws IOException {
        long newOffset = logEndOffset();
        LogSegment active = segments.activeSegment();
        if (active.baseOffset() == newOffset) {
            return active;
        }
        active.onBecomeInactiveSegment();
        LogSegment rolled = LogSegment.open(dir, newOffset, config, time, false);
        segments.add(rolled);
        endOffset = new LogOffsetMetadata(newOffset, newOffset, 0);
        producerState.takeSnapshot(newOffset);
        scheduleFlush(newOffset);
        return rolled;
    }

    private void scheduleFlush(long offset) {
        try {
            scheduler.execute(() -> {
                try {
                    flushUpTo(offset);
                } catch (RuntimeException e) {
                    log.error("Background flush of {} up to offset {} failed", topicPartition, offset, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("Scheduler is shut down; {} is flushed on close instead", topicPartition);
        }
    }

    /** Flushes every segment to disk and moves the recovery point to the log end offset. */
    public void flush() {
        flushUpTo(logEndOffset());
    }

    /** Flushes if flush.messages or flush.ms says it is time (checked after appends and periodically). */
    void flushIfDue(long nowMs) {
        LogConfig currentConfig = config;
        long unflushedMessages = logEndOffset() - recoveryPoint;
        if (unflushedMessages > 0 && (unflushedMessages >= currentConfig.flushMessages()
                || nowMs - lastFlushedMs >= currentConfig.flushMs())) {
            flush();
        }
    }

    /** Flushes the segments holding offsets below {@code offset}, outside the lock, then marks them flushed. */
    private void flushUpTo(long offset) {
        if (offset <= recoveryPoint) {
            return;
        }
        for (LogSegment segment : segments.values(recoveryPoint, offset)) {
            segment.flush();
        }
        lock.lock();
        try {
            markFlushed(offset);
        } finally {
            lock.unlock();
        }
    }

    private void markFlushed(long offset) {
        if (offset > recoveryPoint) {
            recoveryPoint = offset;
        }
        lastFlushedMs = time.milliseconds();
    }

    /** Applies a new configuration: segment limits from the next append, retention on the next check. */
    public void updateConfig(LogConfig newConfig) {
        lock.lock();
        try {
            config = newConfig;
            for (LogSegment segment : segments.values()) {
                segment.updateConfig(newConfig);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Registers a callback run after every append that wrote records (outside the log's lock). */
    public void addAppendListener(Runnable listener) {
        appendListeners.add(listener);
    }

    public void removeAppendListener(Runnable listener) {
        appendListeners.remove(listener);
    }

    /** Expires idempotent producers idle for longer than producer.id.expiration.ms. */
    void removeExpiredProducers(long nowMs) {
        lock.lock();
        try {
            if (!closed) {
                producerState.removeExpiredProducers(nowMs);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sets the topic id of a directory that had none (written by the caller to partition.metadata). */
    void assignTopicId(Uuid newTopicId) {
        topicId = newTopicId;
    }

    /** Points the log at its directory's new location after a rename (the files stay open). */
    void renamedTo(Path newDir) {
        dir = newDir;
    }

    /**
     * Closes the log cleanly: flushes every segment, takes a producer snapshot at the log end
     * offset so a restart need not replay the log, trims the active segment's indexes and closes
     * all files. Segments awaiting deletion are deleted now. Idempotent.
     */
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (LogSegment segment : segments.values()) {
                segment.flush();
            }
            markFlushed(logEndOffset());
            producerState.takeSnapshot(logEndOffset());
            for (LogSegment segment : segments.values()) {
                segment.close();
            }
            deleter.deleteAllNow();
        } catch (IOException e) {
            throw storageException("closing", e);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the log and deletes its directory with every file in it, at once. */
    public void closeAndDelete() {
        lock.lock();
        try {
            closed = true;
            for (LogSegment segment : segments.values()) {
                segment.deleteIfExists();
            }
            segments.clear();
            deleter.deleteAllNow();
            LogFiles.deleteRecursively(dir);
        } catch (IOException e) {
            throw storageException("deleting", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting writes ahead of an asynchronous directory deletion; open files stay usable
     * by readers until {@link #closeHandlersForDeletion()}.
     */
    void markDeleted() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** Releases the open files of a log marked deleted (its directory is about to be removed). */
    void closeHandlersForDeletion() {
        lock.lock();
        try {
            for (LogSegment segment : segments.values()) {
                segment.closeHandlers();
            }
            segments.clear();
            deleter.deleteAllNow();
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new KafkaStorageException("The log of " + topicPartition + " is closed");
        }
    }

    private KafkaStorageException storageException(String action, IOException cause) {
        return new KafkaStorageException("I/O error " + action + " the log of " + topicPartition + " in " + dir, cause);
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", dir=" + dir + ", logStartOffset=" + logStartOffset
                + ", logEndOffset=" + logEndOffset() + ")";
    }
}
