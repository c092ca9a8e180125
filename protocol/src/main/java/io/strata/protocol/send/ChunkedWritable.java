package io.strata.protocol.send;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.TransferableRecords;
import org.apache.kafka.common.record.internal.UnalignedMemoryRecords;

/**
 * A kafka-clients {@link Writable} that writes a message into a sequence of Netty outbound
 * messages: the non-record bytes go into one {@link ByteBuf} sized up front, and each records
 * field becomes its own chunk between slices of that buffer.
 *
 * <ul>
 *   <li>{@code MemoryRecords}: the records' buffer, wrapped without copying (as Apache Kafka sends
 *       it);</li>
 *   <li>file-backed records ({@code FileRecords}, {@code UnalignedFileRecords}): a
 *       {@link SegmentFileRegion} over the file range, or, when file regions cannot be used (a TLS
 *       channel), the range read into a new buffer.</li>
 * </ul>
 *
 * <p>Ownership: the chunks returned by {@link #finish()} belong to the caller; after a failure the
 * caller must call {@link #discard()}, which releases everything written so far.
 *
 * <p>Not thread-safe: one instance encodes one response on one thread.
 */
final class ChunkedWritable implements Writable {

    private final ByteBuf buffer;
    private final ByteBufAllocator allocator;
    private final boolean fileRegions;
    private final List<Object> chunks = new ArrayList<>(2);
    private int flushedIndex;
    private long chunkedBytes;

    /**
     * Creates a writable for one message whose non-record bytes number exactly {@code heapBytes}.
     *
     * @param allocator   allocates the header buffer and, in copy mode, the record buffers
     * @param heapBytes   the exact number of non-record bytes that will be written
     * @param fileRegions whether file-backed records become {@link SegmentFileRegion}s (zero copy)
     *                    or are read into buffers
     */
    ChunkedWritable(ByteBufAllocator allocator, int heapBytes, boolean fileRegions) {
        this.allocator = allocator;
        this.fileRegions = fileRegions;
        this.buffer = allocator.buffer(heapBytes, heapBytes);
    }

    @Override
    public void writeByte(byte val) {
        buffer.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        buffer.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        buffer.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        buffer.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        buffer.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        buffer.writeBytes(arr);
    }

    @Override
    public void writeByteBuffer(ByteBuffer buf) {
        buffer.writeBytes(buf.duplicate());
    }

    @Override
    public void writeUnsignedVarint(int i) {
        int value = i;
        while ((value & 0xffffff80) != 0) {
            buffer.writeByte((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        buffer.writeByte(value);
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long i) {
        long value = (i << 1) ^ (i >> 63);
        while ((value & 0xffffffffffffff80L) != 0L) {
            buffer.writeByte(((int) value & 0x7f) | 0x80);
            value >>>= 7;
        }
        buffer.writeByte((int) value);
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records.sizeInBytes() == 0) {
            return;
        }
        if (records instanceof MemoryRecords memoryRecords) {
            addChunk(Unpooled.wrappedBuffer(memoryRecords.buffer()));
        } else if (records instanceof UnalignedMemoryRecords memoryRecords) {
            addChunk(Unpooled.wrappedBuffer(memoryRecords.buffer()));
        } else if (records instanceof TransferableRecords fileRecords) {
            FileSlice slice = fileSlice(fileRecords);
            addChunk(fileRegions ? new SegmentFileRegion(slice.channel(), slice.position(), slice.count()) : read(slice));
        } else {
            throw new IllegalArgumentException("Cannot write records of type " + records.getClass().getName());
        }
    }

    /** Total bytes written so far, records included. */
    long writtenBytes() {
        return chunkedBytes + buffer.writerIndex() - flushedIndex;
    }

    /** Ends the message and hands over its chunks, in wire order. */
    List<Object> finish() {
        if (chunks.isEmpty()) {
            chunks.add(buffer);
        } else {
            flushBuffer();
            buffer.release();
        }
        return chunks;
    }

    /** Releases everything written so far; the instance must not be used afterwards. */
    void discard() {
        for (Object chunk : chunks) {
            ReferenceCountUtil.safeRelease(chunk);
        }
        chunks.clear();
        if (buffer.refCnt() > 0) {
            buffer.release();
        }
    }

    private void addChunk(Object chunk) {
        flushBuffer();
        chunks.add(chunk);
        chunkedBytes += chunk instanceof ByteBuf byteBuf ? byteBuf.readableBytes() : ((SegmentFileRegion) chunk).count();
    }

    private void flushBuffer() {
        int pending = buffer.writerIndex() - flushedIndex;
        if (pending > 0) {
            chunks.add(buffer.retainedSlice(flushedIndex, pending));
            chunkedBytes += pending;
            flushedIndex = buffer.writerIndex();
        }
    }

    private static FileSlice fileSlice(TransferableRecords records) {
        try {
            return FileSlice.of(records);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot locate the file range of " + records, e);
        }
    }

    /** Copy mode: reads the slice into a new buffer (positional reads; the channel position is untouched). */
    private ByteBuf read(FileSlice slice) {
        int count = Math.toIntExact(slice.count());
        ByteBuf copy = allocator.buffer(count, count);
        try {
            long position = slice.position();
            while (copy.isWritable()) {
                int read = copy.writeBytes(slice.channel(), position, copy.writableBytes());
                if (read < 0) {
                    throw new IOException("Unexpected end of file at position " + position + " while reading " + slice);
                }
                position += read;
            }
            return copy;
        } catch (IOException e) {
            copy.release();
            throw new UncheckedIOException("Cannot read " + slice, e);
        } catch (RuntimeException e) {
            copy.release();
            throw e;
        }
    }
}
