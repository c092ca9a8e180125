package io.strata.tiering.read;

import io.strata.storage.index.OffsetPosition;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.CorruptRecordException;

/**
 * The offset index of a remote segment ({@code .index} object), an immutable in-memory view with the
 * lookups of the local {@link io.strata.storage.index.OffsetIndex}: the same file format (8-byte
 * big-endian entries of relative offset and position, no header, trimmed to its entries) and the same
 * floor semantics.
 *
 * <p>The buffer is checked once, when the view is made: its length must be a multiple of
 * {@link #ENTRY_SIZE}, and relative offsets and positions must be non-negative and strictly increasing.
 * A failed check throws {@link CorruptRecordException} (as every corruption on the remote read path
 * does), naming the object.
 *
 * <p>This class is immutable and thread-safe.
 */
public final class RemoteOffsetIndex implements RemoteIndex {

    /** Bytes per entry: a 4-byte relative offset and a 4-byte position. */
    public static final int ENTRY_SIZE = 8;

    private final long baseOffset;
    private final ByteBuffer entries;
    private final int count;

    /**
     * @param baseOffset the segment's base offset, to which the relative offsets are added
     * @param buffer     the whole index object, from position to limit; not modified, not retained
     *                   beyond a read-only view
     * @param source     what the bytes are (the object key), for error messages
     * @throws CorruptRecordException if the bytes are not a valid offset index
     */
    public RemoteOffsetIndex(long baseOffset, ByteBuffer buffer, String source) {
        this.baseOffset = baseOffset;
        this.entries = buffer.slice().asReadOnlyBuffer();
        int length = entries.remaining();
        if (length % ENTRY_SIZE != 0) {
            throw new CorruptRecordException("Offset index " + source + " is " + length
                    + " bytes long, not a multiple of the entry size " + ENTRY_SIZE);
        }
        this.count = length / ENTRY_SIZE;
        int previousOffset = -1;
        int previousPosition = -1;
        for (int slot = 0; slot < count; slot++) {
            int relativeOffset = entries.getInt(slot * ENTRY_SIZE);
            int position = entries.getInt(slot * ENTRY_SIZE + 4);
            if (relativeOffset <= previousOffset || position <= previousPosition) {
                throw new CorruptRecordException("Offset index " + source + " entry " + slot + " (relative offset "
                        + relativeOffset + ", position " + position + ") does not follow (" + previousOffset + ", "
                        + previousPosition + ")");
            }
            previousOffset = relativeOffset;
            previousPosition = position;
        }
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** Number of entries. */
    public int entries() {
        return count;
    }

    /** The {@code n}-th entry (0-based). */
    public OffsetPosition entry(int n) {
        if (n < 0 || n >= count) {
            throw new IllegalArgumentException("No entry " + n + " in an offset index of " + count + " entries");
        }
        return new OffsetPosition(offsetAt(n), entries.getInt(n * ENTRY_SIZE + 4));
    }

    /**
     * The entry with the largest offset {@code <= targetOffset}, or {@code (baseOffset, 0)} if every
     * entry is larger or the index is empty.
     */
    public OffsetPosition lookup(long targetOffset) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (offsetAt(mid) <= targetOffset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found == -1 ? new OffsetPosition(baseOffset, 0) : entry(found);
    }

    @Override
    public int sizeInBytes() {
        return count * ENTRY_SIZE;
    }

    private long offsetAt(int slot) {
        return baseOffset + entries.getInt(slot * ENTRY_SIZE);
    }
}
