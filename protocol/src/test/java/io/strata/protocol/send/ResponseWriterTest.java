package io.strata.protocol.send;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.strata.protocol.KafkaWire;
import io.strata.protocol.TestRequests;
import io.strata.protocol.TestSegments;
import io.strata.protocol.TrackingAllocator;
import io.strata.protocol.frame.ResponseFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordsSend;
import org.apache.kafka.common.record.internal.TransferableRecords;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseWriterTest {

    @TempDir
    Path dir;

    private final TrackingAllocator allocator = new TrackingAllocator();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        allocator.assertAllReleased();
    }

    @ParameterizedTest
    @ValueSource(shorts = {4, 12, 16, 18})
    void shouldWriteSameBytesAsKafkaClientsWhenFetchRecordsAreSegmentSlices(short version) throws IOException {
        // given: two partitions reading slices that start mid-segment, one partition with no data
        FileRecords segment = segment(4);
        FileRecords sliceA = segment.slice(TestSegments.batchPosition(segment, 1), segment.sizeInBytes());
        int positionB = TestSegments.batchPosition(segment, 2);
        FileRecords sliceB = segment.slice(positionB, TestSegments.batchPosition(segment, 3) - positionB);
        FetchResponseData zeroCopy = fetchResponse(version, sliceA, sliceB);
        FetchResponseData heap = fetchResponse(version, TestSegments.heapCopy(sliceA), TestSegments.heapCopy(sliceB));
        ResponseFrame response = ResponseFrame.of(ApiKeys.FETCH, version, 31, zeroCopy);

        // when
        List<Object> out = new ArrayList<>();
        new ResponseWriter(true).write(response, allocator, out);

        // then: buf, region, buf, region[, buf with the tagged fields of flexible versions]
        byte[] written;
        try {
            assertEquals(version >= 12 ? 5 : 4, out.size());
            assertInstanceOf(ByteBuf.class, out.get(0));
            SegmentFileRegion regionA = assertInstanceOf(SegmentFileRegion.class, out.get(1));
            assertEquals(TestSegments.batchPosition(segment, 1), regionA.position());
            assertEquals(sliceA.sizeInBytes(), regionA.count());
            assertInstanceOf(ByteBuf.class, out.get(2));
            SegmentFileRegion regionB = assertInstanceOf(SegmentFileRegion.class, out.get(3));
            assertEquals(positionB, regionB.position());
            assertEquals(sliceB.sizeInBytes(), regionB.count());
        } finally {
            written = KafkaWire.bytesOf(out);
        }
        assertArrayEquals(kafkaClientsBytes(ApiKeys.FETCH, version, 31, heap), written);
        assertTrue(segment.channel().isOpen(), "releasing the regions must not close the segment");
        FetchResponse parsed = (FetchResponse) KafkaWire.readResponse(ByteBuffer.wrap(written),
            TestRequests.fetch(version), 31);
        List<FetchResponseData.PartitionData> partitions = parsed.data().responses().get(0).partitions();
        assertEquals(TestSegments.heapCopy(sliceA), partitions.get(0).records());
        assertEquals(MemoryRecords.EMPTY, partitions.get(1).records());
        assertEquals(TestSegments.heapCopy(sliceB), partitions.get(2).records());
    }

    @Test
    void shouldCopyFileRecordsIntoBuffersWhenFileRegionsAreDisabled() throws IOException {
        // given
        FileRecords segment = segment(3);
        FileRecords slice = segment.slice(TestSegments.batchPosition(segment, 1), segment.sizeInBytes());
        short version = 12;
        ResponseFrame response = ResponseFrame.of(ApiKeys.FETCH, version, 8, fetchResponse(version, slice, MemoryRecords.EMPTY));
        long channelPosition = segment.channel().position();

        // when
        List<Object> out = new ArrayList<>();
        new ResponseWriter(false).write(response, allocator, out);

        // then
        assertTrue(out.stream().allMatch(ByteBuf.class::isInstance));
        byte[] expected = kafkaClientsBytes(ApiKeys.FETCH, version, 8,
            fetchResponse(version, TestSegments.heapCopy(slice), MemoryRecords.EMPTY));
        assertArrayEquals(expected, KafkaWire.bytesOf(out));
        assertEquals(channelPosition, segment.channel().position(), "positional reads leave the channel position alone");
    }

    @Test
    void shouldWriteMemoryRecordsBufferWhenRecordsAreInMemory() {
        // given
        MemoryRecords records = TestRequests.records("x", "y", "z");
        short version = 16;
        FetchResponseData data = fetchResponse(version, records, MemoryRecords.EMPTY);

        // when
        List<Object> out = new ArrayList<>();
        new ResponseWriter(true).write(ResponseFrame.of(ApiKeys.FETCH, version, 2, data), allocator, out);

        // then
        assertArrayEquals(kafkaClientsBytes(ApiKeys.FETCH, version, 2, data), KafkaWire.bytesOf(out));
        assertEquals(0, records.buffer().position(), "the records' buffer is not consumed");
    }

    @Test
    void shouldWriteOneExactlySizedBufferWhenResponseHasNoRecords() {
        // given
        MetadataResponseData data = new MetadataResponseData().setClusterId("cluster-1").setControllerId(1);
        data.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(1).setHost("localhost").setPort(9092));
        ResponseFrame response = ResponseFrame.of(ApiKeys.METADATA, (short) 12, 77, data);

        // when
        List<Object> out = new ArrayList<>();
        new ResponseWriter(true).write(response, allocator, out);

        // then
        assertEquals(1, out.size());
        ByteBuf buffer = (ByteBuf) out.get(0);
        assertEquals(buffer.capacity(), buffer.readableBytes());
        assertArrayEquals(kafkaClientsBytes(ApiKeys.METADATA, (short) 12, 77, data), KafkaWire.bytesOf(out));
    }

    @Test
    void shouldUseResponseHeaderV0WhenAnsweringFlexibleApiVersions() {
        // given
        ApiVersionsResponseData data = new ApiVersionsResponseData().setApiKeys(TestRequests.table().toApiVersions());
        ResponseFrame response = ResponseFrame.of(ApiKeys.API_VERSIONS, (short) 3, 4, data);

        // when
        List<Object> out = new ArrayList<>();
        new ResponseWriter(true).write(response, allocator, out);

        // then
        ByteBuffer written = ByteBuffer.wrap(KafkaWire.bytesOf(out));
        ApiVersionsResponse parsed = (ApiVersionsResponse) KafkaWire.readResponse(written,
            TestRequests.apiVersions((short) 3), 4);
        assertEquals(data, parsed.data());
        assertEquals(0, response.headerVersion());
    }

    @Test
    void shouldReleaseEverythingWhenSegmentWasTruncatedBelowTheSlice() throws IOException {
        // given
        FileRecords segment = segment(3);
        FileRecords slice = segment.slice(TestSegments.batchPosition(segment, 1), segment.sizeInBytes());
        segment.truncateTo(TestSegments.batchPosition(segment, 2));
        ResponseFrame response = ResponseFrame.of(ApiKeys.FETCH, (short) 12, 1, fetchResponse((short) 12, slice, MemoryRecords.EMPTY));

        // when
        List<Object> out = new ArrayList<>();
        assertThrows(KafkaException.class, () -> new ResponseWriter(true).write(response, allocator, out));

        // then
        assertTrue(out.isEmpty());
        assertTrue(allocator.allocatedCount() > 0);
    }

    @Test
    void shouldRejectRecordsWhenTheyAreNeitherInMemoryNorInAFile() {
        // given
        BaseRecords unknown = new BaseRecords() {
            @Override
            public int sizeInBytes() {
                return 10;
            }

            @Override
            public RecordsSend<? extends BaseRecords> toSend() {
                throw new UnsupportedOperationException();
            }
        };
        ResponseFrame response = ResponseFrame.of(ApiKeys.FETCH, (short) 12, 1, fetchResponse((short) 12, unknown, MemoryRecords.EMPTY));

        // when
        List<Object> out = new ArrayList<>();
        assertThrows(IllegalArgumentException.class, () -> new ResponseWriter(true).write(response, allocator, out));

        // then
        assertTrue(out.isEmpty());
    }

    @Test
    void shouldFailWhenRecordsTransferFewerBytesThanTheirSize() throws IOException {
        // given: records claiming 100 bytes that map to a 40-byte file range
        FileChannel channel = segment(2).channel();
        TransferableRecords lying = new TransferableRecords() {
            @Override
            public int sizeInBytes() {
                return 100;
            }

            @Override
            public RecordsSend<? extends BaseRecords> toSend() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int writeTo(TransferableChannel destChannel, int offset, int length) throws IOException {
                return (int) destChannel.transferFrom(channel, 0, 40);
            }
        };
        ResponseFrame response = ResponseFrame.of(ApiKeys.FETCH, (short) 12, 1, fetchResponse((short) 12, lying, MemoryRecords.EMPTY));

        // when
        List<Object> out = new ArrayList<>();
        IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> new ResponseWriter(true).write(response, allocator, out));

        // then
        assertTrue(error.getMessage().contains("FETCH v12 response wrote"), error.getMessage());
        assertTrue(out.isEmpty());
    }

    private FileRecords segment(int batches) throws IOException {
        FileRecords segment = TestSegments.segment(dir, batches);
        toClose.add(segment);
        return segment;
    }

    private static FetchResponseData fetchResponse(short version, BaseRecords first, BaseRecords second) {
        Function<Integer, FetchResponseData.PartitionData> partition = index -> new FetchResponseData.PartitionData()
            .setPartitionIndex(index).setHighWatermark(8).setLastStableOffset(8).setLogStartOffset(0);
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
            .setPartitions(List.of(
                partition.apply(0).setRecords(first),
                partition.apply(1).setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code()).setRecords(MemoryRecords.EMPTY),
                partition.apply(2).setRecords(second)));
        if (version >= 13) {
            topic.setTopicId(TestRequests.TOPIC_ID);
        } else {
            topic.setTopic("topic-a");
        }
        return new FetchResponseData().setSessionId(0).setResponses(List.of(topic));
    }

    /** What kafka-clients itself serializes: size prefix, response header, body. */
    private static byte[] kafkaClientsBytes(ApiKeys apiKey, short version, int correlationId, ApiMessage body) {
        short headerVersion = ResponseFrame.responseHeaderVersion(apiKey, version);
        ByteBuffer serialized = RequestUtils.serialize(new ResponseHeaderData().setCorrelationId(correlationId),
            headerVersion, body, version);
        ByteBuf framed = KafkaWire.sizePrefixed(serialized);
        byte[] bytes = new byte[framed.readableBytes()];
        framed.readBytes(bytes);
        framed.release();
        return bytes;
    }
}
