package io.strata.storage.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentFilesTest {

    private final Path dir = Path.of("/data/topic-0");

    @Test
    void shouldNameFilesWithTwentyDigitBaseOffsetWhenBuildingPaths() {
        // given
        long baseOffset = 12345L;

        // when
        Path log = SegmentFiles.logFile(dir, baseOffset);
        Path index = SegmentFiles.offsetIndexFile(dir, baseOffset);
        Path timeIndex = SegmentFiles.timeIndexFile(dir, baseOffset);
        Path txnIndex = SegmentFiles.transactionIndexFile(dir, baseOffset);
        Path snapshot = SegmentFiles.producerSnapshotFile(dir, baseOffset);
        Path cleaned = SegmentFiles.logFile(dir, baseOffset, SegmentFiles.CLEANED_FILE_SUFFIX);

        // then
        assertEquals(dir.resolve("00000000000000012345.log"), log);
        assertEquals(dir.resolve("00000000000000012345.index"), index);
        assertEquals(dir.resolve("00000000000000012345.timeindex"), timeIndex);
        assertEquals(dir.resolve("00000000000000012345.txnindex"), txnIndex);
        assertEquals(dir.resolve("00000000000000012345.snapshot"), snapshot);
        assertEquals(dir.resolve("00000000000000012345.log.cleaned"), cleaned);
        assertEquals("09223372036854775807", SegmentFiles.filenamePrefixFromOffset(Long.MAX_VALUE));
    }

    @Test
    void shouldRejectWhenOffsetIsNegative() {
        // given
        long offset = -1L;

        // when / then
        assertThrows(IllegalArgumentException.class, () -> SegmentFiles.filenamePrefixFromOffset(offset));
    }

    @Test
    void shouldParseBaseOffsetWhenNameHasExtraSuffixes() {
        // given
        String deleted = "00000000000000000123.log.deleted";
        String swap = "00000000000000004567.timeindex.swap";

        // when
        long deletedOffset = SegmentFiles.offsetFromFileName(deleted);
        long swapOffset = SegmentFiles.offsetFromFile(dir.resolve(swap));

        // then
        assertEquals(123L, deletedOffset);
        assertEquals(4567L, swapOffset);
        assertEquals(Long.MAX_VALUE, SegmentFiles.offsetFromFileName("09223372036854775807.log"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"partition.metadata", "leader-epoch-checkpoint", "-0000000000000000001.log",
            ".log", "000000000000000000000.log", "99999999999999999999.log", "00000000000000000001"})
    void shouldRejectWhenNameIsNotASegmentFile(String name) {
        // given a name that does not start with 1-20 digits and a dot, or overflows a long

        // when / then
        assertThrows(IllegalArgumentException.class, () -> SegmentFiles.offsetFromFileName(name));
    }

    @Test
    void shouldClassifyFilesWhenCheckingTheirSuffix() {
        // given
        Path log = SegmentFiles.logFile(dir, 0);
        Path index = SegmentFiles.offsetIndexFile(dir, 0);
        Path snapshot = SegmentFiles.producerSnapshotFile(dir, 0);

        // when / then
        assertTrue(SegmentFiles.isLogFile(log));
        assertFalse(SegmentFiles.isLogFile(index));
        assertTrue(SegmentFiles.isIndexFile(index));
        assertTrue(SegmentFiles.isIndexFile(SegmentFiles.timeIndexFile(dir, 0)));
        assertFalse(SegmentFiles.isIndexFile(log));
        assertTrue(SegmentFiles.isProducerSnapshotFile(snapshot));
    }

    @Test
    void shouldReplaceSuffixWhenNameEndsWithIt() {
        // given
        Path log = SegmentFiles.logFile(dir, 7);

        // when
        Path deleted = SegmentFiles.replaceSuffix(log, "", SegmentFiles.DELETED_FILE_SUFFIX);
        Path restored = SegmentFiles.replaceSuffix(deleted, SegmentFiles.DELETED_FILE_SUFFIX, "");

        // then
        assertEquals(dir.resolve("00000000000000000007.log.deleted"), deleted);
        assertEquals(log, restored);
    }

    @Test
    void shouldRejectReplaceWhenNameDoesNotEndWithOldSuffix() {
        // given
        Path log = SegmentFiles.logFile(dir, 7);

        // when / then
        assertThrows(IllegalArgumentException.class,
                () -> SegmentFiles.replaceSuffix(log, SegmentFiles.SWAP_FILE_SUFFIX, ""));
    }
}
