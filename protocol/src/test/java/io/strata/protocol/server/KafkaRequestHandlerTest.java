package io.strata.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.strata.protocol.KafkaWire;
import io.strata.protocol.LogCapture;
import io.strata.protocol.TestRequests;
import io.strata.protocol.TrackingAllocator;
import io.strata.protocol.codec.ResponseEncoder;
import io.strata.protocol.frame.RequestFrame;
import io.strata.protocol.frame.ResponseFrame;
import io.strata.protocol.TestSegments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.RecordsSend;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaRequestHandlerTest {

    @TempDir
    Path dir;

    private static final int MAX_IN_FLIGHT = 2;

    private final ManualDispatcher dispatcher = new ManualDispatcher();
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final EmbeddedChannel channel = newChannel(dispatcher);

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
        allocator.assertAllReleased();
    }

    @Test
    void shouldWriteResponsesInRequestOrderWhenCompletionsFinishOutOfOrder() {
        // given
        MetadataRequest request = TestRequests.metadata((short) 12, "topic-a");
        channel.writeInbound(frame(request, 1), frame(request, 2), frame(request, 3));

        // when
        dispatcher.complete(2, metadataResponse("cluster-2"));
        dispatcher.complete(1, metadataResponse("cluster-1"));
        byte[] afterTwo = KafkaWire.drainOutbound(channel);
        dispatcher.complete(0, metadataResponse("cluster-0"));

        // then
        assertEquals(0, afterTwo.length, "nothing may overtake the first request");
        ByteBuffer written = ByteBuffer.wrap(KafkaWire.drainOutbound(channel));
        for (int correlationId = 1; correlationId <= 3; correlationId++) {
            MetadataResponse response = (MetadataResponse) KafkaWire.readResponse(written, request, correlationId);
            assertEquals("cluster-" + (correlationId - 1), response.data().clusterId());
        }
        assertFalse(written.hasRemaining());
    }

    @Test
    void shouldSkipResponseWithoutBlockingLaterOnesWhenCompletionIsNull() {
        // given: an acks=0 produce between two metadata requests
        MetadataRequest metadata = TestRequests.metadata((short) 12);
        channel.writeInbound(frame(metadata, 1),
            frame(TestRequests.produce((short) 9, (short) 0, TestRequests.records("a")), 2),
            frame(metadata, 3));

        // when
        dispatcher.complete(2, metadataResponse("later"));
        dispatcher.complete(0, metadataResponse("first"));
        dispatcher.complete(1, null);

        // then
        ByteBuffer written = ByteBuffer.wrap(KafkaWire.drainOutbound(channel));
        assertEquals("first", ((MetadataResponse) KafkaWire.readResponse(written, metadata, 1)).data().clusterId());
        assertEquals("later", ((MetadataResponse) KafkaWire.readResponse(written, metadata, 3)).data().clusterId());
        assertFalse(written.hasRemaining());
    }

    @Test
    void shouldFlushOnceReadCompletesWhenResponsesCompleteDuringTheRead() {
        // given
        EmbeddedChannel immediate = newChannel((frame, ch) -> CompletableFuture.completedFuture(metadataResponse("now")));
        MetadataRequest request = TestRequests.metadata((short) 4);

        // when
        immediate.writeInbound(frame(request, 1), frame(request, 2));

        // then
        ByteBuffer written = ByteBuffer.wrap(KafkaWire.drainOutbound(immediate));
        KafkaWire.readResponse(written, request, 1);
        KafkaWire.readResponse(written, request, 2);
        assertFalse(written.hasRemaining());
        immediate.finishAndReleaseAll();
    }

    @Test
    void shouldTurnAutoReadOffWhenMoreThanMaxInFlightArePendingAndBackOnWhenDrained() {
        // given
        MetadataRequest request = TestRequests.metadata((short) 12);
        channel.writeInbound(frame(request, 1), frame(request, 2));
        boolean autoReadAtMax = channel.config().isAutoRead();

        // when
        channel.writeInbound(frame(request, 3));
        boolean autoReadAboveMax = channel.config().isAutoRead();
        dispatcher.complete(1, metadataResponse("c"));
        boolean autoReadWhileHeadPending = channel.config().isAutoRead();
        dispatcher.complete(0, metadataResponse("c"));

        // then
        assertTrue(autoReadAtMax);
        assertFalse(autoReadAboveMax);
        assertFalse(autoReadWhileHeadPending, "a completed slot behind the head is still pending");
        assertTrue(channel.config().isAutoRead());
        KafkaWire.drainOutbound(channel);
    }

    @Test
    void shouldStopReadingWhileChannelIsNotWritable() {
        // when
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        channel.runPendingTasks();
        boolean autoReadWhileUnwritable = channel.config().isAutoRead();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks();

        // then
        assertFalse(autoReadWhileUnwritable);
        assertTrue(channel.config().isAutoRead());
    }

    @Test
    void shouldAnswerWithApiErrorCodeWhenStageFailsWithApiException() {
        try (LogCapture logs = LogCapture.of(KafkaRequestHandler.class)) {
            // given
            AbstractRequest request = TestRequests.produce((short) 9, (short) -1, TestRequests.records("a"));
            channel.writeInbound(frame(request, 5));

            // when
            dispatcher.fail(0, new CompletionException(new NotLeaderOrFollowerException("moved")));

            // then
            ProduceResponse response = (ProduceResponse) readSingleResponse(request, 5);
            Errors partitionError = Errors.forCode(response.data().responses().iterator().next().partitionResponses().get(0).errorCode());
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, partitionError);
            assertTrue(logs.events(Level.ERROR).isEmpty());
        }
    }

    @Test
    void shouldAnswerUnknownServerErrorAndLogOnceWhenStageFailsUnexpectedly() {
        try (LogCapture logs = LogCapture.of(KafkaRequestHandler.class)) {
            // given
            AbstractRequest request = TestRequests.apiVersions((short) 3);
            channel.writeInbound(frame(request, 6));

            // when
            dispatcher.fail(0, new IllegalStateException("boom"));

            // then
            ApiVersionsResponse response = (ApiVersionsResponse) readSingleResponse(request, 6);
            assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), response.data().errorCode());
            assertEquals(1, logs.events(Level.ERROR).size());
            String message = logs.events(Level.ERROR).get(0).getFormattedMessage();
            assertTrue(message.contains("API_VERSIONS") && message.contains(KafkaWire.CLIENT_ID), message);
            assertTrue(channel.isOpen());
        }
    }

    @Test
    void shouldAnswerWithErrorResponseWhenDispatcherThrows() {
        // given
        EmbeddedChannel throwing = newChannel((frame, ch) -> {
            throw new IllegalArgumentException("bad dispatch");
        });
        AbstractRequest request = TestRequests.apiVersions((short) 2);

        // when
        throwing.writeInbound(frame(request, 7));

        // then
        ByteBuffer written = ByteBuffer.wrap(KafkaWire.drainOutbound(throwing));
        ApiVersionsResponse response = (ApiVersionsResponse) KafkaWire.readResponse(written, request, 7);
        assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), response.data().errorCode());
        throwing.finishAndReleaseAll();
    }

    @Test
    void shouldAnswerWithErrorResponseWhenDispatcherReturnsNoStage() {
        // given
        EmbeddedChannel broken = newChannel((frame, ch) -> null);
        AbstractRequest request = TestRequests.apiVersions((short) 2);

        // when
        broken.writeInbound(frame(request, 8));

        // then
        ByteBuffer written = ByteBuffer.wrap(KafkaWire.drainOutbound(broken));
        ApiVersionsResponse response = (ApiVersionsResponse) KafkaWire.readResponse(written, request, 8);
        assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), response.data().errorCode());
        broken.finishAndReleaseAll();
    }

    @Test
    void shouldAnswerWithErrorResponseWhenBodyAnswersAnotherApi() {
        // given
        AbstractRequest request = TestRequests.apiVersions((short) 3);
        channel.writeInbound(frame(request, 9));

        // when
        dispatcher.complete(0, metadataResponse("wrong api"));

        // then
        ApiVersionsResponse response = (ApiVersionsResponse) readSingleResponse(request, 9);
        assertEquals(Errors.UNKNOWN_SERVER_ERROR.code(), response.data().errorCode());
    }

    @Test
    void shouldCloseAfterEarlierResponsesWhenProduceWithoutResponseFails() {
        // given
        MetadataRequest metadata = TestRequests.metadata((short) 12);
        channel.writeInbound(frame(metadata, 1),
            frame(TestRequests.produce((short) 9, (short) 0, TestRequests.records("a")), 2));

        // when
        dispatcher.fail(1, new NotLeaderOrFollowerException("moved"));
        boolean openWhileEarlierPending = channel.isOpen();
        dispatcher.complete(0, metadataResponse("before close"));

        // then
        assertTrue(openWhileEarlierPending);
        assertFalse(channel.isOpen());
        ByteBuffer written = ByteBuffer.wrap(KafkaWire.drainOutbound(channel));
        assertEquals("before close", ((MetadataResponse) KafkaWire.readResponse(written, metadata, 1)).data().clusterId());
        assertFalse(written.hasRemaining());
    }

    @Test
    void shouldQueueDecoderAnswerBehindPendingResponses() {
        // given
        MetadataRequest metadata = TestRequests.metadata((short) 12);
        channel.writeInbound(frame(metadata, 1));
        ApiVersionsResponseData unsupported = new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());

        // when
        channel.writeInbound(ResponseFrame.of(ApiKeys.API_VERSIONS, (short) 0, 2, unsupported));
        byte[] beforeHeadCompletes = KafkaWire.drainOutbound(channel);
        dispatcher.complete(0, metadataResponse("head"));

        // then
        assertEquals(0, beforeHeadCompletes.length);
        ByteBuffer written = ByteBuffer.wrap(KafkaWire.drainOutbound(channel));
        assertEquals("head", ((MetadataResponse) KafkaWire.readResponse(written, metadata, 1)).data().clusterId());
        ApiVersionsResponse apiVersions = (ApiVersionsResponse) KafkaWire.readResponse(written, TestRequests.apiVersions((short) 0), 2);
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), apiVersions.data().errorCode());
    }

    @Test
    void shouldDropPendingResponsesWhenChannelBecomesInactive() {
        // given
        MetadataRequest metadata = TestRequests.metadata((short) 12);
        channel.writeInbound(frame(metadata, 1), frame(metadata, 2));
        dispatcher.complete(1, metadataResponse("behind the head"));

        // when
        channel.close();
        dispatcher.complete(0, metadataResponse("too late"));
        channel.pipeline().fireChannelRead(frame(metadata, 3));

        // then
        assertEquals(0, KafkaWire.drainOutbound(channel).length);
        assertEquals(2, dispatcher.pending.size(), "no dispatch after close");
    }

    @Test
    void shouldCloseConnectionWhenResponseCannotBeEncoded() {
        try (LogCapture logs = LogCapture.of(KafkaRequestHandler.class)) {
            // given
            channel.writeInbound(frame(TestRequests.fetch((short) 12), 1));
            BaseRecords unknown = new BaseRecords() {
                @Override
                public int sizeInBytes() {
                    return 3;
                }

                @Override
                public RecordsSend<? extends BaseRecords> toSend() {
                    throw new UnsupportedOperationException();
                }
            };
            FetchResponseData body = new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                .setTopic("topic-a").setPartitions(List.of(new FetchResponseData.PartitionData().setRecords(unknown)))));

            // when
            dispatcher.complete(0, body);

            // then
            assertFalse(channel.isOpen());
            assertEquals(0, KafkaWire.drainOutbound(channel).length);
            assertEquals(1, logs.events(Level.WARN).size());
        }
    }

    @Test
    void shouldReleaseUnflushedResponsesWhenChannelCloses() throws IOException {
        try (FileRecords segment = TestSegments.segment(dir, 2)) {
            // given: a zero-copy Fetch response written during a read, before the read completes and flushes
            FetchResponseData body = new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                .setTopic("topic-a").setPartitions(List.of(new FetchResponseData.PartitionData().setRecords(segment)))));
            EmbeddedChannel immediate = newChannel((frame, ch) -> CompletableFuture.completedFuture(body));
            immediate.pipeline().fireChannelRead(frame(TestRequests.fetch((short) 12), 1));

            // when
            immediate.close();

            // then: the header buffers are released (checked in tearDown) and the segment stays usable
            assertTrue(allocator.allocatedCount() > 0, "the response was encoded");
            assertTrue(immediate.outboundMessages().isEmpty());
            assertTrue(segment.channel().isOpen());
        }
    }

    private EmbeddedChannel newChannel(RequestDispatcher requestDispatcher) {
        EmbeddedChannel embedded = new EmbeddedChannel();
        embedded.config().setAllocator(allocator);
        embedded.pipeline().addLast(new ResponseEncoder(), new KafkaRequestHandler(requestDispatcher, MAX_IN_FLIGHT));
        return embedded;
    }

    private AbstractResponse readSingleResponse(AbstractRequest request, int correlationId) {
        ByteBuffer written = ByteBuffer.wrap(KafkaWire.drainOutbound(channel));
        AbstractResponse response = KafkaWire.readResponse(written, request, correlationId);
        assertFalse(written.hasRemaining());
        return response;
    }

    private static RequestFrame frame(AbstractRequest request, int correlationId) {
        return new RequestFrame(KafkaWire.header(request, correlationId), request, 64, System.nanoTime());
    }

    private static MetadataResponseData metadataResponse(String clusterId) {
        return new MetadataResponseData().setClusterId(clusterId).setControllerId(1);
    }

    /** Records dispatched frames and lets the test complete them in any order. */
    @Test
    void shouldReleaseTheRequestBufferOnlyOnceItsStageCompletes() {
        // given: requests holding network buffers, one answered, one failed, one without response
        ByteBuf answered = Unpooled.directBuffer(16).writeLong(1);
        ByteBuf failed = Unpooled.directBuffer(16).writeLong(2);
        ByteBuf silent = Unpooled.directBuffer(16).writeLong(3);
        MetadataRequest metadata = TestRequests.metadata((short) 12);
        ProduceRequest produce = TestRequests.produce((short) 9, (short) 0, TestRequests.records("a"));
        channel.writeInbound(holding(metadata, 1, answered), holding(metadata, 2, failed), holding(produce, 3, silent));

        // when / then: nothing is given back while the handlers may still read the bodies
        assertEquals(1, answered.refCnt());
        assertEquals(1, failed.refCnt());
        assertEquals(1, silent.refCnt());
        dispatcher.complete(0, metadataResponse("cluster"));
        dispatcher.fail(1, new NotLeaderOrFollowerException("moved"));
        dispatcher.complete(2, null);
        assertEquals(0, answered.refCnt());
        assertEquals(0, failed.refCnt());
        assertEquals(0, silent.refCnt());
        KafkaWire.drainOutbound(channel);
    }

    @Test
    void shouldReleaseTheRequestBufferWhenItsStageCompletesAfterTheConnectionClosed() {
        // given
        ByteBuf inFlight = Unpooled.directBuffer(16).writeLong(1);
        MetadataRequest metadata = TestRequests.metadata((short) 12);
        channel.writeInbound(holding(metadata, 1, inFlight));

        // when
        channel.close();

        // then: the handler may still be reading the body; it is given back when it completes
        assertEquals(1, inFlight.refCnt());
        dispatcher.complete(0, metadataResponse("too late"));
        assertEquals(0, inFlight.refCnt());
        assertEquals(0, KafkaWire.drainOutbound(channel).length);
    }

    private static RequestFrame holding(AbstractRequest request, int correlationId, ByteBuf buffer) {
        return new RequestFrame(KafkaWire.header(request, correlationId), request, 64, System.nanoTime(), buffer);
    }

    private static final class ManualDispatcher implements RequestDispatcher {

        private final List<CompletableFuture<ApiMessage>> pending = new ArrayList<>();

        @Override
        public CompletionStage<ApiMessage> dispatch(RequestFrame frame, Channel channel) {
            CompletableFuture<ApiMessage> future = new CompletableFuture<>();
            pending.add(future);
            return future;
        }

        void complete(int index, ApiMessage body) {
            pending.get(index).complete(body);
        }

        void fail(int index, Throwable error) {
            pending.get(index).completeExceptionally(error);
        }
    }
}
