package io.strata.storage.index;

import org.apache.kafka.common.errors.InvalidOffsetException;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The sparse time index of a segment (the {@code .timeindex} file), byte-compatible with Apache Kafka.
 *
 * <p>File format: a sequence of 12-byte big-endian entries, no header.
 * <pre>
 *   0                               8               12
 *   +-------------------------------+---------------+
 *   |           timestamp           | relativeOffset|   timestamp = largest timestamp so far
 *   +-------------------------------+---------------+   relativeOffset = last offset of the batch
 *                                                        that carries it - segment base offset
 * </pre>
 * Timestamps are strictly increasing and offsets non-decreasing: an entry is only added when the
 * segment's largest timestamp has grown ({@link #maybeAppend}). {@link #lookup(long)} returns the
 * last entry whose timestamp is {@code <= target}; the batches after its offset are scanned for the
 * first record with a timestamp {@code >= target}. The last slot is kept free for the entry written
 * when the segment is rolled or closed (which records the segment's largest timestamp), so
 * {@link #isFull()} reports full one entry early.
 *
 * <p>Thread-safety: appends and truncations must come from one thread at a time (they are also
 * locked); lookups may run concurrently from any thread.
 */
public final class TimeIndex extends AbstractIndex {

    /** Bytes per entry: an 8-byte timestamp and a 4-byte relative offset. */
    public static final int ENTRY_SIZE = 12;

    private volatile TimestampOffset lastEntry;

    /**
     * Opens the index file, creating and preallocating it to {@code maxIndexSize} if it does not exist.
     */
    public TimeIndex(Path file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
        this.lastEntry = inReadLock(this::lastEntryFromIndexFile);
    }

    /** Full one entry early: the last slot is reserved for the entry appended on roll. */
    @Override
    public boolean isFull() {
        return entries() >= maxEntries() - 1;
    }

    /** The last entry, or {@code (NO_TIMESTAMP, baseOffset)} when empty. */
    public TimestampOffset lastEntry() {
        return lastEntry;
    }

    /** The {@code n}-th entry (0-based). */
    public TimestampOffset entry(int n) {
        return inReadLock(idx -> {
            checkEntry(n);
            return parseEntry(idx, n);
        });
    }

    /**
     * The entry with the largest timestamp {@code <= targetTimestamp}, or
     * {@code (NO_TIMESTAMP, baseOffset)} if there is none.
     */
    public TimestampOffset lookup(long targetTimestamp) {
        return inReadLock(idx -> {
            int slot = largestLowerBoundSlotFor(idx, targetTimestamp, SearchType.KEY);
            return slot == -1 ? TimestampOffset.empty(baseOffset()) : parseEntry(idx, slot);
        });
    }

    /** {@link #maybeAppend(long, long, boolean)} with the full check. */
    public void maybeAppend(long timestamp, long offset) {
        maybeAppend(timestamp, offset, false);
    }

    /**
     * Appends {@code (timestamp, offset)} if {@code timestamp} is larger than the last entry's;
     * otherwise does nothing.
     *
     * @param skipFullCheck true to use the slot reserved for the roll entry
     * @throws IllegalArgumentException     if the index is full
     * @throws InvalidOffsetException       if {@code offset} is smaller than the last entry's offset
     * @throws IllegalStateException        if {@code timestamp} is smaller than the last entry's timestamp
     * @throws IndexOffsetOverflowException if {@code offset} cannot be stored relative to the base offset
     */
    public void maybeAppend(long timestamp, long offset, boolean skipFullCheck) {
        inLock(idx -> {
            if (!skipFullCheck && isFull()) {
                throw new IllegalArgumentException("Time index " + file() + " is full (" + entries() + " entries)");
            }
            TimestampOffset last = lastEntry;
            if (entries() != 0 && offset < last.offset()) {
                throw new InvalidOffsetException("Offset " + offset + " is smaller than the last offset "
                        + last.offset() + " in time index " + file().toAbsolutePath() + " (entry " + entries() + ")");
            }
            if (entries() != 0 && timestamp < last.timestamp()) {
                throw new IllegalStateException("Timestamp " + timestamp + " is smaller than the last timestamp "
                        + last.timestamp() + " in time index " + file().toAbsolutePath() + " (entry " + entries() + ")");
            }
            if (timestamp > last.timestamp()) {
                if (entries() >= maxEntries()) {
                    throw new IllegalArgumentException("Time index " + file() + " has no slot left ("
                            + entries() + " entries)");
                }
                int relative = relativeOffset(offset);
                int at = entries() * ENTRY_SIZE;
                idx.putLong(at, timestamp);
                idx.putInt(at + 8, relative);
                incrementEntries();
                lastEntry = new TimestampOffset(timestamp, offset);
            }
            return null;
        });
    }

    @Override
    public void truncateTo(long offset) {
        inLock(idx -> {
            truncateToEntries(idx, countEntriesBelow(idx, offset, SearchType.VALUE));
            return null;
        });
    }

    @Override
    public void truncate() {
        inLock(idx -> {
            truncateToEntries(idx, 0);
            return null;
        });
    }

    /**
     * Checks that the file length is a multiple of {@link #ENTRY_SIZE} and that the last entry is
     * plausible: timestamp not below the first entry's, offset not below the base offset nor the
     * first entry's.
     */
    @Override
    public void sanityCheck() {
        inReadLock(idx -> {
            int n = entries();
            TimestampOffset last = lastEntry;
            if (n != 0) {
                TimestampOffset first = parseEntry(idx, 0);
                if (last.timestamp() < first.timestamp()) {
                    throw new CorruptIndexException("Time index " + file().toAbsolutePath() + " ends in timestamp "
                            + last.timestamp() + ", below its first timestamp " + first.timestamp());
                }
                if (last.offset() < baseOffset()) {
                    throw new CorruptIndexException("Time index " + file().toAbsolutePath() + " ends in offset "
                            + last.offset() + ", below its base offset " + baseOffset());
                }
                if (last.offset() < first.offset()) {
                    throw new CorruptIndexException("Time index " + file().toAbsolutePath() + " ends in offset "
                            + last.offset() + ", below its first offset " + first.offset());
                }
            }
            if (length() % ENTRY_SIZE != 0) {
                throw new CorruptIndexException("Time index " + file().toAbsolutePath() + " is " + length()
                        + " bytes long, not a multiple of the entry size " + ENTRY_SIZE);
            }
            return null;
        });
    }

    @Override
    long fieldAt(ByteBuffer idx, int slot, SearchType type) {
        int at = slot * ENTRY_SIZE;
        return type == SearchType.KEY ? idx.getLong(at) : baseOffset() + idx.getInt(at + 8);
    }

    private TimestampOffset parseEntry(ByteBuffer idx, int slot) {
        int at = slot * ENTRY_SIZE;
        return new TimestampOffset(idx.getLong(at), baseOffset() + idx.getInt(at + 8));
    }

    private TimestampOffset lastEntryFromIndexFile(ByteBuffer idx) {
        int n = entries();
        return n == 0 ? new TimestampOffset(RecordBatch.NO_TIMESTAMP, baseOffset()) : parseEntry(idx, n - 1);
    }

    private void truncateToEntries(ByteBuffer idx, int newEntries) {
        truncateToEntries0(newEntries);
        lastEntry = lastEntryFromIndexFile(idx);
    }
}
