package io.strata.storage.index;

import org.apache.kafka.common.errors.InvalidOffsetException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffsetIndexTest {

    private static final long BASE_OFFSET = 1000L;

    @TempDir
    Path dir;

    private Path file;
    private OffsetIndex index;

    @BeforeEach
    void setUp() throws IOException {
        file = dir.resolve("00000000000000001000.index");
        index = new OffsetIndex(file, BASE_OFFSET, 8 * 4096 + 5);
    }

    @AfterEach
    void tearDown() {
        index.closeHandler();
    }

    @Test
    void shouldPreallocateRoundedFileWhenNewlyCreated() throws IOException {
        // given a max index size that is not a multiple of 8 (set up)

        // when
        long length = Files.size(file);

        // then
        assertEquals(8 * 4096, length);
        assertEquals(4096, index.maxEntries());
        assertEquals(0, index.entries());
        assertEquals(BASE_OFFSET, index.lastOffset());
        assertEquals(new OffsetPosition(BASE_OFFSET, 0), index.lookup(BASE_OFFSET + 500));
    }

    @Test
    void shouldFindLargestEntryAtOrBelowTargetWhenLookingUp() {
        // given entries (1000 + 10i -> 100i) for i in 1..3000: more than the 1024-entry warm section
        for (int i = 1; i <= 3000; i++) {
            index.append(BASE_OFFSET + 10L * i, 100 * i);
        }

        // when / then
        assertEquals(new OffsetPosition(BASE_OFFSET, 0), index.lookup(BASE_OFFSET + 9));
        assertEquals(new OffsetPosition(BASE_OFFSET, 0), index.lookup(BASE_OFFSET - 5));
        assertEquals(new OffsetPosition(BASE_OFFSET + 10, 100), index.lookup(BASE_OFFSET + 10));
        assertEquals(new OffsetPosition(BASE_OFFSET + 10, 100), index.lookup(BASE_OFFSET + 19));
        assertEquals(new OffsetPosition(BASE_OFFSET + 15_000, 150_000), index.lookup(BASE_OFFSET + 15_005));
        assertEquals(new OffsetPosition(BASE_OFFSET + 29_990, 299_900), index.lookup(BASE_OFFSET + 29_999));
        assertEquals(new OffsetPosition(BASE_OFFSET + 30_000, 300_000), index.lookup(Long.MAX_VALUE));
        assertEquals(new OffsetPosition(BASE_OFFSET + 20, 200), index.entry(1));
    }

    @Test
    void shouldRejectAppendWhenOffsetIsNotLargerThanLast() {
        // given
        index.append(BASE_OFFSET + 5, 0);

        // when / then
        assertThrows(InvalidOffsetException.class, () -> index.append(BASE_OFFSET + 5, 100));
        assertThrows(InvalidOffsetException.class, () -> index.append(BASE_OFFSET + 4, 100));
        assertEquals(1, index.entries());
    }

    @Test
    void shouldRejectAppendWhenOffsetDoesNotFitRelativeToBaseOffset() {
        // given an empty index

        // when / then
        assertThrows(IndexOffsetOverflowException.class, () -> index.append(BASE_OFFSET - 1, 0));
        assertThrows(IndexOffsetOverflowException.class, () -> index.append(BASE_OFFSET + Integer.MAX_VALUE + 1L, 0));
        assertTrue(index.canAppendOffset(BASE_OFFSET + Integer.MAX_VALUE));
        assertFalse(index.canAppendOffset(BASE_OFFSET + Integer.MAX_VALUE + 1L));
        assertEquals(0, index.entries());
    }

    @Test
    void shouldRejectAppendWhenFull() throws IOException {
        // given an index with room for 2 entries
        index.closeHandler();
        index = new OffsetIndex(dir.resolve("small.index"), BASE_OFFSET, 16);
        index.append(BASE_OFFSET + 1, 10);
        index.append(BASE_OFFSET + 2, 20);

        // when / then
        assertTrue(index.isFull());
        assertThrows(IllegalArgumentException.class, () -> index.append(BASE_OFFSET + 3, 30));
    }

    @Test
    void shouldRemoveEntriesAtOrAboveOffsetWhenTruncating() {
        // given entries for offsets 1010, 1020, ..., 1100
        for (int i = 1; i <= 10; i++) {
            index.append(BASE_OFFSET + 10L * i, 100 * i);
        }

        // when / then: exact entry offset
        index.truncateTo(BASE_OFFSET + 80);
        assertEquals(7, index.entries());
        assertEquals(BASE_OFFSET + 70, index.lastOffset());

        // when / then: between entries
        index.truncateTo(BASE_OFFSET + 55);
        assertEquals(5, index.entries());
        assertEquals(new OffsetPosition(BASE_OFFSET + 50, 500), index.lookup(Long.MAX_VALUE));

        // when / then: above the last entry keeps everything
        index.truncateTo(BASE_OFFSET + 1000);
        assertEquals(5, index.entries());

        // when / then: below the first entry empties it, and appends start over
        index.truncateTo(BASE_OFFSET);
        assertEquals(0, index.entries());
        assertEquals(BASE_OFFSET, index.lastOffset());
        index.append(BASE_OFFSET + 1, 7);
        assertEquals(new OffsetPosition(BASE_OFFSET + 1, 7), index.lookup(BASE_OFFSET + 3));
    }

    @Test
    void shouldKeepEntriesWhenTrimmedAndReopened() throws IOException {
        // given
        index.append(BASE_OFFSET + 3, 0);
        index.append(BASE_OFFSET + 9, 4200);

        // when
        index.close();
        OffsetIndex reopened = new OffsetIndex(file, BASE_OFFSET, 8 * 4096);

        // then
        try {
            assertEquals(16, Files.size(file));
            assertEquals(2, reopened.entries());
            assertTrue(reopened.isFull());
            assertEquals(BASE_OFFSET + 9, reopened.lastOffset());
            assertEquals(new OffsetPosition(BASE_OFFSET + 3, 0), reopened.lookup(BASE_OFFSET + 8));
            assertDoesNotThrow(reopened::sanityCheck);
        } finally {
            reopened.closeHandler();
        }
    }

    @Test
    void shouldMakeRoomWhenResizedAfterTrim() throws IOException {
        // given a trimmed index
        index.append(BASE_OFFSET + 3, 0);
        index.trimToValidSize();
        assertTrue(index.isFull());

        // when
        boolean resized = index.resize(800);

        // then
        assertTrue(resized);
        assertFalse(index.resize(803));
        assertEquals(800, Files.size(file));
        assertEquals(100, index.maxEntries());
        index.append(BASE_OFFSET + 4, 50);
        assertEquals(new OffsetPosition(BASE_OFFSET + 3, 0), index.lookup(BASE_OFFSET + 3));
        assertEquals(new OffsetPosition(BASE_OFFSET + 4, 50), index.lookup(BASE_OFFSET + 4));
    }

    @Test
    void shouldRejectResizeWhenNewSizeCannotHoldEntries() {
        // given
        index.append(BASE_OFFSET + 1, 0);
        index.append(BASE_OFFSET + 2, 10);

        // when / then
        assertThrows(IllegalArgumentException.class, () -> index.resize(8));
        assertEquals(2, index.entries());
    }

    @Test
    void shouldEmptyAndPreallocateWhenReset() throws IOException {
        // given
        index.append(BASE_OFFSET + 1, 0);
        index.trimToValidSize();

        // when
        index.reset();

        // then
        assertEquals(0, index.entries());
        assertEquals(index.maxIndexSize() / 8 * 8, Files.size(file));
    }

    @Test
    void shouldWriteKafkaEntryLayoutWhenAppending() throws IOException {
        // given
        index.append(BASE_OFFSET + 7, 0);
        index.append(BASE_OFFSET + 70_000, 123_456);

        // when
        index.close();
        byte[] bytes = Files.readAllBytes(file);

        // then: big-endian 4-byte relative offset, 4-byte position, no header
        ByteBuffer expected = ByteBuffer.allocate(16).putInt(7).putInt(0).putInt(70_000).putInt(123_456);
        assertArrayEquals(expected.array(), bytes);
    }

    @Test
    void shouldFailSanityCheckWhenFileSizeIsNotAMultipleOfEntrySize() throws IOException {
        // given a file with one entry and 5 stray bytes
        Path corrupt = dir.resolve("corrupt.index");
        Files.write(corrupt, ByteBuffer.allocate(13).putInt(1).putInt(0).array());

        // when
        OffsetIndex opened = new OffsetIndex(corrupt, BASE_OFFSET, 1024);

        // then
        try {
            assertEquals(1, opened.entries());
            assertThrows(CorruptIndexException.class, opened::sanityCheck);
        } finally {
            opened.closeHandler();
        }
    }

    @Test
    void shouldFailSanityCheckWhenLastOffsetIsBelowBaseOffset() throws IOException {
        // given an entry with a negative relative offset
        Path corrupt = dir.resolve("negative.index");
        Files.write(corrupt, ByteBuffer.allocate(8).putInt(-3).putInt(0).array());

        // when
        OffsetIndex opened = new OffsetIndex(corrupt, BASE_OFFSET, 1024);

        // then
        try {
            assertThrows(CorruptIndexException.class, opened::sanityCheck);
        } finally {
            opened.closeHandler();
        }
    }

    @Test
    void shouldFailSanityCheckWhenReopenedStillPreallocated() throws IOException {
        // given a crash: entries written, file never trimmed
        index.append(BASE_OFFSET + 5, 0);
        index.append(BASE_OFFSET + 9, 300);
        index.flush();
        index.closeHandler();

        // when
        index = new OffsetIndex(file, BASE_OFFSET, 8 * 4096);

        // then: the zero entries after the real ones make the last offset implausible
        assertEquals(4096, index.entries());
        assertThrows(CorruptIndexException.class, index::sanityCheck);
    }

    @Test
    void shouldThrowInsteadOfCrashingWhenLookingUpAfterClose() throws IOException {
        // given
        index.append(BASE_OFFSET + 5, 0);

        // when
        index.close();

        // then
        assertThrows(IllegalStateException.class, () -> index.lookup(BASE_OFFSET + 5));
        assertDoesNotThrow(index::close);
    }

    @Test
    void shouldNeverExposeUnmappedBufferWhenLookupsRaceWithResizeAndClose() throws Exception {
        // given entries and a reader thread looking them up in a loop
        for (int i = 1; i <= 500; i++) {
            index.append(BASE_OFFSET + i, i * 10);
        }
        ExecutorService reader = Executors.newSingleThreadExecutor();
        CountDownLatch running = new CountDownLatch(1000);
        try {
            Future<Integer> lookups = reader.submit(() -> {
                int done = 0;
                for (int i = 0; i < 200_000; i++) {
                    try {
                        OffsetPosition found = index.lookup(BASE_OFFSET + 1 + i % 500);
                        if (found.position() != (found.offset() - BASE_OFFSET) * 10) {
                            throw new AssertionError("Wrong entry " + found);
                        }
                        done++;
                        running.countDown(); // counts completed lookups: the close waits for 1000
                    } catch (IllegalStateException closed) {
                        return done;
                    }
                }
                return done;
            });

            // when the index is remapped repeatedly, then closed, while lookups run
            assertTrue(running.await(30, TimeUnit.SECONDS));
            for (int i = 0; i < 50; i++) {
                index.resize(i % 2 == 0 ? 4000 : 8 * 4096);
            }
            index.close();

            // then every lookup saw a mapped, consistent index or a clean IllegalStateException
            assertTrue(lookups.get(30, TimeUnit.SECONDS) >= 1000);
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void shouldMoveFileWhenRenamedAndRemoveItWhenDeleted() throws IOException {
        // given
        index.append(BASE_OFFSET + 5, 0);
        Path renamed = dir.resolve("00000000000000001000.index.deleted");

        // when
        index.renameTo(renamed);

        // then
        assertFalse(Files.exists(file));
        assertTrue(Files.exists(renamed));
        assertEquals(renamed, index.file());
        assertEquals(new OffsetPosition(BASE_OFFSET + 5, 0), index.lookup(BASE_OFFSET + 6));
        assertTrue(index.deleteIfExists());
        assertFalse(Files.exists(renamed));
    }
}
