package io.strata.storage.index;

import org.apache.kafka.common.errors.InvalidOffsetException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeIndexTest {

    private static final long BASE_OFFSET = 500L;

    @TempDir
    Path dir;

    private Path file;
    private TimeIndex index;

    @BeforeEach
    void setUp() throws IOException {
        file = dir.resolve("00000000000000000500.timeindex");
        index = new TimeIndex(file, BASE_OFFSET, 12 * 100);
    }

    @AfterEach
    void tearDown() {
        index.closeHandler();
    }

    @Test
    void shouldAppendOnlyWhenTimestampGrows() {
        // given
        index.maybeAppend(1_000L, BASE_OFFSET + 10);

        // when
        index.maybeAppend(1_000L, BASE_OFFSET + 20);
        index.maybeAppend(1_500L, BASE_OFFSET + 20);

        // then
        assertEquals(2, index.entries());
        assertEquals(new TimestampOffset(1_500L, BASE_OFFSET + 20), index.lastEntry());
        assertEquals(new TimestampOffset(1_000L, BASE_OFFSET + 10), index.entry(0));
    }

    @Test
    void shouldIgnoreMissingTimestampWhenIndexIsEmpty() {
        // given an empty index

        // when
        index.maybeAppend(RecordBatch.NO_TIMESTAMP, BASE_OFFSET + 3);

        // then
        assertEquals(0, index.entries());
        assertEquals(new TimestampOffset(RecordBatch.NO_TIMESTAMP, BASE_OFFSET), index.lastEntry());
    }

    @Test
    void shouldFindLargestTimestampAtOrBelowTargetWhenLookingUp() {
        // given (100i -> base + 10i) for i in 1..50
        for (int i = 1; i <= 50; i++) {
            index.maybeAppend(100L * i, BASE_OFFSET + 10L * i);
        }

        // when / then
        assertEquals(new TimestampOffset(RecordBatch.NO_TIMESTAMP, BASE_OFFSET), index.lookup(99));
        assertEquals(new TimestampOffset(100, BASE_OFFSET + 10), index.lookup(100));
        assertEquals(new TimestampOffset(2_500, BASE_OFFSET + 250), index.lookup(2_599));
        assertEquals(new TimestampOffset(5_000, BASE_OFFSET + 500), index.lookup(Long.MAX_VALUE));
    }

    @Test
    void shouldRejectAppendWhenOffsetOrTimestampGoesBackwards() {
        // given
        index.maybeAppend(1_000L, BASE_OFFSET + 10);

        // when / then
        assertThrows(InvalidOffsetException.class, () -> index.maybeAppend(2_000L, BASE_OFFSET + 9));
        assertThrows(IllegalStateException.class, () -> index.maybeAppend(999L, BASE_OFFSET + 11));
        assertEquals(1, index.entries());
    }

    @Test
    void shouldReserveLastSlotForRollEntryWhenFull() throws IOException {
        // given an index with 3 slots
        index.closeHandler();
        index = new TimeIndex(dir.resolve("small.timeindex"), BASE_OFFSET, 36);
        index.maybeAppend(10, BASE_OFFSET + 1);
        index.maybeAppend(20, BASE_OFFSET + 2);

        // when / then: full with one slot left, which only the roll entry may take
        assertTrue(index.isFull());
        assertThrows(IllegalArgumentException.class, () -> index.maybeAppend(30, BASE_OFFSET + 3));
        index.maybeAppend(30, BASE_OFFSET + 3, true);
        assertEquals(3, index.entries());
        assertThrows(IllegalArgumentException.class, () -> index.maybeAppend(40, BASE_OFFSET + 4, true));
    }

    @Test
    void shouldRemoveEntriesAtOrAboveOffsetWhenTruncating() {
        // given (100i -> base + 10i) for i in 1..5
        for (int i = 1; i <= 5; i++) {
            index.maybeAppend(100L * i, BASE_OFFSET + 10L * i);
        }

        // when
        index.truncateTo(BASE_OFFSET + 35);

        // then
        assertEquals(3, index.entries());
        assertEquals(new TimestampOffset(300, BASE_OFFSET + 30), index.lastEntry());
        index.truncateTo(BASE_OFFSET + 30);
        assertEquals(new TimestampOffset(200, BASE_OFFSET + 20), index.lastEntry());
        index.truncate();
        assertEquals(new TimestampOffset(RecordBatch.NO_TIMESTAMP, BASE_OFFSET), index.lastEntry());
        index.maybeAppend(50, BASE_OFFSET + 1);
        assertEquals(1, index.entries());
    }

    @Test
    void shouldWriteKafkaEntryLayoutWhenClosed() throws IOException {
        // given
        index.maybeAppend(1_700_000_000_000L, BASE_OFFSET + 4);
        index.maybeAppend(1_700_000_000_500L, BASE_OFFSET + 90_000);

        // when
        index.close();
        byte[] bytes = Files.readAllBytes(file);

        // then: big-endian 8-byte timestamp, 4-byte relative offset, trimmed to the entries
        ByteBuffer expected = ByteBuffer.allocate(24)
                .putLong(1_700_000_000_000L).putInt(4)
                .putLong(1_700_000_000_500L).putInt(90_000);
        assertArrayEquals(expected.array(), bytes);
    }

    @Test
    void shouldRestoreLastEntryWhenReopened() throws IOException {
        // given
        index.maybeAppend(10, BASE_OFFSET + 1);
        index.maybeAppend(20, BASE_OFFSET + 7);
        index.close();

        // when
        index = new TimeIndex(file, BASE_OFFSET, 12 * 100);

        // then
        assertEquals(2, index.entries());
        assertEquals(new TimestampOffset(20, BASE_OFFSET + 7), index.lastEntry());
        assertDoesNotThrow(index::sanityCheck);
    }

    @Test
    void shouldFailSanityCheckWhenReopenedStillPreallocated() throws IOException {
        // given a crash: entries written, file never trimmed
        index.maybeAppend(1_000, BASE_OFFSET + 1);
        index.maybeAppend(2_000, BASE_OFFSET + 7);
        index.closeHandler();

        // when
        index = new TimeIndex(file, BASE_OFFSET, 12 * 100);

        // then
        assertEquals(100, index.entries());
        assertThrows(CorruptIndexException.class, index::sanityCheck);
    }

    @Test
    void shouldFailSanityCheckWhenFileSizeIsNotAMultipleOfEntrySize() throws IOException {
        // given
        Path corrupt = dir.resolve("corrupt.timeindex");
        Files.write(corrupt, ByteBuffer.allocate(20).putLong(5).putInt(1).array());

        // when
        TimeIndex opened = new TimeIndex(corrupt, BASE_OFFSET, 1200);

        // then
        try {
            assertThrows(CorruptIndexException.class, opened::sanityCheck);
        } finally {
            opened.closeHandler();
        }
    }

    @Test
    void shouldFailSanityCheckWhenLastOffsetIsBelowBaseOffset() throws IOException {
        // given
        Path corrupt = dir.resolve("negative.timeindex");
        Files.write(corrupt, ByteBuffer.allocate(12).putLong(5).putInt(-1).array());

        // when
        TimeIndex opened = new TimeIndex(corrupt, BASE_OFFSET, 1200);

        // then
        try {
            assertThrows(CorruptIndexException.class, opened::sanityCheck);
        } finally {
            opened.closeHandler();
        }
    }

    @Test
    void shouldThrowInsteadOfCrashingWhenLookingUpAfterDelete() throws IOException {
        // given
        index.maybeAppend(10, BASE_OFFSET + 1);

        // when
        boolean deleted = index.deleteIfExists();

        // then
        assertTrue(deleted);
        assertFalse(Files.exists(file));
        assertThrows(IllegalStateException.class, () -> index.lookup(10));
    }
}
