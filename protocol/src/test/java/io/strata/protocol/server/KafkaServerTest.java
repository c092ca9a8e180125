package io.strata.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.strata.protocol.KafkaWire;
import io.strata.protocol.TestRequests;
import io.strata.protocol.TestSegments;
import io.strata.protocol.frame.RequestFrame;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaServerTest {

    private static final long TIMEOUT_MILLIS = 10_000;

    @TempDir
    Path dir;

    private final List<PendingRequest> dispatched = Collections.synchronizedList(new ArrayList<>());
    private final Semaphore dispatches = new Semaphore(0);
    private FileRecords segment;
    private KafkaServer server;

    @BeforeEach
    void setUp() throws IOException {
        segment = TestSegments.segment(dir, 3);
        KafkaServerConfig config = new KafkaServerConfig("127.0.0.1", 0, 64 * 1024, 2, 8);
        server = new KafkaServer(config, this::dispatch, TestRequests.table());
        server.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
        segment.close();
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrderWhenCompletedOutOfOrderFromAnotherThread() throws Exception {
        try (Socket socket = connect()) {
            // given: three pipelined requests, the last one a Fetch served from the segment file
            AbstractRequest apiVersions = TestRequests.apiVersions((short) 3);
            AbstractRequest metadata = TestRequests.metadata((short) 11, "topic-a");
            AbstractRequest fetch = TestRequests.fetch((short) 12);
            send(socket, apiVersions, 1);
            send(socket, metadata, 2);
            send(socket, fetch, 3);
            awaitDispatched(3);
            FileRecords slice = segment.slice(TestSegments.batchPosition(segment, 1), segment.sizeInBytes());

            // when: completed last to first, on the test thread
            dispatched.get(2).future.complete(fetchResponse(slice));
            dispatched.get(1).future.complete(new MetadataResponseData().setClusterId("cluster-x").setControllerId(1));
            dispatched.get(0).future.complete(new ApiVersionsResponseData().setApiKeys(TestRequests.table().toApiVersions()));

            // then
            DataInputStream in = new DataInputStream(socket.getInputStream());
            ApiVersionsResponse first = (ApiVersionsResponse) KafkaWire.readResponse(receive(in), apiVersions, 1);
            assertEquals(TestRequests.table().toApiVersions(), first.data().apiKeys());
            MetadataResponse second = (MetadataResponse) KafkaWire.readResponse(receive(in), metadata, 2);
            assertEquals("cluster-x", second.data().clusterId());
            FetchResponse third = (FetchResponse) KafkaWire.readResponse(receive(in), fetch, 3);
            assertEquals(TestSegments.heapCopy(slice), third.data().responses().get(0).partitions().get(0).records());
            for (PendingRequest request : dispatched) {
                assertTrue(request.threadName.startsWith("net-"), request.threadName);
            }
        }
    }

    @Test
    void shouldAnswerV0UnsupportedVersionOverTheWireWhenApiVersionsVersionIsUnknown() throws Exception {
        try (Socket socket = connect()) {
            // given
            ByteBuffer request = KafkaWire.rawHeader((short) 18, (short) 99, 41).writeByte(0).nioBuffer();

            // when
            OutputStream out = socket.getOutputStream();
            byte[] frame = new byte[4 + request.remaining()];
            ByteBuffer.wrap(frame).putInt(request.remaining()).put(request);
            out.write(frame);
            out.flush();

            // then: response header v0 then an ApiVersions v0 body, as a client parses it
            ByteBuffer response = receive(new DataInputStream(socket.getInputStream()));
            response.getInt();
            ResponseHeaderData header = new ResponseHeaderData(new ByteBufferAccessor(response), (short) 0);
            assertEquals(41, header.correlationId());
            ApiVersionsResponseData body = new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 0);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), body.errorCode());
            assertEquals(TestRequests.table().toApiVersions(), body.apiKeys());
            assertEquals(0, response.remaining());
            assertTrue(dispatched.isEmpty());
        }
    }

    @Test
    void shouldCloseConnectionWhenFrameIsLargerThanMaxFrameBytes() throws Exception {
        try (Socket socket = connect()) {
            // when
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(64 * 1024 + 1).array());
            out.flush();

            // then
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void shouldRefuseConnectionsWhenClosed() {
        // given
        int port = server.boundPort();

        // when
        server.close();

        // then
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        assertThrows(IllegalStateException.class, server::boundPort);
    }

    @Test
    void shouldFailToStartWhenPortIsInUse() {
        // given
        KafkaServerConfig sameport = new KafkaServerConfig("127.0.0.1", server.boundPort(), 1024, 1, 1);
        KafkaServer second = new KafkaServer(sameport, this::dispatch, TestRequests.table());

        // when / then
        assertThrows(IOException.class, second::start);
        assertThrows(IllegalStateException.class, second::start);
        second.close();
    }

    private CompletionStage<ApiMessage> dispatch(RequestFrame frame, Channel channel) {
        PendingRequest request = new PendingRequest(frame, Thread.currentThread().getName(), new CompletableFuture<>());
        dispatched.add(request);
        dispatches.release();
        return request.future;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.boundPort()), (int) TIMEOUT_MILLIS);
        socket.setSoTimeout((int) TIMEOUT_MILLIS);
        return socket;
    }

    private void awaitDispatched(int count) throws InterruptedException {
        if (!dispatches.tryAcquire(count, TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Only " + dispatched.size() + " requests dispatched");
        }
    }

    private static void send(Socket socket, AbstractRequest request, int correlationId) throws IOException {
        var frame = KafkaWire.sizePrefixed(request, correlationId);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        socket.getOutputStream().write(bytes);
    }

    /** Reads one size-prefixed response, keeping the prefix in the returned buffer. */
    private static ByteBuffer receive(DataInputStream in) throws IOException {
        int size = in.readInt();
        byte[] frame = new byte[4 + size];
        ByteBuffer.wrap(frame).putInt(size);
        in.readFully(frame, 4, size);
        return ByteBuffer.wrap(frame);
    }

    private static FetchResponseData fetchResponse(FileRecords records) {
        Function<Integer, FetchResponseData.PartitionData> partition = index -> new FetchResponseData.PartitionData()
            .setPartitionIndex(index).setHighWatermark(6).setLastStableOffset(6).setLogStartOffset(0);
        return new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
            .setTopic("topic-a")
            .setPartitions(List.of(partition.apply(0).setRecords(records)))));
    }

    private record PendingRequest(RequestFrame frame, String threadName, CompletableFuture<ApiMessage> future) {
    }
}
