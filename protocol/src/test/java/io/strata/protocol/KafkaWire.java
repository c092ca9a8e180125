package io.strata.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Test helpers that play the client side of the wire: requests serialized the way kafka-clients
 * sends them, and responses read back from what the server wrote.
 *
 * <p>Stateless and thread-safe.
 */
public final class KafkaWire {

    public static final String CLIENT_ID = "test-client";

    private KafkaWire() {
    }

    /** The header a client puts in front of {@code request}. */
    public static RequestHeader header(AbstractRequest request, int correlationId) {
        return new RequestHeader(request.apiKey(), request.version(), CLIENT_ID, correlationId);
    }

    /** Header and body as kafka-clients serializes them, without the size prefix. */
    public static ByteBuf frameBody(AbstractRequest request, int correlationId) {
        return Unpooled.wrappedBuffer(request.serializeWithHeader(header(request, correlationId)));
    }

    /** Size prefix, header and body, exactly as a client writes them to the socket. */
    public static ByteBuf sizePrefixed(AbstractRequest request, int correlationId) {
        return sizePrefixed(request.serializeWithHeader(header(request, correlationId)));
    }

    /** {@code body} behind a 4-byte size prefix. */
    public static ByteBuf sizePrefixed(ByteBuffer body) {
        ByteBuf frame = Unpooled.buffer(4 + body.remaining());
        frame.writeInt(body.remaining());
        frame.writeBytes(body.duplicate());
        return frame;
    }

    /** A frame body with the given request header fields and no request body. */
    public static ByteBuf rawHeader(short apiKey, short apiVersion, int correlationId) {
        ByteBuf frame = Unpooled.buffer();
        frame.writeShort(apiKey);
        frame.writeShort(apiVersion);
        frame.writeInt(correlationId);
        frame.writeShort(CLIENT_ID.length());
        frame.writeBytes(CLIENT_ID.getBytes(StandardCharsets.US_ASCII));
        return frame;
    }

    /** Bytes of all outbound messages of {@code channel}, in order; every message is released. */
    public static byte[] drainOutbound(EmbeddedChannel channel) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            appendAndRelease(msg, bytes);
        }
        return bytes.toByteArray();
    }

    /** Bytes of {@code messages} (ByteBufs and FileRegions), in order; every message is released. */
    public static byte[] bytesOf(List<Object> messages) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Object msg : messages) {
            appendAndRelease(msg, bytes);
        }
        return bytes.toByteArray();
    }

    /** Splits {@code bytes} into responses and parses the next one for {@code request}. */
    public static AbstractResponse readResponse(ByteBuffer bytes, AbstractRequest request, int correlationId) {
        int size = bytes.getInt();
        ByteBuffer frame = bytes.slice();
        frame.limit(size);
        bytes.position(bytes.position() + size);
        return AbstractResponse.parseResponse(frame, header(request, correlationId));
    }

    private static void appendAndRelease(Object msg, ByteArrayOutputStream bytes) {
        try {
            if (msg instanceof ByteBuf buf) {
                byte[] array = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), array);
                bytes.write(array);
            } else if (msg instanceof FileRegion region) {
                WritableByteChannel target = Channels.newChannel(bytes);
                while (region.transferred() < region.count()) {
                    region.transferTo(target, region.transferred());
                }
            } else {
                throw new AssertionError("Unexpected outbound message " + msg);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
