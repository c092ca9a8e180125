package io.strata.storage.index;

import org.apache.kafka.common.utils.ByteBufferUnmapper;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A memory-mapped, append-only file of fixed-size entries sorted by key, the base of Apache Kafka's
 * sparse segment indexes ({@link OffsetIndex}, {@link TimeIndex}).
 *
 * <p>A new index file is preallocated to {@code maxIndexSize} rounded down to a multiple of the entry
 * size, so that appends only write to the mapping. When the segment stops being the active one (or
 * is closed) the file is trimmed to the entries actually written ({@link #trimToValidSize()}). An
 * existing file is assumed to hold {@code length / entrySize} entries; {@link #sanityCheck()} tells
 * whether that is plausible, and the log layer rebuilds the index from the {@code .log} file when it
 * is not. Lookups are binary searches that first try the last 8 KiB of the file (the "warm" section
 * that recent fetches touch), so that a lookup near the end does not fault in cold pages.
 *
 * <p>Thread-safety: mutations (append, truncate, resize, close) are serialized by an internal lock.
 * Lookups run concurrently with appends and hold a read lock that excludes only remapping and
 * unmapping, so an index closed or resized while another thread searches it never exposes an
 * unmapped buffer; a lookup on a closed index throws {@link IllegalStateException}.
 */
public abstract sealed class AbstractIndex implements Closeable permits OffsetIndex, TimeIndex {

    private static final Logger LOG = LoggerFactory.getLogger(AbstractIndex.class);

    /** Bytes at the end of the index searched first (Kafka's warm section). */
    private static final int WARM_SECTION_BYTES = 8192;

    /** Which field of an entry a search compares. */
    enum SearchType { KEY, VALUE }

    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantReadWriteLock remapLock = new ReentrantReadWriteLock();
    private final long baseOffset;
    private final int maxIndexSize;
    private final int entrySize;

    private volatile Path file;
    private volatile long length;
    private volatile MappedByteBuffer mmap;
    private volatile int maxEntries;
    private volatile int entries;

    AbstractIndex(Path file, long baseOffset, int maxIndexSize, int entrySize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.maxIndexSize = maxIndexSize;
        this.entrySize = entrySize;
        if (maxIndexSize < entrySize && Files.notExists(file)) {
            throw new IllegalArgumentException("Invalid max index size: " + maxIndexSize);
        }
        boolean newlyCreated = createIfAbsent(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (newlyCreated) {
                raf.setLength(roundDownToExactMultiple(maxIndexSize, entrySize));
            }
            long fileLength = raf.length();
            this.mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, fileLength);
            this.length = fileLength;
            this.maxEntries = (int) (fileLength / entrySize);
            // A new file holds no entries; an existing one is assumed valid up to its last full entry.
            this.entries = newlyCreated ? 0 : this.maxEntries;
        }
    }

    /** Checks that the file's size and last entry are consistent, else throws {@link CorruptIndexException}. */
    public abstract void sanityCheck();

    /** Removes every entry whose offset is {@code >= offset}. */
    public abstract void truncateTo(long offset);

    /** Removes all entries. */
    public abstract void truncate();

    public Path file() {
        return file;
    }

    public long baseOffset() {
        return baseOffset;
    }

    /** The size the file is preallocated to when it is (re)opened for appends. */
    public int maxIndexSize() {
        return maxIndexSize;
    }

    public int entrySize() {
        return entrySize;
    }

    public int entries() {
        return entries;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /** Current length of the file (preallocated or trimmed). */
    public long length() {
        return length;
    }

    /** Bytes occupied by real entries. */
    public int sizeInBytes() {
        return entrySize * entries;
    }

    public boolean isFull() {
        return entries >= maxEntries;
    }

    /**
     * Changes the file length (and the mapping) to {@code newSize} rounded down to a multiple of the
     * entry size; used to trim on roll and to make room again when a trimmed segment becomes active.
     *
     * @return false if the file already has that length
     * @throws IllegalArgumentException if the new size cannot hold the existing entries
     */
    public boolean resize(int newSize) throws IOException {
        lock.lock();
        try {
            requireOpen();
            int roundedNewSize = roundDownToExactMultiple(newSize, entrySize);
            if (roundedNewSize < sizeInBytes()) {
                throw new IllegalArgumentException("Cannot resize index " + file + " to " + newSize
                        + " bytes: it holds " + entries + " entries of " + entrySize + " bytes");
            }
            if (length == roundedNewSize) {
                return false;
            }
            remapLock.writeLock().lock();
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                safeForceUnmap();
                raf.setLength(roundedNewSize);
                this.length = roundedNewSize;
                this.mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, roundedNewSize);
                this.maxEntries = roundedNewSize / entrySize;
                return true;
            } finally {
                remapLock.writeLock().unlock();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Shrinks the file to the entries written so far. */
    public void trimToValidSize() throws IOException {
        lock.lock();
        try {
            if (mmap != null) {
                resize(sizeInBytes());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes all entries and preallocates the file to {@link #maxIndexSize()} again. */
    public void reset() throws IOException {
        lock.lock();
        try {
            truncate();
            resize(maxIndexSize);
        } finally {
            lock.unlock();
        }
    }

    /** Forces the mapped entries to disk. */
    public void flush() {
        lock.lock();
        try {
            if (mmap != null) {
                mmap.force();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Renames the file; the index keeps working on the new name. */
    public void renameTo(Path newFile) throws IOException {
        try {
            if (Files.exists(file)) {
                Utils.atomicMoveWithFallback(file, newFile, false);
            }
        } finally {
            this.file = newFile;
        }
    }

    /** Unmaps and deletes the file. */
    public boolean deleteIfExists() throws IOException {
        closeHandler();
        return Files.deleteIfExists(file);
    }

    /** Trims the file to its entries and unmaps it. Closing twice is harmless. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            trimToValidSize();
            closeHandler();
        } finally {
            lock.unlock();
        }
    }

    /** Unmaps the file without trimming it (the file stays as it is on disk). */
    public void closeHandler() {
        lock.lock();
        try {
            remapLock.writeLock().lock();
            try {
                safeForceUnmap();
            } finally {
                remapLock.writeLock().unlock();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The 4-byte relative form of {@code offset}.
     *
     * @throws IndexOffsetOverflowException if it does not fit
     */
    public int relativeOffset(long offset) {
        long relative = offset - baseOffset;
        if (relative < 0 || relative > Integer.MAX_VALUE) {
            throw new IndexOffsetOverflowException("Integer overflow for offset: " + offset
                    + " (" + file.toAbsolutePath() + " with base offset " + baseOffset + ")");
        }
        return (int) relative;
    }

    /** Whether {@code offset} can be stored relative to this index's base offset. */
    public boolean canAppendOffset(long offset) {
        long relative = offset - baseOffset;
        return relative >= 0 && relative <= Integer.MAX_VALUE;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(file=" + file + ", baseOffset=" + baseOffset
                + ", entries=" + entries + ", maxEntries=" + maxEntries + ")";
    }

    /** The key ({@link SearchType#KEY}) or value ({@link SearchType#VALUE}) of entry {@code slot}, as a long. */
    abstract long fieldAt(ByteBuffer idx, int slot, SearchType type);

    /** Runs a mutation under the index lock; the buffer it gets stays mapped until it returns. */
    final <T> T inLock(Function<ByteBuffer, T> action) {
        lock.lock();
        try {
            return action.apply(requireOpen());
        } finally {
            lock.unlock();
        }
    }

    /** Runs a lookup: concurrent with appends, excluded from remapping and unmapping. */
    final <T> T inReadLock(Function<ByteBuffer, T> action) {
        remapLock.readLock().lock();
        try {
            return action.apply(requireOpen());
        } finally {
            remapLock.readLock().unlock();
        }
    }

    /** Publishes one more entry; call only under the lock, after writing the entry's bytes. */
    final void incrementEntries() {
        entries = entries + 1;
    }

    /** Sets the entry count; call only under the lock. */
    final void truncateToEntries0(int newEntries) {
        entries = newEntries;
    }

    /** Index of the last entry whose field is {@code <= target}, or -1 if there is none. */
    final int largestLowerBoundSlotFor(ByteBuffer idx, long target, SearchType type) {
        int n = entries;
        if (n == 0) {
            return -1;
        }
        int firstHotEntry = Math.max(0, n - 1 - WARM_SECTION_BYTES / entrySize);
        if (fieldAt(idx, firstHotEntry, type) < target) {
            return binarySearch(idx, target, type, firstHotEntry, n - 1);
        }
        if (fieldAt(idx, 0, type) > target) {
            return -1;
        }
        return binarySearch(idx, target, type, 0, firstHotEntry);
    }

    /** Number of leading entries whose field is {@code < target} (fields are non-decreasing). */
    final int countEntriesBelow(ByteBuffer idx, long target, SearchType type) {
        int lo = 0;
        int hi = entries;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (fieldAt(idx, mid, type) < target) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    final void checkEntry(int n) {
        if (n < 0 || n >= entries) {
            throw new IllegalArgumentException("No entry " + n + " in index " + file + " (" + entries + " entries)");
        }
    }

    /** Last slot in [begin, end] whose field is {@code <= target}; field(begin) must be {@code <= target}. */
    private int binarySearch(ByteBuffer idx, long target, SearchType type, int begin, int end) {
        int lo = begin;
        int hi = end;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            long found = fieldAt(idx, mid, type);
            if (found > target) {
                hi = mid - 1;
            } else if (found < target) {
                lo = mid;
            } else {
                return mid;
            }
        }
        return lo;
    }

    private MappedByteBuffer requireOpen() {
        MappedByteBuffer current = mmap;
        if (current == null) {
            throw new IllegalStateException("Index " + file + " is closed");
        }
        return current;
    }

    private void safeForceUnmap() {
        MappedByteBuffer current = mmap;
        if (current == null) {
            return;
        }
        mmap = null;
        try {
            ByteBufferUnmapper.unmap(file.toAbsolutePath().toString(), current);
        } catch (Throwable t) {
            LOG.error("Error unmapping index {}", file, t);
        }
    }

    private static boolean createIfAbsent(Path file) throws IOException {
        try {
            Files.createFile(file);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private static int roundDownToExactMultiple(int number, int factor) {
        return factor * (number / factor);
    }
}
