package io.strata.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.strata.protocol.KafkaWire;
import io.strata.protocol.LogCapture;
import io.strata.protocol.TestRequests;
import io.strata.protocol.frame.RequestFrame;
import io.strata.protocol.frame.ResponseFrame;
import io.strata.protocol.versions.ApiVersionsTable;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestDecoderTest {

    private final ApiVersionsTable table = TestRequests.table();
    private final EmbeddedChannel channel = new EmbeddedChannel(new RequestDecoder(table));

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    static Stream<Arguments> clientRequests() {
        return Stream.of(
            Arguments.of(TestRequests.apiVersions((short) 0)),
            Arguments.of(TestRequests.apiVersions((short) 3)),
            Arguments.of(TestRequests.apiVersions((short) 4)),
            Arguments.of(TestRequests.metadata((short) 1, "topic-a")),
            Arguments.of(TestRequests.metadata((short) 9, "topic-a", "topic-b")),
            Arguments.of(TestRequests.metadata((short) 11)),
            Arguments.of(TestRequests.produce((short) 3, (short) 1, TestRequests.records("a"))),
            Arguments.of(TestRequests.produce((short) 9, (short) -1, TestRequests.records("a", "b"))),
            Arguments.of(TestRequests.produce((short) 13, (short) 0, TestRequests.records("c"))),
            Arguments.of(TestRequests.fetch((short) 4)),
            Arguments.of(TestRequests.fetch((short) 12)),
            Arguments.of(TestRequests.fetch((short) 18)));
    }

    @ParameterizedTest
    @MethodSource("clientRequests")
    void shouldDecodeRequestFrameWhenClientSendsSupportedVersion(AbstractRequest sent) {
        // given
        ByteBuf frame = KafkaWire.frameBody(sent, 17);
        int frameBytes = frame.readableBytes();
        long before = System.nanoTime();

        // when
        channel.writeInbound(frame);

        // then
        RequestFrame decoded = assertInstanceOf(RequestFrame.class, channel.readInbound());
        assertEquals(sent.apiKey(), decoded.apiKey());
        assertEquals(sent.version(), decoded.apiVersion());
        assertEquals(17, decoded.correlationId());
        assertEquals(KafkaWire.CLIENT_ID, decoded.clientId());
        assertEquals(frameBytes, decoded.sizeInBytes());
        assertTrue(decoded.receivedNanos() - before >= 0 && System.nanoTime() - decoded.receivedNanos() >= 0);
        assertEquals(sent.serialize().buffer(), decoded.request().serialize().buffer(), "same bytes at this version");
        // a Produce request is parsed in place and keeps the frame until it is released
        assertEquals(sent.apiKey() == ApiKeys.PRODUCE ? 1 : 0, frame.refCnt());
        decoded.release();
        assertEquals(0, frame.refCnt());
    }

    @Test
    void shouldParseProduceRecordsInPlaceWhenFrameIsPooledDirectMemory() {
        // given: the frame in pooled direct memory, as the epoll transport reads it
        MemoryRecords records = TestRequests.records("value-1", "value-2");
        ProduceRequest sent = TestRequests.produce((short) 9, (short) -1, records);
        ByteBuffer serialized = sent.serializeWithHeader(KafkaWire.header(sent, 1));
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(serialized.remaining()).writeBytes(serialized);

        // when
        channel.writeInbound(frame);

        // then: the records are a view of the frame, which stays allocated until the release
        RequestFrame decoded = channel.readInbound();
        ProduceRequestData data = (ProduceRequestData) decoded.request().data();
        MemoryRecords decodedRecords = (MemoryRecords) data.topicData().iterator().next().partitionData().get(0).records();
        assertEquals(records, decodedRecords);
        assertTrue(decodedRecords.buffer().isDirect(), "no copy through the heap");
        assertEquals(1, frame.refCnt());
        decoded.release();
        assertEquals(0, frame.refCnt());
    }

    @Test
    void shouldKeepOtherRequestsIntactWhenFrameMemoryIsReusedAfterDecoding() {
        // given
        FetchRequest sent = TestRequests.fetch((short) 12);
        ByteBuffer serialized = sent.serializeWithHeader(KafkaWire.header(sent, 1));
        byte[] networkMemory = new byte[serialized.remaining()];
        serialized.get(networkMemory);
        ByteBuf frame = Unpooled.wrappedBuffer(networkMemory);

        // when
        channel.writeInbound(frame);
        Arrays.fill(networkMemory, (byte) 0x5a);

        // then: parsed from a copy; the frame was given back at once
        RequestFrame decoded = channel.readInbound();
        assertEquals(sent.serialize().buffer(), decoded.request().serialize().buffer());
        assertNull(decoded.buffer());
        assertEquals(0, frame.refCnt());
    }

    @Test
    void shouldAnswerV0UnsupportedVersionWithOurTableWhenApiVersionsVersionIsUnknown() {
        // given: ApiVersions v99 with a flexible (v2) header and a body no one can parse
        ByteBuf frame = KafkaWire.rawHeader(ApiKeys.API_VERSIONS.id, (short) 99, 23).writeByte(0).writeBytes(new byte[] {7, 7, 7});

        // when
        channel.writeInbound(frame);

        // then
        ResponseFrame response = assertInstanceOf(ResponseFrame.class, channel.readInbound());
        assertEquals(ApiKeys.API_VERSIONS, response.apiKey());
        assertEquals(0, response.apiVersion());
        assertEquals(0, response.headerVersion());
        assertEquals(23, response.correlationId());
        ApiVersionsResponseData body = (ApiVersionsResponseData) response.body();
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), body.errorCode());
        assertEquals(table.toApiVersions(), body.apiKeys());
        assertTrue(channel.isOpen());
    }

    @Test
    void shouldAnswerV0UnsupportedVersionWhenApiVersionsVersionIsParseableButNotServed() {
        // given
        ApiVersionsTable onlyV0To2 = ApiVersionsTable.builder().add(ApiKeys.API_VERSIONS, (short) 0, (short) 2).build();
        EmbeddedChannel narrow = new EmbeddedChannel(new RequestDecoder(onlyV0To2));

        // when
        narrow.writeInbound(KafkaWire.frameBody(TestRequests.apiVersions((short) 3), 5));

        // then
        ResponseFrame response = assertInstanceOf(ResponseFrame.class, narrow.readInbound());
        assertEquals(0, response.apiVersion());
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), ((ApiVersionsResponseData) response.body()).errorCode());
        assertEquals(onlyV0To2.toApiVersions(), ((ApiVersionsResponseData) response.body()).apiKeys());
        narrow.finishAndReleaseAll();
    }

    @Test
    void shouldAnswerUnsupportedVersionInRequestVersionWhenVersionIsParseableButOutsideOurRange() {
        // given: we serve Metadata up to v11
        AbstractRequest sent = TestRequests.metadata((short) 12, "topic-a");

        // when
        channel.writeInbound(KafkaWire.frameBody(sent, 9));

        // then
        ResponseFrame response = assertInstanceOf(ResponseFrame.class, channel.readInbound());
        assertEquals(ApiKeys.METADATA, response.apiKey());
        assertEquals(12, response.apiVersion());
        assertEquals(ApiKeys.METADATA.responseHeaderVersion((short) 12), response.headerVersion());
        assertEquals(9, response.correlationId());
        MetadataResponseData body = (MetadataResponseData) response.body();
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), body.topics().find("topic-a").errorCode());
        assertTrue(channel.isOpen());
    }

    @Test
    void shouldAnswerUnsupportedVersionWhenApiIsKnownButNotImplemented() {
        // given
        AbstractRequest sent = new ListGroupsRequest.Builder(new ListGroupsRequestData()).build((short) 4);

        // when
        channel.writeInbound(KafkaWire.frameBody(sent, 3));

        // then
        ResponseFrame response = assertInstanceOf(ResponseFrame.class, channel.readInbound());
        assertEquals(ApiKeys.LIST_GROUPS, response.apiKey());
        assertEquals(4, response.apiVersion());
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), ((ListGroupsResponseData) response.body()).errorCode());
    }

    @Test
    void shouldCloseWhenUnsupportedProduceExpectsNoResponse() {
        // given: we serve Produce 3..13 only up to v8 here
        ApiVersionsTable upToV8 = ApiVersionsTable.builder().add(ApiKeys.PRODUCE, (short) 3, (short) 8).build();
        EmbeddedChannel narrow = new EmbeddedChannel(new RequestDecoder(upToV8));

        // when
        narrow.writeInbound(KafkaWire.frameBody(TestRequests.produce((short) 9, (short) 0, TestRequests.records("a")), 1));

        // then
        assertNull(narrow.readInbound());
        assertFalse(narrow.isOpen());
        narrow.finishAndReleaseAll();
    }

    @Test
    void shouldCloseWhenApiKeyIsUnknown() {
        assertClosesWithOneWarning(KafkaWire.rawHeader((short) 32_000, (short) 0, 1), "unknown API key 32000");
    }

    @Test
    void shouldCloseWhenFrameIsTooShortForAHeader() {
        assertClosesWithOneWarning(Unpooled.wrappedBuffer(new byte[] {0, 3, 0}), "too short");
    }

    @Test
    void shouldCloseWhenHeaderIsTruncated() {
        // given: Metadata v1 header whose client id announces more bytes than the frame holds
        ByteBuf frame = Unpooled.buffer().writeShort(ApiKeys.METADATA.id).writeShort(1).writeInt(1).writeShort(50).writeByte('x');

        assertClosesWithOneWarning(frame, "undecodable METADATA v1 request header");
    }

    @Test
    void shouldCloseWhenVersionIsBeyondWhatKafkaClientsCanParse() {
        ByteBuf frame = KafkaWire.rawHeader(ApiKeys.PRODUCE.id, (short) 99, 1).writeByte(0);

        assertClosesWithOneWarning(frame, "cannot parse");
    }

    @Test
    void shouldCloseWhenBodyFailsToParse() {
        // given: a Fetch request cut short in its body
        ByteBuf whole = KafkaWire.frameBody(TestRequests.fetch((short) 12), 1);
        ByteBuf truncated = whole.readRetainedSlice(whole.readableBytes() - 10);
        whole.release();

        assertClosesWithOneWarning(truncated, "undecodable FETCH v12 request body");
    }

    @Test
    void shouldDropLaterFramesWhenConnectionIsClosing() {
        // given
        ByteBuf bad = KafkaWire.rawHeader((short) 32_000, (short) 0, 1);
        ByteBuf good = KafkaWire.frameBody(TestRequests.metadata((short) 9), 2);

        // when
        channel.writeInbound(bad, good);

        // then
        assertNull(channel.readInbound());
        assertEquals(0, good.refCnt());
    }

    private void assertClosesWithOneWarning(ByteBuf frame, String reason) {
        try (LogCapture logs = LogCapture.of(RequestDecoder.class)) {
            // when
            channel.writeInbound(frame);

            // then
            assertNull(channel.readInbound());
            assertFalse(channel.isOpen());
            assertEquals(0, frame.refCnt());
            assertEquals(1, logs.events(Level.WARN).size());
            String message = logs.events(Level.WARN).get(0).getFormattedMessage();
            assertTrue(message.contains(reason), message);
            assertTrue(message.contains("Closing connection from"), message);
        }
    }

    @Test
    void shouldCopyFrameBytesExactlyWhenFrameIsASliceOfALargerBuffer() {
        // given: two frames back to back in one buffer, as KafkaFrameDecoder slices them
        ByteBuf first = KafkaWire.frameBody(TestRequests.metadata((short) 9, "a"), 1);
        ByteBuf second = KafkaWire.frameBody(TestRequests.metadata((short) 9, "b"), 2);
        ByteBuf both = Unpooled.buffer().writeBytes(first).writeBytes(second);
        int firstBytes = first.writerIndex();
        first.release();
        second.release();

        // when
        channel.writeInbound(both.retainedSlice(firstBytes, both.readableBytes() - firstBytes));
        both.release();

        // then
        RequestFrame decoded = channel.readInbound();
        assertEquals(2, decoded.correlationId());
        assertArrayEquals(new Object[] {"b"}, ((MetadataRequest) decoded.request()).topics().toArray());
    }
}
