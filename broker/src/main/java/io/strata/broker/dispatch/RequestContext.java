package io.strata.broker.dispatch;

import java.net.SocketAddress;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One decoded request as a handler sees it.
 *
 * @param header        the request header (API key, version, correlation id, client id)
 * @param request       the parsed request; {@link #data()} is its generated message
 * @param remoteAddress the client's address, for logs
 * @param receivedNanos {@code System.nanoTime()} when the frame was decoded
 */
public record RequestContext(RequestHeader header, AbstractRequest request, SocketAddress remoteAddress,
                             long receivedNanos) {

    public short apiVersion() {
        return header.apiVersion();
    }

    @SuppressWarnings("unchecked")
    public <T extends ApiMessage> T data() {
        return (T) request.data();
    }
}
