package io.strata.storage.log;

import io.strata.storage.file.SegmentFiles;
import io.strata.storage.index.CorruptIndexException;
import io.strata.storage.index.IndexOffsetOverflowException;
import io.strata.storage.index.OffsetIndex;
import io.strata.storage.index.OffsetPosition;
import io.strata.storage.index.TimeIndex;
import io.strata.storage.index.TimestampOffset;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.FileRecords.LogOffsetPosition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One segment of a partition's log: the record batches of a contiguous offset range in a
 * {@code .log} file plus its sparse {@link OffsetIndex} ({@code .index}) and {@link TimeIndex}
 * ({@code .timeindex}), all named after the segment's base offset and byte-compatible with Apache
 * Kafka's, so that Kafka's {@code DumpLogSegments} reads them.
 *
 * <p>Index entries are added per record batch once more than {@code index.interval.bytes} have been
 * appended since the previous entry: the offset index maps the batch's last offset to its position,
 * the time index maps the largest timestamp so far to the last offset of the batch that carries it.
 * Batches are never split: reads start at the batch holding the requested offset and truncation
 * removes whole batches.
 *
 * <pre>
 *   open(fileAlreadyExists=false) ──append*──▶ onBecomeInactiveSegment() ──▶ read-only (sealed)
 *   open(fileAlreadyExists=true) ──sanityCheck()──fails──▶ recover() ──▶ resizeIndexes() if active
 *   any state ──close() / deleteIfExists() / changeFileSuffixes(".log", ".log.deleted")
 * </pre>
 *
 * <p>Every {@link IOException} is thrown as {@link KafkaStorageException}.
 *
 * <p>Thread-safety: appends, truncation, recovery, roll and close must be serialized by the caller
 * (the partition's storage thread). {@link #read}, {@link #findOffsetByTimestamp} and the accessors
 * may run concurrently with an append from any thread; they see only batches whose bytes are fully
 * written (the {@code .log} size is published after the write).
 */
public final class LogSegment implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);

    private final FileRecords log;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final long baseOffset;
    private final Time time;
    private final boolean indexFilesExistedAtOpen;

    private volatile LogConfig config;
    private volatile long created;
    /** Max timestamp of the first batch, used for time-based roll; empty until known. */
    private volatile OptionalLong rollingBasedTimestamp = OptionalLong.empty();
    private volatile TimestampOffset maxTimestampAndOffsetSoFar;
    private int bytesSinceLastIndexEntry;
    private volatile boolean closed;

    private LogSegment(FileRecords log, OffsetIndex offsetIndex, TimeIndex timeIndex, long baseOffset,
                       LogConfig config, Time time, boolean indexFilesExistedAtOpen) {
        this.log = log;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.baseOffset = baseOffset;
        this.config = config;
        this.time = time;
        this.indexFilesExistedAtOpen = indexFilesExistedAtOpen;
        this.created = time.milliseconds();
        this.maxTimestampAndOffsetSoFar = timeIndex.lastEntry();
    }

    /**
     * Opens the segment starting at {@code baseOffset} in {@code dir}.
     *
     * @param fileAlreadyExists false to create a new, empty segment (stale files with its name are
     *                          deleted first); true to open an existing {@code .log} file, whose
     *                          index files are created empty if missing ({@link #sanityCheck} then
     *                          fails so that the caller calls {@link #recover})
     * @throws KafkaStorageException if the files cannot be opened or created, or the {@code .log}
     *                               file of an existing segment is missing
     */
    public static LogSegment open(Path dir, long baseOffset, LogConfig config, Time time, boolean fileAlreadyExists) {
        Path logFile = SegmentFiles.logFile(dir, baseOffset);
        Path offsetIndexFile = SegmentFiles.offsetIndexFile(dir, baseOffset);
        Path timeIndexFile = SegmentFiles.timeIndexFile(dir, baseOffset);
        FileRecords log = null;
        OffsetIndex offsetIndex = null;
        try {
            boolean indexFilesExisted = true;
            if (fileAlreadyExists) {
                if (!Files.exists(logFile)) {
                    throw new NoSuchFileException(logFile.toString(), null, "segment file is missing");
                }
                indexFilesExisted = Files.exists(offsetIndexFile) && Files.exists(timeIndexFile);
            } else {
                for (Path stale : new Path[] {logFile, offsetIndexFile, timeIndexFile}) {
                    if (Files.deleteIfExists(stale)) {
                        LOG.warn("Deleted stale file {} before creating a new segment", stale);
                    }
                }
            }
            log = FileRecords.open(logFile.toFile(), fileAlreadyExists, 0, false);
            offsetIndex = new OffsetIndex(offsetIndexFile, baseOffset, config.segmentIndexBytes());
            TimeIndex timeIndex = new TimeIndex(timeIndexFile, baseOffset, config.segmentIndexBytes());
            return new LogSegment(log, offsetIndex, timeIndex, baseOffset, config, time, indexFilesExisted);
        } catch (IOException e) {
            closeAfterFailedOpen(log, offsetIndex);
            throw new KafkaStorageException("Failed to open segment " + logFile, e);
        } catch (RuntimeException e) {
            closeAfterFailedOpen(log, offsetIndex);
            throw e;
        }
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Bytes of record batches in the {@code .log} file. */
    public int size() {
        return log.sizeInBytes();
    }

    public FileRecords log() {
        return log;
    }

    public OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    public TimeIndex timeIndex() {
        return timeIndex;
    }

    /** The config in effect (index interval, segment size and age for {@link #shouldRoll}). */
    public LogConfig config() {
        return config;
    }

    /**
     * Applies a changed config: {@code index.interval.bytes}, {@code segment.bytes} and
     * {@code segment.ms} take effect at once; {@code segment.index.bytes} applies to new segments.
     */
    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    /**
     * Appends record batches whose offsets are already assigned, at the end of the {@code .log} file,
     * and adds index entries per batch as {@code index.interval.bytes} requires.
     *
     * @param largestOffset        last offset in {@code records}; must fit relative to the base offset
     * @param largestTimestamp     largest timestamp in {@code records} (as the validator computed it)
     * @param offsetOfMaxTimestamp offset of the record with that timestamp. The segment's maximum
     *                             timestamp and its time index are taken from the batch headers
     *                             (max timestamp, last offset), as Kafka does, so that every time
     *                             index entry names the last offset of a batch
     * @throws IndexOffsetOverflowException if {@code largestOffset} does not fit in this segment
     */
    public void append(long largestOffset, long largestTimestamp, long offsetOfMaxTimestamp, MemoryRecords records) {
        if (records.sizeInBytes() == 0) {
            return;
        }
        ensureOffsetInRange(largestOffset);
        int physicalPosition = log.sizeInBytes();
        LOG.trace("Appending {} bytes up to offset {} (max timestamp {} at offset {}) at position {} of {}",
                records.sizeInBytes(), largestOffset, largestTimestamp, offsetOfMaxTimestamp, physicalPosition,
                log.file());
        try {
            log.append(records);
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to append to segment " + log.file(), e);
        }
        int indexIntervalBytes = config.indexIntervalBytes();
        for (RecordBatch batch : records.batches()) {
            long batchMaxTimestamp = batch.maxTimestamp();
            long batchLastOffset = batch.lastOffset();
            if (physicalPosition == 0) {
                rollingBasedTimestamp = OptionalLong.of(batchMaxTimestamp);
            }
            if (batchMaxTimestamp > maxTimestampAndOffsetSoFar.timestamp()) {
                maxTimestampAndOffsetSoFar = new TimestampOffset(batchMaxTimestamp, batchLastOffset);
            }
            if (bytesSinceLastIndexEntry > indexIntervalBytes) {
                offsetIndex.append(batchLastOffset, physicalPosition);
                timeIndex.maybeAppend(maxTimestampSoFar(), offsetOfMaxTimestampSoFar());
                bytesSinceLastIndexEntry = 0;
            }
            physicalPosition += batch.sizeInBytes();
            bytesSinceLastIndexEntry += batch.sizeInBytes();
        }
    }

    /**
     * Reads from the batch that holds {@code startOffset}.
     *
     * @param maxSize       at most this many bytes, except that with {@code minOneMessage} a first batch
     *                      larger than {@code maxSize} is returned whole (KIP-74)
     * @param maxPosition   never past this byte position of the {@code .log} file (e.g. the high
     *                      watermark's position); use {@code Long.MAX_VALUE} for no bound
     * @return null if no batch of this segment holds {@code startOffset} or a later offset
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    public SegmentRead read(long startOffset, int maxSize, long maxPosition, boolean minOneMessage) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("Invalid max size " + maxSize + " for a read from " + log.file());
        }
        LogOffsetPosition start = translateOffset(startOffset);
        if (start == null) {
            return null;
        }
        int adjustedMaxSize = minOneMessage ? Math.max(maxSize, start.size) : maxSize;
        long available = Math.max(0L, maxPosition - start.position);
        int fetchSize = (int) Math.min(available, adjustedMaxSize);
        return new SegmentRead(start.offset, start.position, log.slice(start.position, fetchSize),
                adjustedMaxSize < start.size);
    }

    /** The offset after the last batch of this segment, or the base offset when it is empty. */
    public long readNextOffset() {
        long nextOffset = baseOffset;
        for (FileChannelRecordBatch batch : log.batchesFrom(offsetIndex.lastEntry().position())) {
            nextOffset = batch.nextOffset();
        }
        return nextOffset;
    }

    /**
     * Rebuilds both indexes by scanning the {@code .log} file from the start, and truncates it at the
     * first batch that is torn (incomplete), fails validation (magic other than 2, size, CRC) or
     * breaks offset order. Never throws for a corrupt tail: it logs one WARN line naming the file and
     * position instead.
     *
     * @param onValidBatch called for each valid batch in order (e.g. to rebuild producer state)
     * @return the number of bytes truncated from the {@code .log} file
     */
    public int recover(Consumer<RecordBatch> onValidBatch) {
        try {
            offsetIndex.reset();
            timeIndex.reset();
            int indexIntervalBytes = config.indexIntervalBytes();
            int validBytes = 0;
            int lastIndexEntry = 0;
            long lastOffset = baseOffset - 1;
            TimestampOffset max = TimestampOffset.empty(baseOffset);
            OptionalLong firstBatchTimestamp = OptionalLong.empty();
            String invalidReason = "incomplete batch";
            Iterator<FileChannelRecordBatch> batches = log.batches().iterator();
            while (true) {
                FileChannelRecordBatch batch;
                try {
                    if (!batches.hasNext()) {
                        break;
                    }
                    batch = batches.next();
                    validate(batch, lastOffset);
                } catch (CorruptRecordException | InvalidRecordException e) {
                    invalidReason = e.getMessage();
                    break;
                }
                lastOffset = batch.lastOffset();
                if (firstBatchTimestamp.isEmpty()) {
                    firstBatchTimestamp = OptionalLong.of(batch.maxTimestamp());
                }
                if (batch.maxTimestamp() > max.timestamp()) {
                    max = new TimestampOffset(batch.maxTimestamp(), lastOffset);
                }
                if (validBytes - lastIndexEntry > indexIntervalBytes) {
                    offsetIndex.append(lastOffset, validBytes);
                    timeIndex.maybeAppend(max.timestamp(), max.offset());
                    lastIndexEntry = validBytes;
                }
                validBytes += batch.sizeInBytes();
                onValidBatch.accept(batch);
            }
            int truncated = log.sizeInBytes() - validBytes;
            if (truncated > 0) {
                LOG.warn("Truncating {} invalid bytes at position {} of segment {} during recovery: {}",
                        truncated, validBytes, log.file().getAbsolutePath(), invalidReason);
            }
            log.truncateTo(validBytes);
            maxTimestampAndOffsetSoFar = max;
            rollingBasedTimestamp = firstBatchTimestamp;
            bytesSinceLastIndexEntry = validBytes - lastIndexEntry;
            offsetIndex.trimToValidSize();
            // As on roll: the last time index entry carries the segment's largest timestamp.
            timeIndex.maybeAppend(max.timestamp(), max.offset(), true);
            timeIndex.trimToValidSize();
            return truncated;
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to recover segment " + log.file(), e);
        }
    }

    /**
     * Removes every batch that holds an offset {@code >= offset} (the batch holding {@code offset}
     * goes whole), with their index entries, and makes room in the indexes for new appends.
     *
     * @return the number of bytes removed from the {@code .log} file
     */
    public int truncateTo(long offset) {
        try {
            LogOffsetPosition mapping = translateOffset(offset);
            offsetIndex.truncateTo(offset);
            timeIndex.truncateTo(offset);
            offsetIndex.resize(offsetIndex.maxIndexSize());
            timeIndex.resize(timeIndex.maxIndexSize());
            int bytesTruncated = mapping == null ? 0 : log.truncateTo(mapping.position);
            if (log.sizeInBytes() == 0) {
                created = time.milliseconds();
                rollingBasedTimestamp = OptionalLong.empty();
            }
            bytesSinceLastIndexEntry = 0;
            if (maxTimestampSoFar() >= 0) {
                maxTimestampAndOffsetSoFar = readLargestTimestamp();
            }
            return bytesTruncated;
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to truncate segment " + log.file() + " to offset " + offset, e);
        }
    }

    /**
     * The first record with a timestamp {@code >= timestamp} and an offset {@code >= startingOffset},
     * found through the time index and a scan of the batches after the entry it gives.
     */
    public Optional<FileRecords.TimestampAndOffset> findOffsetByTimestamp(long timestamp, long startingOffset) {
        TimestampOffset timestampOffset = timeIndex.lookup(timestamp);
        int position = offsetIndex.lookup(Math.max(timestampOffset.offset(), startingOffset)).position();
        return Optional.ofNullable(log.searchForTimestamp(timestamp, position, startingOffset));
    }

    /** Largest batch max timestamp in this segment, or {@code NO_TIMESTAMP} (-1). */
    public long maxTimestampSoFar() {
        return maxTimestampAndOffsetSoFar.timestamp();
    }

    /**
     * Last offset of the batch that carries {@link #maxTimestampSoFar()} (Kafka's "shallow" offset;
     * the exact record is found by scanning that batch), or the base offset when there is none.
     */
    public long offsetOfMaxTimestampSoFar() {
        return maxTimestampAndOffsetSoFar.offset();
    }

    /** For retention: {@link #maxTimestampSoFar()} when there is one, else the {@code .log} file's mtime. */
    public long largestTimestamp() {
        long maxTimestamp = maxTimestampSoFar();
        return maxTimestamp >= 0 ? maxTimestamp : lastModified();
    }

    /** Last modification time of the {@code .log} file, in ms (0 if it does not exist). */
    public long lastModified() {
        return log.file().lastModified();
    }

    /**
     * Whether the caller must roll a new segment before appending, by Kafka's rules: the records
     * would take a non-empty segment past {@code segment.bytes}; a non-empty segment is older than
     * {@code segment.ms} (measured from its first batch's timestamp to the new records' largest
     * timestamp, or by wall clock from the segment's creation when it has no timestamp); an index is
     * full; or {@code maxOffsetInMessages} cannot be stored relative to the base offset.
     */
    public boolean shouldRoll(int messagesSize, long maxTimestampInMessages, long maxOffsetInMessages, long nowMs) {
        LogConfig current = config;
        int size = size();
        boolean reachedRollMs = timeWaitedForRoll(nowMs, maxTimestampInMessages) > current.segmentMs();
        return (size > 0 && (long) size + messagesSize > current.segmentBytes())
                || (size > 0 && reachedRollMs)
                || offsetIndex.isFull()
                || timeIndex.isFull()
                || !offsetIndex.canAppendOffset(maxOffsetInMessages);
    }

    /**
     * Called when a newer segment becomes the active one: records the largest timestamp in the time
     * index and trims both indexes and the {@code .log} file to their content.
     */
    public void onBecomeInactiveSegment() {
        try {
            timeIndex.maybeAppend(maxTimestampSoFar(), offsetOfMaxTimestampSoFar(), true);
            offsetIndex.trimToValidSize();
            timeIndex.trimToValidSize();
            log.trim();
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to seal segment " + log.file(), e);
        }
    }

    /** Preallocates both indexes to {@code size} bytes again, e.g. when a reopened segment is the active one. */
    public void resizeIndexes(int size) {
        try {
            offsetIndex.resize(size);
            timeIndex.resize(size);
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to resize the indexes of segment " + log.file(), e);
        }
    }

    /**
     * Checks a segment loaded from disk.
     *
     * @param timeIndexFileNewlyCreated true if the caller saw no {@code .timeindex} file before opening
     * @throws CorruptIndexException if an index file was missing at open or an index is inconsistent
     *                               (with itself or with the {@code .log} size); call {@link #recover}
     */
    public void sanityCheck(boolean timeIndexFileNewlyCreated) {
        if (!indexFilesExistedAtOpen || timeIndexFileNewlyCreated) {
            throw new CorruptIndexException("Index files of segment " + log.file().getAbsolutePath()
                    + " were missing: " + offsetIndex.file().getFileName() + ", " + timeIndex.file().getFileName());
        }
        offsetIndex.sanityCheck();
        timeIndex.sanityCheck();
        OffsetPosition lastEntry = offsetIndex.lastEntry();
        if (offsetIndex.entries() > 0 && lastEntry.position() >= log.sizeInBytes()) {
            throw new CorruptIndexException("Offset index " + offsetIndex.file().toAbsolutePath()
                    + " points at position " + lastEntry.position() + " but " + log.file().getAbsolutePath()
                    + " has only " + log.sizeInBytes() + " bytes");
        }
    }

    /** Forces the {@code .log} file and both indexes to disk. */
    public void flush() {
        try {
            log.flush();
            offsetIndex.flush();
            timeIndex.flush();
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to flush segment " + log.file(), e);
        } catch (UncheckedIOException e) {
            throw new KafkaStorageException("Failed to flush the indexes of segment " + log.file(), e.getCause());
        }
    }

    /**
     * Renames all files of the segment, e.g. from {@code ""} to {@link SegmentFiles#DELETED_FILE_SUFFIX};
     * the segment stays readable under the new names.
     *
     * @throws IllegalArgumentException if the file names do not end with {@code oldSuffix}
     */
    public void changeFileSuffixes(String oldSuffix, String newSuffix) {
        try {
            log.renameTo(SegmentFiles.replaceSuffix(log.file().toPath(), oldSuffix, newSuffix).toFile());
            offsetIndex.renameTo(SegmentFiles.replaceSuffix(offsetIndex.file(), oldSuffix, newSuffix));
            timeIndex.renameTo(SegmentFiles.replaceSuffix(timeIndex.file(), oldSuffix, newSuffix));
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to rename the files of segment " + log.file()
                    + " from suffix '" + oldSuffix + "' to '" + newSuffix + "'", e);
        }
    }

    /** Whether the {@code .log} file name ends with {@code suffix} (e.g. {@code .deleted}). */
    public boolean hasSuffix(String suffix) {
        return log.file().getName().endsWith(suffix);
    }

    /**
     * Records the largest timestamp in the time index, trims the indexes and closes all files.
     * Every file is closed even if one fails; the first failure is thrown afterwards. Closing a
     * segment already closed (or deleted, or whose handlers were closed) does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            timeIndex.maybeAppend(maxTimestampSoFar(), offsetOfMaxTimestampSoFar(), true);
        } catch (RuntimeException e) {
            LOG.warn("Could not record the largest timestamp of segment {} on close", log.file(), e);
        }
        IOException failure = attempt(null, offsetIndex::close);
        failure = attempt(failure, timeIndex::close);
        failure = attempt(failure, log::close);
        if (failure != null) {
            throw new KafkaStorageException("Failed to close segment " + log.file(), failure);
        }
    }

    /** Releases the file handles and mappings without flushing or trimming (e.g. after a disk failure). */
    public void closeHandlers() {
        closed = true;
        offsetIndex.closeHandler();
        timeIndex.closeHandler();
        IOException failure = attempt(null, log::closeHandlers);
        if (failure != null) {
            LOG.warn("Failed to close the file handle of segment {}", log.file(), failure);
        }
    }

    /** Closes and deletes the segment's files; every file is attempted even if one fails. */
    public void deleteIfExists() {
        closed = true;
        IOException failure = attempt(null, log::deleteIfExists);
        failure = attempt(failure, offsetIndex::deleteIfExists);
        failure = attempt(failure, timeIndex::deleteIfExists);
        if (failure != null) {
            throw new KafkaStorageException("Failed to delete segment " + log.file(), failure);
        }
    }

    @Override
    public String toString() {
        return "LogSegment(baseOffset=" + baseOffset + ", size=" + size() + ", file=" + log.file() + ")";
    }

    private LogOffsetPosition translateOffset(long offset) {
        OffsetPosition mapping = offsetIndex.lookup(offset);
        return log.searchForOffsetFromPosition(offset, mapping.position());
    }

    private void ensureOffsetInRange(long offset) {
        if (!offsetIndex.canAppendOffset(offset)) {
            throw new IndexOffsetOverflowException("Offset " + offset + " cannot be stored in segment "
                    + log.file() + " with base offset " + baseOffset);
        }
    }

    private void validate(FileChannelRecordBatch batch, long previousLastOffset) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new CorruptRecordException("Unsupported record batch magic " + batch.magic()
                    + " at position " + batch.position());
        }
        batch.ensureValid();
        if (batch.baseOffset() <= previousLastOffset || !offsetIndex.canAppendOffset(batch.lastOffset())) {
            throw new CorruptRecordException("Batch at position " + batch.position() + " has offsets "
                    + batch.baseOffset() + ".." + batch.lastOffset() + ", out of order or out of range after offset "
                    + previousLastOffset);
        }
    }

    private long timeWaitedForRoll(long nowMs, long messageTimestamp) {
        if (rollingBasedTimestamp.isEmpty()) {
            Iterator<FileChannelRecordBatch> batches = log.batches().iterator();
            if (batches.hasNext()) {
                rollingBasedTimestamp = OptionalLong.of(batches.next().maxTimestamp());
            }
        }
        long firstBatchTimestamp = rollingBasedTimestamp.orElse(RecordBatch.NO_TIMESTAMP);
        return firstBatchTimestamp >= 0 ? messageTimestamp - firstBatchTimestamp : nowMs - created;
    }

    /** The largest timestamp after truncation: the last time index entry or a later batch's. */
    private TimestampOffset readLargestTimestamp() {
        TimestampOffset lastTimeIndexEntry = timeIndex.lastEntry();
        OffsetPosition position = offsetIndex.lookup(lastTimeIndexEntry.offset());
        FileRecords.TimestampAndOffset after = log.largestTimestampAfter(position.position());
        return after.timestamp > lastTimeIndexEntry.timestamp()
                ? new TimestampOffset(after.timestamp, after.offset)
                : lastTimeIndexEntry;
    }

    /** Runs {@code action}; returns the first failure so far, with later ones suppressed into it. */
    private static IOException attempt(IOException failure, IoAction action) {
        try {
            action.run();
            return failure;
        } catch (IOException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    /** A file operation that may fail with an I/O error. */
    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private static void closeAfterFailedOpen(FileRecords log, OffsetIndex offsetIndex) {
        if (offsetIndex != null) {
            offsetIndex.closeHandler();
        }
        IOException failure = log == null ? null : attempt(null, log::closeHandlers);
        if (failure != null) {
            LOG.warn("Failed to release files after a failed segment open", failure);
        }
    }
}
