package io.strata.storage.index;

import org.apache.kafka.common.errors.InvalidOffsetException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The sparse offset index of a segment (the {@code .index} file), byte-compatible with Apache Kafka.
 *
 * <p>File format: a sequence of 8-byte big-endian entries, no header.
 * <pre>
 *   0               4               8
 *   +---------------+---------------+
 *   | relativeOffset|   position    |   relativeOffset = batch last offset - segment base offset
 *   +---------------+---------------+   position = byte position of that batch in the .log file
 * </pre>
 * Entries are strictly increasing in offset (and position). An entry exists for a batch roughly
 * every {@code index.interval.bytes} of log; {@link #lookup(long)} returns the last entry at or
 * before an offset, from where the log is scanned to the batch that holds it. An empty index means
 * "start at position 0".
 *
 * <p>Thread-safety: appends and truncations must come from one thread at a time (they are also
 * locked); lookups may run concurrently from any thread.
 */
public final class OffsetIndex extends AbstractIndex {

    /** Bytes per entry: a 4-byte relative offset and a 4-byte position. */
    public static final int ENTRY_SIZE = 8;

    private volatile long lastOffset;

    /**
     * Opens the index file, creating and preallocating it to {@code maxIndexSize} if it does not exist.
     */
    public OffsetIndex(Path file, long baseOffset, int maxIndexSize) throws IOException {
        super(file, baseOffset, maxIndexSize, ENTRY_SIZE);
        this.lastOffset = lastEntry().offset();
    }

    /**
     * The entry with the largest offset {@code <= targetOffset}, or {@code (baseOffset, 0)} if every
     * entry is larger or the index is empty.
     */
    public OffsetPosition lookup(long targetOffset) {
        return inReadLock(idx -> {
            int slot = largestLowerBoundSlotFor(idx, targetOffset, SearchType.KEY);
            return slot == -1 ? new OffsetPosition(baseOffset(), 0) : parseEntry(idx, slot);
        });
    }

    /** The {@code n}-th entry (0-based). */
    public OffsetPosition entry(int n) {
        return inReadLock(idx -> {
            checkEntry(n);
            return parseEntry(idx, n);
        });
    }

    /** The last entry, or {@code (baseOffset, 0)} when empty. */
    public OffsetPosition lastEntry() {
        return inReadLock(idx -> {
            int n = entries();
            return n == 0 ? new OffsetPosition(baseOffset(), 0) : parseEntry(idx, n - 1);
        });
    }

    /** Offset of the last entry, or the base offset when empty. */
    public long lastOffset() {
        return lastOffset;
    }

    /**
     * Appends an entry for the batch whose last offset is {@code offset}, stored at {@code position}.
     *
     * @throws IllegalArgumentException      if the index is full
     * @throws InvalidOffsetException        if {@code offset} is not larger than the last entry's
     * @throws IndexOffsetOverflowException  if {@code offset} cannot be stored relative to the base offset
     */
    public void append(long offset, int position) {
        inLock(idx -> {
            if (isFull()) {
                throw new IllegalArgumentException("Index " + file() + " is full (" + entries() + " entries)");
            }
            if (entries() != 0 && offset <= lastOffset) {
                throw new InvalidOffsetException("Offset " + offset + " is not larger than the last indexed offset "
                        + lastOffset + " of " + file().toAbsolutePath() + " (entry " + entries() + ")");
            }
            int relative = relativeOffset(offset);
            int at = entries() * ENTRY_SIZE;
            idx.putInt(at, relative);
            idx.putInt(at + 4, position);
            incrementEntries();
            lastOffset = offset;
            return null;
        });
    }

    @Override
    public void truncateTo(long offset) {
        inLock(idx -> {
            truncateToEntries(idx, countEntriesBelow(idx, offset, SearchType.KEY));
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
     * Checks that the file length is a multiple of {@link #ENTRY_SIZE} and that the entries end in a
     * plausible last offset: not below the base offset, and above the first entry's (an index left
     * preallocated by a crash ends in zero entries, which fails this check).
     */
    @Override
    public void sanityCheck() {
        inReadLock(idx -> {
            int n = entries();
            if (n != 0 && lastOffset < baseOffset()) {
                throw new CorruptIndexException("Offset index " + file().toAbsolutePath() + " ends in offset "
                        + lastOffset + ", below its base offset " + baseOffset());
            }
            if (n > 1 && lastOffset <= fieldAt(idx, 0, SearchType.KEY)) {
                throw new CorruptIndexException("Offset index " + file().toAbsolutePath() + " has " + n
                        + " entries but its last offset " + lastOffset + " does not exceed its first offset "
                        + fieldAt(idx, 0, SearchType.KEY));
            }
            if (length() % ENTRY_SIZE != 0) {
                throw new CorruptIndexException("Offset index " + file().toAbsolutePath() + " is " + length()
                        + " bytes long, not a multiple of the entry size " + ENTRY_SIZE);
            }
            return null;
        });
    }

    @Override
    long fieldAt(ByteBuffer idx, int slot, SearchType type) {
        int at = slot * ENTRY_SIZE;
        return type == SearchType.KEY ? baseOffset() + idx.getInt(at) : idx.getInt(at + 4);
    }

    private OffsetPosition parseEntry(ByteBuffer idx, int slot) {
        int at = slot * ENTRY_SIZE;
        return new OffsetPosition(baseOffset() + idx.getInt(at), idx.getInt(at + 4));
    }

    private void truncateToEntries(ByteBuffer idx, int newEntries) {
        truncateToEntries0(newEntries);
        lastOffset = newEntries == 0 ? baseOffset() : parseEntry(idx, newEntries - 1).offset();
    }
}
