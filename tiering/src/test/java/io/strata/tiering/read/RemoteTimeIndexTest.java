package io.strata.tiering.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.index.TimestampOffset;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class RemoteTimeIndexTest {

    private static final long BASE = 500L;

    /** A time index object with entries (timestamp, relativeOffset). */
    private static ByteBuffer index(long... timestampAndRelativeOffset) {
        ByteBuffer buffer = ByteBuffer.allocate(timestampAndRelativeOffset.length / 2 * RemoteTimeIndex.ENTRY_SIZE);
        for (int i = 0; i < timestampAndRelativeOffset.length; i += 2) {
            buffer.putLong(timestampAndRelativeOffset[i]).putInt((int) timestampAndRelativeOffset[i + 1]);
        }
        return buffer.flip();
    }

    @Test
    void shouldReturnEntryWithLargestTimestampAtOrBelowTarget() {
        // given
        RemoteTimeIndex index = new RemoteTimeIndex(BASE, index(100, 3, 200, 7, 300, 7, 400, 12), "k");

        // when / then
        assertEquals(new TimestampOffset(100, BASE + 3), index.lookup(100));
        assertEquals(new TimestampOffset(100, BASE + 3), index.lookup(199));
        assertEquals(new TimestampOffset(300, BASE + 7), index.lookup(399));
        assertEquals(new TimestampOffset(400, BASE + 12), index.lookup(Long.MAX_VALUE));
        assertEquals(4, index.entries());
        assertEquals(48, index.sizeInBytes());
    }

    @Test
    void shouldReturnNoTimestampAndBaseOffsetWhenTargetIsBelowEveryEntry() {
        // given
        RemoteTimeIndex index = new RemoteTimeIndex(BASE, index(100, 3), "k");

        // when / then
        assertEquals(new TimestampOffset(RecordBatch.NO_TIMESTAMP, BASE), index.lookup(99));
        assertEquals(TimestampOffset.empty(BASE), new RemoteTimeIndex(BASE, ByteBuffer.allocate(0), "k").lookup(5));
    }

    @Test
    void shouldThrowCorruptRecordWhenLengthIsNotAMultipleOfTheEntrySize() {
        // given
        ByteBuffer buffer = ByteBuffer.allocate(16);

        // when
        CorruptRecordException e = assertThrows(CorruptRecordException.class,
                () -> new RemoteTimeIndex(BASE, buffer, "bucket/x.timeindex"));

        // then
        assertTrue(e.getMessage().contains("bucket/x.timeindex"), e.getMessage());
    }

    @Test
    void shouldThrowCorruptRecordWhenTimestampsDoNotIncrease() {
        assertThrows(CorruptRecordException.class, () -> new RemoteTimeIndex(BASE, index(100, 3, 100, 4), "k"));
        assertThrows(CorruptRecordException.class, () -> new RemoteTimeIndex(BASE, index(100, 3, 90, 4), "k"));
    }

    @Test
    void shouldThrowCorruptRecordWhenOffsetsDecreaseOrAreNegative() {
        assertThrows(CorruptRecordException.class, () -> new RemoteTimeIndex(BASE, index(100, 3, 200, 2), "k"));
        assertThrows(CorruptRecordException.class, () -> new RemoteTimeIndex(BASE, index(100, -1), "k"));
    }
}
