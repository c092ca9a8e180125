package io.strata.tiering.read;

import io.strata.storage.index.TimestampOffset;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.CorruptRecordException;

/**
 * The time index of a remote segment ({@code .timeindex} object), an immutable in-memory view with
 * the lookups of the local {@link io.strata.storage.index.TimeIndex}: the same file format (12-byte
 * big-endian entries of timestamp and relative offset, no header, trimmed to its entries) and the same
 * floor semantics, which {@link RemoteReader#findOffsetByTimestamp} combines with the offset index as
 * {@code LogSegment.findOffsetByTimestamp} does.
 *
 * <p>The buffer is checked once, when the view is made: its length must be a multiple of
 * {@link #ENTRY_SIZE}, timestamps strictly increasing, relative offsets non-negative and
 * non-decreasing. A failed check throws {@link CorruptRecordException}, naming the object.
 *
 * <p>This class is immutable and thread-safe.
 */
public final class RemoteTimeIndex implements RemoteIndex {

    /** Bytes per entry: an 8-byte timestamp and a 4-byte relative offset. */
    public static final int ENTRY_SIZE = 12;

    private final long baseOffset;
    private final ByteBuffer entries;
    private final int count;

    /**
     * @param baseOffset the segment's base offset, to which the relative offsets are added
     * @param buffer     the whole index object, from position to limit; not modified
     * @param source     what the bytes are (the object key), for error messages
     * @throws CorruptRecordException if the bytes are not a valid time index
     */
    public RemoteTimeIndex(long baseOffset, ByteBuffer buffer, String source) {
        this.baseOffset = baseOffset;
        this.entries = buffer.slice().asReadOnlyBuffer();
        int length = entries.remaining();
        if (length % ENTRY_SIZE != 0) {
            throw new CorruptRecordException("Time index " + source + " is " + length
                    + " bytes long, not a multiple of the entry size " + ENTRY_SIZE);
        }
        this.count = length / ENTRY_SIZE;
        for (int slot = 0; slot < count; slot++) {
            long timestamp = timestampAt(slot);
            int relativeOffset = entries.getInt(slot * ENTRY_SIZE + 8);
            boolean ordered = slot == 0
                    ? relativeOffset >= 0
                    : timestamp > timestampAt(slot - 1) && relativeOffset >= entries.getInt((slot - 1) * ENTRY_SIZE + 8);
            if (!ordered) {
                throw new CorruptRecordException("Time index " + source + " entry " + slot + " (timestamp "
                        + timestamp + ", relative offset " + relativeOffset + ") does not follow the previous entry");
            }
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
    public TimestampOffset entry(int n) {
        if (n < 0 || n >= count) {
            throw new IllegalArgumentException("No entry " + n + " in a time index of " + count + " entries");
        }
        return new TimestampOffset(timestampAt(n), baseOffset + entries.getInt(n * ENTRY_SIZE + 8));
    }

    /**
     * The entry with the largest timestamp {@code <= targetTimestamp}, or
     * {@code (NO_TIMESTAMP, baseOffset)} if there is none.
     */
    public TimestampOffset lookup(long targetTimestamp) {
        int lo = 0;
        int hi = count - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (timestampAt(mid) <= targetTimestamp) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found == -1 ? TimestampOffset.empty(baseOffset) : entry(found);
    }

    @Override
    public int sizeInBytes() {
        return count * ENTRY_SIZE;
    }

    private long timestampAt(int slot) {
        return entries.getLong(slot * ENTRY_SIZE);
    }
}
