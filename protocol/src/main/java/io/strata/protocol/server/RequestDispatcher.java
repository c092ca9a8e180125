package io.strata.protocol.server;

import io.netty.channel.Channel;
import io.strata.protocol.frame.RequestFrame;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Routes a decoded request to the code that answers it: the single seam between the network layer
 * and the broker's API handlers.
 *
 * <p>{@link #dispatch} is called on the connection's event loop, in the order the requests arrived
 * on that connection, only for API versions the {@code ApiVersionsTable} serves. It must not block:
 * storage work goes to other threads, and the returned stage may complete on any thread (the
 * {@link KafkaRequestHandler} re-posts the completion onto the event loop).
 *
 * <p>The stage completes with the response body, in the request's version, or with {@code null}
 * when the request has no response (Produce with {@code acks=0}). A stage that completes
 * exceptionally is answered with the request's error response
 * ({@code AbstractRequest.getErrorResponse}); an exception thrown by {@code dispatch} itself is
 * treated the same way. A Produce with {@code acks=0} has no response to carry that error: its
 * failed stage closes the connection once the earlier responses are written, which is how Apache
 * Kafka tells such a client that a partition failed (it then refreshes its metadata).
 *
 * <p>Implementations must be thread-safe: every event loop calls the same instance.
 */
@FunctionalInterface
public interface RequestDispatcher {

    /**
     * Handles {@code frame}, received on {@code channel}; never returns {@code null}.
     */
    CompletionStage<ApiMessage> dispatch(RequestFrame frame, Channel channel);
}
