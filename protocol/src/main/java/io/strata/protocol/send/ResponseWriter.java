package io.strata.protocol.send;

import io.netty.buffer.ByteBufAllocator;
import io.strata.protocol.frame.ResponseFrame;
import java.util.List;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * Encodes a {@link ResponseFrame} into the Netty messages that put it on the wire: the 4-byte size
 * prefix, the response header and the body, with record data kept out of the Java heap.
 *
 * <p>The size is computed up front with kafka-clients' {@link MessageSizeAccumulator}, which counts
 * record bytes separately as "zero-copy" bytes; only the other bytes are written into a pooled
 * buffer, allocated once at its exact size. The body is written by its generated {@code write}
 * method through a {@link ChunkedWritable}: each records field ends the current slice of that
 * buffer and adds its own message, a {@link SegmentFileRegion} for a {@code FileRecords} slice
 * ({@code sendfile}, no copy) or the wrapped buffer of {@code MemoryRecords}. A Fetch response
 * over three partitions thus becomes {@code [buf, region, buf, region, buf, region, buf]}.
 *
 * <p>{@code fileRegions = false} is the seam for channels that cannot write a {@code FileRegion},
 * such as one with an {@code SslHandler}: file-backed records are then read into buffers on the
 * calling thread, as Apache Kafka's SSL transport layer does.
 *
 * <p>Stateless and thread-safe.
 */
public final class ResponseWriter {

    private final boolean fileRegions;

    /**
     * Creates a writer; with {@code fileRegions} file-backed records are sent as
     * {@link SegmentFileRegion}s, otherwise they are copied into buffers.
     */
    public ResponseWriter(boolean fileRegions) {
        this.fileRegions = fileRegions;
    }

    /**
     * Encodes {@code response} and appends its messages ({@code ByteBuf}s and
     * {@link SegmentFileRegion}s, in wire order) to {@code out}; the caller owns them and must write
     * or release them. On failure nothing is appended and everything allocated is released.
     *
     * @throws org.apache.kafka.common.KafkaException if a {@code FileRecords} slice was truncated
     * @throws java.io.UncheckedIOException           if a file-backed slice cannot be located or read
     * @throws IllegalStateException                  if the body writes a different number of bytes
     *                                                than it announced (a schema misuse)
     */
    public void write(ResponseFrame response, ByteBufAllocator allocator, List<Object> out) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(response.correlationId());
        ApiMessage body = response.body();

        MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, response.headerVersion());
        body.addSize(size, cache, response.apiVersion());
        int frameBytes = size.totalSize();

        ChunkedWritable writable = new ChunkedWritable(allocator, Integer.BYTES + size.sizeExcludingZeroCopy(), fileRegions);
        try {
            writable.writeInt(frameBytes);
            header.write(writable, cache, response.headerVersion());
            body.write(writable, cache, response.apiVersion());
            long expected = (long) Integer.BYTES + frameBytes;
            if (writable.writtenBytes() != expected) {
                throw new IllegalStateException(response.apiKey() + " v" + response.apiVersion() + " response wrote "
                    + writable.writtenBytes() + " bytes but its size is " + expected);
            }
        } catch (RuntimeException | Error e) {
            writable.discard();
            throw e;
        }
        out.addAll(writable.finish());
    }
}
