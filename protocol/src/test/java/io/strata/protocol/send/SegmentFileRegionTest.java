package io.strata.protocol.send;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.IllegalReferenceCountException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFileRegionTest {

    @TempDir
    Path dir;

    @Test
    void shouldTransferExactlyTheRangeWhenWritten() throws IOException {
        try (FileChannel channel = channelWith("0123456789abcdef")) {
            // given
            SegmentFileRegion region = new SegmentFileRegion(channel, 4, 6);
            ByteArrayOutputStream target = new ByteArrayOutputStream();

            // when
            while (region.transferred() < region.count()) {
                region.transferTo(Channels.newChannel(target), region.transferred());
            }

            // then
            assertArrayEquals("456789".getBytes(StandardCharsets.US_ASCII), target.toByteArray());
            assertEquals(6, region.transferred());
            assertTrue(region.release());
        }
    }

    @Test
    void shouldLeaveSegmentChannelOpenWhenLastReferenceIsReleased() throws IOException {
        try (FileChannel channel = channelWith("0123456789")) {
            // given
            SegmentFileRegion region = new SegmentFileRegion(channel, 0, 10);
            region.retain();

            // when
            region.release();
            boolean deallocated = region.release();

            // then
            assertTrue(deallocated);
            assertTrue(channel.isOpen());
            ByteBuffer stillReadable = ByteBuffer.allocate(10);
            assertEquals(10, channel.read(stillReadable, 0));
        }
    }

    @Test
    void shouldRefuseToTransferWhenReleased() throws IOException {
        try (FileChannel channel = channelWith("0123456789")) {
            // given
            SegmentFileRegion region = new SegmentFileRegion(channel, 0, 10);
            region.release();

            // when / then
            assertThrows(IllegalReferenceCountException.class,
                () -> region.transferTo(Channels.newChannel(new ByteArrayOutputStream()), 0));
        }
    }

    private FileChannel channelWith(String content) throws IOException {
        Path file = dir.resolve("00000000000000000000.log");
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        return FileChannel.open(file, StandardOpenOption.READ);
    }
}
