package io.strata.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.strata.protocol.LogCapture;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaFrameDecoderTest {

    private static final int MAX_FRAME_BYTES = 1024;

    private final EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(MAX_FRAME_BYTES));

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void shouldEmitFrameBodyWhenSizePrefixAndBodyArriveInPieces() {
        // given
        ByteBuf wire = Unpooled.buffer();
        wire.writeInt(5).writeBytes("hello".getBytes(StandardCharsets.US_ASCII));

        // when
        channel.writeInbound(wire.readRetainedSlice(2));
        channel.writeInbound(wire.readRetainedSlice(3));
        Object beforeComplete = channel.readInbound();
        channel.writeInbound(wire.readRetainedSlice(4));
        wire.release();

        // then
        assertNull(beforeComplete);
        assertFrame("hello", channel.readInbound());
        assertNull(channel.readInbound());
    }

    @Test
    void shouldEmitEveryFrameWhenSeveralArriveInOneRead() {
        // given
        ByteBuf wire = Unpooled.buffer();
        wire.writeInt(3).writeBytes("one".getBytes(StandardCharsets.US_ASCII));
        wire.writeInt(3).writeBytes("two".getBytes(StandardCharsets.US_ASCII));
        wire.writeInt(4).writeBytes("thr".getBytes(StandardCharsets.US_ASCII));

        // when
        channel.writeInbound(wire);

        // then
        assertFrame("one", channel.readInbound());
        assertFrame("two", channel.readInbound());
        assertNull(channel.readInbound());
        assertTrue(channel.isOpen());
    }

    @Test
    void shouldEmitEmptyFrameWhenSizeIsZero() {
        // given
        ByteBuf wire = Unpooled.buffer().writeInt(0);

        // when
        channel.writeInbound(wire);

        // then
        assertFrame("", channel.readInbound());
    }

    @Test
    void shouldCloseWithoutBufferingWhenSizeExceedsMaxFrameBytes() {
        try (LogCapture logs = LogCapture.of(KafkaFrameDecoder.class)) {
            // given
            ByteBuf wire = Unpooled.buffer().writeInt(MAX_FRAME_BYTES + 1).writeBytes(new byte[16]);

            // when
            channel.writeInbound(wire);

            // then
            assertFalse(channel.isOpen());
            assertNull(channel.readInbound());
            assertEquals(0, wire.refCnt(), "the announced body must not be buffered");
            assertEquals(1, logs.events(Level.WARN).size());
            assertTrue(logs.events(Level.WARN).get(0).getFormattedMessage().contains("socket.request.max.bytes"));
        }
    }

    @Test
    void shouldAcceptFrameWhenSizeEqualsMaxFrameBytes() {
        // given
        ByteBuf wire = Unpooled.buffer().writeInt(MAX_FRAME_BYTES).writeBytes(new byte[MAX_FRAME_BYTES]);

        // when
        channel.writeInbound(wire);

        // then
        ByteBuf frame = channel.readInbound();
        assertEquals(MAX_FRAME_BYTES, frame.readableBytes());
        frame.release();
        assertTrue(channel.isOpen());
    }

    @Test
    void shouldCloseAndDiscardLaterBytesWhenSizeIsNegative() {
        try (LogCapture logs = LogCapture.of(KafkaFrameDecoder.class)) {
            // given
            ByteBuf wire = Unpooled.buffer().writeInt(-1).writeInt(3).writeBytes("abc".getBytes(StandardCharsets.US_ASCII));

            // when
            channel.writeInbound(wire);

            // then
            assertFalse(channel.isOpen());
            assertNull(channel.readInbound());
            assertEquals(0, wire.refCnt());
            assertEquals(1, logs.events(Level.WARN).size());
            assertTrue(logs.events(Level.WARN).get(0).getFormattedMessage().contains("negative"));
        }
    }

    private static void assertFrame(String expected, ByteBuf frame) {
        try {
            assertEquals(expected, frame.toString(StandardCharsets.US_ASCII));
        } finally {
            frame.release();
        }
    }
}
