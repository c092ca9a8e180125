package io.strata.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty decoder that splits the inbound byte stream into Kafka request frames: a 4-byte big-endian
 * size followed by that many bytes of request header and body.
 *
 * <p>Each frame body (without the size prefix) is emitted as a retained slice of the cumulation
 * buffer; the next handler owns it and must release it. A size that is negative or larger than
 * {@code maxFrameBytes} ({@code socket.request.max.bytes}) is a framing violation, as in Apache
 * Kafka's {@code NetworkReceive}: the decoder logs one WARN line with the remote address and
 * closes the connection as soon as it has read the 4 size bytes. It never waits for, or allocates
 * room for, the announced body, and it discards every byte that arrives afterwards.
 *
 * <p>Not thread-safe and not sharable: one instance per channel, used on its event loop.
 */
public final class KafkaFrameDecoder extends ByteToMessageDecoder {

    /** Size of the frame length prefix. */
    public static final int SIZE_PREFIX_BYTES = Integer.BYTES;

    private static final Logger log = LoggerFactory.getLogger(KafkaFrameDecoder.class);

    private final int maxFrameBytes;
    private boolean rejected;

    /**
     * Creates a decoder that accepts frames of up to {@code maxFrameBytes} bytes (Kafka's
     * {@code socket.request.max.bytes}, default 104857600).
     */
    public KafkaFrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes < 0) {
            throw new IllegalArgumentException("maxFrameBytes must not be negative: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < SIZE_PREFIX_BYTES) {
            return;
        }
        int frameBytes = in.getInt(in.readerIndex());
        if (frameBytes < 0 || frameBytes > maxFrameBytes) {
            reject(ctx, in, frameBytes);
            return;
        }
        if (in.readableBytes() - SIZE_PREFIX_BYTES < frameBytes) {
            return;
        }
        in.skipBytes(SIZE_PREFIX_BYTES);
        out.add(in.readRetainedSlice(frameBytes));
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, int frameBytes) {
        rejected = true;
        in.skipBytes(in.readableBytes());
        if (frameBytes < 0) {
            log.warn("Closing connection from {}: invalid request size {} (negative)",
                ctx.channel().remoteAddress(), frameBytes);
        } else {
            log.warn("Closing connection from {}: request size {} is larger than socket.request.max.bytes {}",
                ctx.channel().remoteAddress(), frameBytes, maxFrameBytes);
        }
        ctx.close();
    }
}
