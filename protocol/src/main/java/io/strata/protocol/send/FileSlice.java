package io.strata.protocol.send;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.TransferableRecords;

/**
 * The file range that a file-backed {@link TransferableRecords} (a {@code FileRecords} slice or
 * {@code UnalignedFileRecords}) stands for: its channel, absolute start position and byte count.
 *
 * <p>{@code FileRecords} exposes its channel but not the start of its slice. Its public
 * {@code writeTo(TransferableChannel, offset, length)} computes exactly that range (and checks
 * that the file was not truncated below the slice) before calling
 * {@link TransferableChannel#transferFrom(FileChannel, long, long)}, so {@link #of} passes a
 * channel that records the call instead of transferring anything. No file bytes are read.
 *
 * <p>Immutable and thread-safe.
 */
record FileSlice(FileChannel channel, long position, long count) {

    FileSlice {
        Objects.requireNonNull(channel, "channel");
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("Invalid file slice: position " + position + ", count " + count);
        }
    }

    /**
     * The file range behind {@code records}.
     *
     * @throws IOException              if the channel's size cannot be read
     * @throws IllegalArgumentException if {@code records} are not backed by a file channel
     * @throws org.apache.kafka.common.KafkaException if the file was truncated below the slice
     */
    static FileSlice of(TransferableRecords records) throws IOException {
        Capture capture = new Capture();
        records.writeTo(capture, 0, records.sizeInBytes());
        if (capture.slice == null) {
            throw new IllegalArgumentException(records.getClass().getSimpleName() + " is not backed by a file channel");
        }
        return capture.slice;
    }

    /** A {@link TransferableChannel} that only records the one {@code transferFrom} call it receives. */
    private static final class Capture implements TransferableChannel {

        private FileSlice slice;

        @Override
        public long transferFrom(FileChannel fileChannel, long position, long count) {
            if (slice != null) {
                throw new IllegalStateException("Records transferred more than one file range");
            }
            slice = new FileSlice(fileChannel, position, count);
            return count;
        }

        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException("Only file-backed records can be captured");
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            throw new UnsupportedOperationException("Only file-backed records can be captured");
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException("Only file-backed records can be captured");
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
