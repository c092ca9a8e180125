package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.metadata.RegistryFixture;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Drives a handler the way the broker does: the request is written at its version and parsed back
 * (as the request decoder would see it), and the response is written at the same version and
 * parsed back with kafka-clients (as a client would read it).
 *
 * <p>This class is thread-safe (stateless).
 */
final class AdminRequests {

    private AdminRequests() {
    }

    /** The request as the broker decodes it. */
    static RequestContext context(AbstractRequest.Builder<?> builder, short version) {
        AbstractRequest built = builder.build(version);
        AbstractRequest decoded = AbstractRequest.parseRequest(built.apiKey(), version,
                MessageUtil.toByteBufferAccessor(built.data(), version)).request;
        RequestHeader header = new RequestHeader(built.apiKey(), version, "admin-test", 7);
        return new RequestContext(header, decoded, new InetSocketAddress("127.0.0.1", 50_000), System.nanoTime());
    }

    /** A request decoded from {@code data} as written at {@code version}, bypassing the client-side builder checks. */
    static RequestContext raw(ApiKeys apiKey, ApiMessage data, short version) {
        AbstractRequest decoded = AbstractRequest.parseRequest(apiKey, version,
                MessageUtil.toByteBufferAccessor(data, version)).request;
        RequestHeader header = new RequestHeader(apiKey, version, "admin-test", 7);
        return new RequestContext(header, decoded, new InetSocketAddress("127.0.0.1", 50_000), System.nanoTime());
    }

    /** The handler's response to a {@link #raw} request, as a client reads it. */
    @SuppressWarnings("unchecked")
    static <T extends ApiMessage> T respondRaw(ApiHandler handler, ApiMessage data, short version) {
        ApiMessage response = RegistryFixture.await(handler.handle(raw(handler.apiKey(), data, version)));
        return (T) roundTrip(handler.apiKey(), response, version);
    }

    /** The stage the handler returns for the request. */
    static CompletionStage<ApiMessage> handle(ApiHandler handler, AbstractRequest.Builder<?> builder, short version) {
        return handler.handle(context(builder, version));
    }

    /** The handler's response as a client at {@code version} reads it. */
    @SuppressWarnings("unchecked")
    static <T extends ApiMessage> T respond(ApiHandler handler, AbstractRequest.Builder<?> builder, short version) {
        ApiMessage response = RegistryFixture.await(handle(handler, builder, version));
        return (T) roundTrip(handler.apiKey(), response, version);
    }

    /** {@code response} written at {@code version} and parsed back by kafka-clients. */
    static ApiMessage roundTrip(ApiKeys apiKey, ApiMessage response, short version) {
        return AbstractResponse.parseResponse(apiKey, MessageUtil.toByteBufferAccessor(response, version), version)
                .data();
    }
}
