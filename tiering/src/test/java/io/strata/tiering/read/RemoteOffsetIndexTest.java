package io.strata.tiering.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.index.OffsetPosition;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.junit.jupiter.api.Test;

class RemoteOffsetIndexTest {

    private static final long BASE = 1000L;

    /** An index object with entries (relativeOffset, position). */
    private static ByteBuffer index(int... relativeOffsetAndPosition) {
        ByteBuffer buffer = ByteBuffer.allocate(relativeOffsetAndPosition.length * 4);
        for (int value : relativeOffsetAndPosition) {
            buffer.putInt(value);
        }
        return buffer.flip();
    }

    @Test
    void shouldReturnFloorEntryWhenTargetIsBetweenEntries() {
        // given
        RemoteOffsetIndex index = new RemoteOffsetIndex(BASE, index(5, 100, 10, 250, 20, 900), "k");

        // when / then
        assertEquals(new OffsetPosition(BASE + 5, 100), index.lookup(BASE + 5));
        assertEquals(new OffsetPosition(BASE + 5, 100), index.lookup(BASE + 9));
        assertEquals(new OffsetPosition(BASE + 10, 250), index.lookup(BASE + 10));
        assertEquals(new OffsetPosition(BASE + 10, 250), index.lookup(BASE + 19));
        assertEquals(new OffsetPosition(BASE + 20, 900), index.lookup(Long.MAX_VALUE));
        assertEquals(3, index.entries());
        assertEquals(24, index.sizeInBytes());
    }

    @Test
    void shouldReturnBaseOffsetAndZeroWhenTargetIsBelowEveryEntry() {
        // given
        RemoteOffsetIndex index = new RemoteOffsetIndex(BASE, index(5, 100), "k");

        // when / then
        assertEquals(new OffsetPosition(BASE, 0), index.lookup(BASE + 4));
        assertEquals(new OffsetPosition(BASE, 0), index.lookup(0));
    }

    @Test
    void shouldReturnBaseOffsetAndZeroWhenIndexIsEmpty() {
        // given
        RemoteOffsetIndex index = new RemoteOffsetIndex(BASE, ByteBuffer.allocate(0), "k");

        // when / then
        assertEquals(new OffsetPosition(BASE, 0), index.lookup(BASE + 100));
        assertEquals(0, index.entries());
    }

    @Test
    void shouldReadFromBufferPositionWhenBufferIsASliceOfALargerOne() {
        // given
        ByteBuffer larger = ByteBuffer.allocate(4 + 16);
        larger.putInt(-1).putInt(1).putInt(10).putInt(2).putInt(20).position(4);

        // when
        RemoteOffsetIndex index = new RemoteOffsetIndex(BASE, larger, "k");

        // then
        assertEquals(new OffsetPosition(BASE + 2, 20), index.lookup(BASE + 2));
        assertEquals(4, larger.position());
    }

    @Test
    void shouldThrowCorruptRecordWhenLengthIsNotAMultipleOfTheEntrySize() {
        // given
        ByteBuffer buffer = ByteBuffer.allocate(12);

        // when
        CorruptRecordException e = assertThrows(CorruptRecordException.class,
                () -> new RemoteOffsetIndex(BASE, buffer, "bucket/x.index"));

        // then
        assertTrue(e.getMessage().contains("bucket/x.index"), e.getMessage());
    }

    @Test
    void shouldThrowCorruptRecordWhenOffsetsDoNotIncrease() {
        assertThrows(CorruptRecordException.class, () -> new RemoteOffsetIndex(BASE, index(5, 100, 5, 200), "k"));
        assertThrows(CorruptRecordException.class, () -> new RemoteOffsetIndex(BASE, index(5, 100, 4, 200), "k"));
    }

    @Test
    void shouldThrowCorruptRecordWhenPositionsDoNotIncreaseOrAreNegative() {
        assertThrows(CorruptRecordException.class, () -> new RemoteOffsetIndex(BASE, index(5, 100, 6, 100), "k"));
        assertThrows(CorruptRecordException.class, () -> new RemoteOffsetIndex(BASE, index(-1, 100), "k"));
        assertThrows(CorruptRecordException.class, () -> new RemoteOffsetIndex(BASE, index(1, -100), "k"));
    }

    @Test
    void shouldThrowCorruptRecordWhenIndexIsAPreallocatedZeroTail() {
        // a crash leaves zero entries after the real ones
        assertThrows(CorruptRecordException.class, () -> new RemoteOffsetIndex(BASE, index(5, 100, 0, 0), "k"));
    }
}
