package io.strata.storage.file;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Names of the files of a log segment, identical to Apache Kafka's {@code LogFileUtils}: the base
 * offset as a 20-digit zero-padded decimal ({@code 00000000000000012345}) followed by the file type
 * suffix ({@code .log}, {@code .index}, {@code .timeindex}, {@code .snapshot}, {@code .txnindex}) and,
 * while a file is being deleted, cleaned or swapped, one more suffix ({@code .deleted},
 * {@code .cleaned}, {@code .swap}).
 *
 * <p>This class is stateless and thread-safe.
 */
public final class SegmentFiles {

    /** Suffix of a segment's record file. */
    public static final String LOG_FILE_SUFFIX = ".log";
    /** Suffix of a segment's offset index. */
    public static final String INDEX_FILE_SUFFIX = ".index";
    /** Suffix of a segment's time index. */
    public static final String TIME_INDEX_FILE_SUFFIX = ".timeindex";
    /** Suffix of a producer state snapshot (named after the log end offset it was taken at). */
    public static final String PRODUCER_SNAPSHOT_FILE_SUFFIX = ".snapshot";
    /** Suffix of a segment's aborted transaction index. */
    public static final String TXN_INDEX_FILE_SUFFIX = ".txnindex";
    /** Added to a file scheduled for asynchronous deletion. */
    public static final String DELETED_FILE_SUFFIX = ".deleted";
    /** Added to a file written by the log cleaner before it is swapped in. */
    public static final String CLEANED_FILE_SUFFIX = ".cleaned";
    /** Added to a file that is about to replace an existing segment file. */
    public static final String SWAP_FILE_SUFFIX = ".swap";

    /** Number of digits of the base offset in a file name. */
    public static final int OFFSET_DIGITS = 20;

    private SegmentFiles() {
    }

    /**
     * Returns the 20-digit zero-padded file name prefix for an offset, e.g. {@code 00000000000000000042}.
     *
     * @throws IllegalArgumentException if the offset is negative
     */
    public static String filenamePrefixFromOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("Negative offset " + offset + " cannot name a segment file");
        }
        return String.format("%020d", offset);
    }

    public static Path logFile(Path dir, long baseOffset) {
        return logFile(dir, baseOffset, "");
    }

    /** The record file of a segment, with an optional trailing suffix such as {@link #CLEANED_FILE_SUFFIX}. */
    public static Path logFile(Path dir, long baseOffset, String suffix) {
        return file(dir, baseOffset, LOG_FILE_SUFFIX, suffix);
    }

    public static Path offsetIndexFile(Path dir, long baseOffset) {
        return offsetIndexFile(dir, baseOffset, "");
    }

    public static Path offsetIndexFile(Path dir, long baseOffset, String suffix) {
        return file(dir, baseOffset, INDEX_FILE_SUFFIX, suffix);
    }

    public static Path timeIndexFile(Path dir, long baseOffset) {
        return timeIndexFile(dir, baseOffset, "");
    }

    public static Path timeIndexFile(Path dir, long baseOffset, String suffix) {
        return file(dir, baseOffset, TIME_INDEX_FILE_SUFFIX, suffix);
    }

    public static Path transactionIndexFile(Path dir, long baseOffset) {
        return transactionIndexFile(dir, baseOffset, "");
    }

    public static Path transactionIndexFile(Path dir, long baseOffset, String suffix) {
        return file(dir, baseOffset, TXN_INDEX_FILE_SUFFIX, suffix);
    }

    /** The producer state snapshot taken at {@code offset} (a log end offset, not a segment's base offset). */
    public static Path producerSnapshotFile(Path dir, long offset) {
        return file(dir, offset, PRODUCER_SNAPSHOT_FILE_SUFFIX, "");
    }

    /**
     * Parses the offset a file is named after: the digits before the first dot, so
     * {@code 00000000000000000123.log.deleted} gives 123.
     *
     * @throws IllegalArgumentException if the name does not start with 1 to 20 decimal digits and a dot
     */
    public static long offsetFromFileName(String fileName) {
        Objects.requireNonNull(fileName, "fileName");
        int dot = fileName.indexOf('.');
        if (dot <= 0 || dot > OFFSET_DIGITS) {
            throw new IllegalArgumentException("Not a segment file name: " + fileName);
        }
        for (int i = 0; i < dot; i++) {
            char c = fileName.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("Not a segment file name: " + fileName);
            }
        }
        try {
            return Long.parseLong(fileName, 0, dot, 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Offset out of range in file name: " + fileName, e);
        }
    }

    /** {@link #offsetFromFileName(String)} applied to the file's name. */
    public static long offsetFromFile(Path file) {
        return offsetFromFileName(file.getFileName().toString());
    }

    public static boolean isLogFile(Path file) {
        return file.getFileName().toString().endsWith(LOG_FILE_SUFFIX);
    }

    public static boolean isIndexFile(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(INDEX_FILE_SUFFIX) || name.endsWith(TIME_INDEX_FILE_SUFFIX)
                || name.endsWith(TXN_INDEX_FILE_SUFFIX);
    }

    public static boolean isProducerSnapshotFile(Path file) {
        return file.getFileName().toString().endsWith(PRODUCER_SNAPSHOT_FILE_SUFFIX);
    }

    /**
     * Returns {@code file} with {@code oldSuffix} at the end of its name replaced by {@code newSuffix}
     * (either may be empty), e.g. {@code x.log} to {@code x.log.deleted} and back.
     *
     * @throws IllegalArgumentException if the name does not end with {@code oldSuffix}
     */
    public static Path replaceSuffix(Path file, String oldSuffix, String newSuffix) {
        String name = file.getFileName().toString();
        if (!name.endsWith(oldSuffix)) {
            throw new IllegalArgumentException("Expected file name " + name + " to end with '" + oldSuffix + "'");
        }
        return file.resolveSibling(name.substring(0, name.length() - oldSuffix.length()) + newSuffix);
    }

    private static Path file(Path dir, long offset, String typeSuffix, String suffix) {
        return dir.resolve(filenamePrefixFromOffset(offset) + typeSuffix + suffix);
    }
}
