package io.strata.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.strata.protocol.errors.ErrorResponses;
import io.strata.protocol.frame.RequestFrame;
import io.strata.protocol.frame.ResponseFrame;
import io.strata.protocol.versions.ApiVersionsTable;
import io.strata.protocol.versions.VersionRange;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestAndSize;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty decoder that turns a request frame (as emitted by {@link KafkaFrameDecoder}) into a
 * {@link RequestFrame}, using kafka-clients' {@link RequestHeader#parse} and
 * {@link AbstractRequest#parseRequest}, and applies the version policy of an
 * {@link ApiVersionsTable}.
 *
 * <p>It emits one of two messages per frame:
 * <ul>
 *   <li>a {@link RequestFrame} for a request we serve, to be dispatched;</li>
 *   <li>a {@link ResponseFrame} for a request answered here, which the request handler queues
 *       behind the responses still pending on the connection:
 *       <ul>
 *         <li>ApiVersions at a version we do not serve (often one kafka-clients cannot parse
 *             either) gets a v0 response with {@code UNSUPPORTED_VERSION} and our whole table,
 *             in response header v0, so that the client retries with a version both sides know;</li>
 *         <li>any other known API we do not implement, or a version outside our range that
 *             kafka-clients can parse, gets that API's own error response with
 *             {@code UNSUPPORTED_VERSION}.</li>
 *       </ul></li>
 * </ul>
 * A Produce with {@code acks=0} expects no response, so an unsupported one closes the connection
 * instead (Apache Kafka's way of reporting errors to such a client).
 * An unknown API key, an undecodable header, a version kafka-clients cannot parse and a body that
 * fails to parse are protocol violations: one WARN line with the remote address, then the
 * connection is closed and later frames are dropped.
 *
 * <p>Parsed requests keep views into the buffer they were read from and outlive this call on
 * other threads. A Produce request, which carries nearly all the bytes a broker receives, is parsed
 * in place from the frame's pooled network buffer, and the {@link RequestFrame} keeps a reference
 * to that buffer until {@link RequestFrame#release()}: its record batches are validated and written
 * to the log file from there, with no copy through the Java heap (Apache Kafka reads every request
 * into a new heap buffer). Every other request is parsed from a heap copy of the frame, so that
 * nothing small can pin pooled network memory for the length of a long poll.
 *
 * <p>Stateless and {@link ChannelHandler.Sharable sharable}; thread-safe.
 */
@ChannelHandler.Sharable
public final class RequestDecoder extends MessageToMessageDecoder<ByteBuf> {

    private static final Logger log = LoggerFactory.getLogger(RequestDecoder.class);

    /** Request header size up to and including the api version: api key (2) + api version (2). */
    private static final int API_KEY_AND_VERSION_BYTES = 2 * Short.BYTES;

    private final ApiVersionsTable apiVersions;
    private final Time time;

    /** Creates a decoder that serves the versions in {@code apiVersions}, stamping frames with the system clock. */
    public RequestDecoder(ApiVersionsTable apiVersions) {
        this(apiVersions, Time.SYSTEM);
    }

    /** Creates a decoder that serves the versions in {@code apiVersions}, stamping frames with {@code time}. */
    public RequestDecoder(ApiVersionsTable apiVersions, Time time) {
        this.apiVersions = Objects.requireNonNull(apiVersions, "apiVersions");
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        if (!ctx.channel().isActive()) {
            return; // the connection is closing after a violation: drop whatever was already framed
        }
        long receivedNanos = time.nanoseconds();
        int sizeInBytes = frame.readableBytes();
        if (sizeInBytes < API_KEY_AND_VERSION_BYTES) {
            closeConnection(ctx, "request of " + sizeInBytes + " bytes is too short for a request header", null);
            return;
        }
        short apiKeyId = frame.getShort(frame.readerIndex());
        short apiVersion = frame.getShort(frame.readerIndex() + Short.BYTES);
        if (!ApiKeys.hasId(apiKeyId)) {
            closeConnection(ctx, "unknown API key " + apiKeyId + " (version " + apiVersion + ")", null);
            return;
        }
        ApiKeys apiKey = ApiKeys.forId(apiKeyId);

        // A Produce request is parsed in place: its record batches stay in the pooled network
        // buffer, which the RequestFrame keeps a reference to until the request is answered. Any
        // other request is small and is parsed from a heap copy that references no network memory.
        boolean inPlace = apiKey == ApiKeys.PRODUCE && frame.nioBufferCount() == 1;
        ByteBuffer buffer;
        if (inPlace) {
            buffer = frame.nioBuffer(frame.readerIndex(), sizeInBytes);
        } else {
            buffer = ByteBuffer.allocate(sizeInBytes);
            frame.getBytes(frame.readerIndex(), buffer);
            buffer.flip();
        }

        RequestHeader header;
        try {
            header = RequestHeader.parse(buffer);
        } catch (RuntimeException e) {
            closeConnection(ctx, "undecodable " + apiKey + " v" + apiVersion + " request header", e);
            return;
        }

        if (apiKey == ApiKeys.API_VERSIONS && !apiVersions.isSupported(apiKey, apiVersion)) {
            out.add(unsupportedApiVersionsResponse(header));
            return;
        }
        if (!apiKey.isVersionSupported(apiVersion)) {
            closeConnection(ctx, apiKey + " v" + apiVersion + " from client " + header.clientId()
                + " is a version this broker cannot parse", null);
            return;
        }

        AbstractRequest request;
        try {
            RequestAndSize parsed = AbstractRequest.parseRequest(apiKey, apiVersion, new ByteBufferAccessor(buffer));
            request = parsed.request;
        } catch (RuntimeException e) {
            closeConnection(ctx, "undecodable " + apiKey + " v" + apiVersion + " request body from client "
                + header.clientId() + " (correlation id " + header.correlationId() + ")", e);
            return;
        }
        if (apiVersions.isSupported(apiKey, apiVersion)) {
            out.add(new RequestFrame(header, request, sizeInBytes, receivedNanos, inPlace ? frame.retain() : null));
            return;
        }
        RequestFrame requestFrame = new RequestFrame(header, request, sizeInBytes, receivedNanos);
        if (request instanceof ProduceRequest produce && produce.acks() == 0) {
            closeConnection(ctx, "unsupported PRODUCE v" + apiVersion + " with acks=0 from client " + header.clientId()
                + " cannot be answered", null);
            return;
        }
        ApiMessage errorBody;
        try {
            errorBody = ErrorResponses.forRequest(request, new UnsupportedVersionException(unsupportedMessage(apiKey, apiVersion)));
        } catch (RuntimeException e) {
            closeConnection(ctx, "no error response for unsupported " + apiKey + " v" + apiVersion, e);
            return;
        }
        log.debug("Answering {} v{} from client {} with UNSUPPORTED_VERSION (we serve {})",
            apiKey, apiVersion, header.clientId(), apiVersions.range(apiKey).map(VersionRange::toString).orElse("none"));
        out.add(ResponseFrame.of(requestFrame, errorBody));
    }

    private ResponseFrame unsupportedApiVersionsResponse(RequestHeader header) {
        log.debug("Answering ApiVersions v{} from client {} with a v0 UNSUPPORTED_VERSION response",
            header.apiVersion(), header.clientId());
        ApiVersionsResponseData body = new ApiVersionsResponseData()
            .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
            .setApiKeys(apiVersions.toApiVersions());
        return ResponseFrame.of(ApiKeys.API_VERSIONS, (short) 0, header.correlationId(), body);
    }

    private String unsupportedMessage(ApiKeys apiKey, short apiVersion) {
        return apiVersions.range(apiKey)
            .map(range -> apiKey + " v" + apiVersion + " is not supported; supported versions are " + range)
            .orElseGet(() -> apiKey + " is not supported by this broker");
    }

    private static void closeConnection(ChannelHandlerContext ctx, String reason, Throwable cause) {
        if (cause == null) {
            log.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), reason);
        } else {
            log.warn("Closing connection from {}: {}: {}", ctx.channel().remoteAddress(), reason, cause.toString());
        }
        ctx.close();
    }
}
