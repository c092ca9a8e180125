package io.strata.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.strata.protocol.KafkaWire;
import io.strata.protocol.TestRequests;
import io.strata.protocol.TestSegments;
import io.strata.protocol.TrackingAllocator;
import io.strata.protocol.frame.ResponseFrame;
import io.strata.protocol.send.SegmentFileRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseEncoderTest {

    @TempDir
    Path dir;

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    ResponseEncoderTest() {
        channel.config().setAllocator(allocator);
        channel.pipeline().addLast(new ResponseEncoder());
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        allocator.assertAllReleased();
    }

    @Test
    void shouldCompletePromiseWhenEveryPartOfAZeroCopyResponseIsWritten() throws IOException {
        try (FileRecords segment = TestSegments.segment(dir, 2)) {
            // given
            FetchResponseData body = new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                .setTopic("topic-a").setPartitions(List.of(new FetchResponseData.PartitionData().setRecords(segment)))));

            // when
            ChannelFuture written = channel.writeAndFlush(ResponseFrame.of(ApiKeys.FETCH, (short) 12, 3, body));

            // then
            assertTrue(written.isSuccess());
            assertEquals(3, channel.outboundMessages().size());
            assertInstanceOf(SegmentFileRegion.class, channel.outboundMessages().toArray()[1]);
            FetchResponse response = (FetchResponse) KafkaWire.readResponse(ByteBuffer.wrap(KafkaWire.drainOutbound(channel)),
                TestRequests.fetch((short) 12), 3);
            assertEquals(TestSegments.heapCopy(segment), response.data().responses().get(0).partitions().get(0).records());
        }
    }

    @Test
    void shouldWriteOneBufferWhenResponseHasNoRecords() {
        // when
        ChannelFuture written = channel.writeAndFlush(ResponseFrame.of(ApiKeys.METADATA, (short) 12, 4,
            new MetadataResponseData().setClusterId("c")));

        // then
        assertTrue(written.isSuccess());
        assertEquals(1, channel.outboundMessages().size());
        MetadataResponse response = (MetadataResponse) KafkaWire.readResponse(ByteBuffer.wrap(KafkaWire.drainOutbound(channel)),
            TestRequests.metadata((short) 12), 4);
        assertEquals("c", response.data().clusterId());
    }

    @Test
    void shouldFailPromiseAndWriteNothingWhenEncodingFails() throws IOException {
        FileRecords segment = TestSegments.segment(dir, 2);
        try {
            // given: the segment shrank below the slice being sent
            FileRecords slice = segment.slice(0, segment.sizeInBytes());
            segment.truncateTo(TestSegments.batchPosition(segment, 1));
            FetchResponseData body = new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                .setTopic("topic-a").setPartitions(List.of(new FetchResponseData.PartitionData().setRecords(slice)))));

            // when
            ChannelFuture written = channel.writeAndFlush(ResponseFrame.of(ApiKeys.FETCH, (short) 12, 3, body));

            // then
            assertFalse(written.isSuccess());
            assertTrue(channel.outboundMessages().isEmpty());
        } finally {
            segment.close();
        }
    }

    @Test
    void shouldPassThroughMessagesThatAreNotResponses() {
        // given
        ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});

        // when
        channel.writeAndFlush(raw);

        // then
        ByteBuf out = channel.readOutbound();
        assertSame(raw, out);
        out.release();
    }
}
