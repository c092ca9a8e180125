package io.strata.protocol.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.EventExecutor;
import io.strata.protocol.errors.ErrorResponses;
import io.strata.protocol.frame.RequestFrame;
import io.strata.protocol.frame.ResponseFrame;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.ProduceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection end of the request path: dispatches each decoded request as soon as it
 * arrives and writes the responses strictly in request order, however many are in flight and in
 * whatever order they complete.
 *
 * <p>Each inbound {@link RequestFrame} takes a slot at the tail of a FIFO and is handed to the
 * {@link RequestDispatcher} at once, so requests reach their handlers (and a partition's storage
 * thread) in arrival order. Completions may come from any thread; they are re-posted onto the
 * channel's event loop, fill their slot, and every completed slot at the head of the FIFO is then
 * written, each response encoded in its request's own version. A slot completed with {@code null}
 * (Produce with {@code acks=0}) leaves silently. A {@link ResponseFrame} arriving inbound (a request
 * the {@code RequestDecoder} answered itself) takes an already completed slot.
 *
 * <p>Failures: a stage that completes exceptionally, or a dispatcher that throws, is answered with
 * {@code request.getErrorResponse(0, error)}; {@code ApiException}s are logged at DEBUG, anything
 * else once at ERROR with the API, client id and remote address. A failed Produce with
 * {@code acks=0} has no response to carry an error, so, as in Apache Kafka, the connection is
 * closed instead (after the earlier responses are written), which makes the client refresh its
 * metadata. A response that cannot be encoded or written also closes the connection.
 *
 * <p>Each request's {@link RequestFrame#release()} is called once its stage has completed and its
 * response was built (or dropped because the connection closed), never earlier: a Produce request's
 * records are views of pooled network memory until then.
 *
 * <p>Back-pressure: while more than {@code maxInFlightPerConnection} slots are pending, or the
 * channel is not writable (the client is not reading its responses), {@code autoRead} is off;
 * it is turned back on as soon as both conditions clear. When the channel becomes inactive the
 * pending slots are dropped and later completions are ignored; responses already written belong to
 * Netty's outbound buffer, which releases their buffers and file regions on close.
 *
 * <p>Not thread-safe and not sharable: one instance per connection, confined to its event loop
 * (completions from other threads are re-posted onto it).
 */
public final class KafkaRequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(KafkaRequestHandler.class);

    private final RequestDispatcher dispatcher;
    private final int maxInFlightPerConnection;
    private final ArrayDeque<PendingResponse> pending = new ArrayDeque<>();
    private final ChannelFutureListener writeListener = this::onWriteComplete;

    private ChannelHandlerContext ctx;
    private boolean closed;
    private boolean reading;
    private boolean flushNeeded;
    private boolean readSuspended;

    /**
     * Creates the handler of one connection.
     *
     * @param dispatcher               answers the requests
     * @param maxInFlightPerConnection pending responses above which the connection stops reading
     */
    public KafkaRequestHandler(RequestDispatcher dispatcher, int maxInFlightPerConnection) {
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        if (maxInFlightPerConnection < 1) {
            throw new IllegalArgumentException("maxInFlightPerConnection must be positive: " + maxInFlightPerConnection);
        }
        this.maxInFlightPerConnection = maxInFlightPerConnection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (msg instanceof RequestFrame request) {
            onRequest(request);
        } else if (msg instanceof ResponseFrame response) {
            onLocalResponse(response);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        if (flushNeeded) {
            flushNeeded = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReadInterest();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        pending.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closed = true;
        pending.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("Closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("Closing connection from {} after an unexpected error", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    private void onRequest(RequestFrame request) {
        if (closed) {
            request.release();
            return;
        }
        PendingResponse slot = new PendingResponse(request);
        pending.addLast(slot);
        updateReadInterest();
        CompletionStage<ApiMessage> stage;
        try {
            stage = dispatcher.dispatch(request, ctx.channel());
            if (stage == null) {
                stage = CompletableFuture.failedFuture(new IllegalStateException(
                    "RequestDispatcher returned no completion stage for " + request.apiKey()));
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((body, error) -> onCompletion(slot, body, error));
    }

    private void onLocalResponse(ResponseFrame response) {
        if (closed) {
            return;
        }
        PendingResponse slot = new PendingResponse(null);
        slot.response = response;
        slot.done = true;
        pending.addLast(slot);
        drain();
    }

    private void onCompletion(PendingResponse slot, ApiMessage body, Throwable error) {
        EventExecutor executor = ctx.executor();
        if (executor.inEventLoop()) {
            complete(slot, body, error);
            return;
        }
        try {
            executor.execute(() -> complete(slot, body, error));
        } catch (RejectedExecutionException e) {
            log.debug("Dropping the response to {} (correlation id {}): the event loop is shutting down",
                slot.request.apiKey(), slot.request.correlationId());
            slot.request.release();
        }
    }

    private void complete(PendingResponse slot, ApiMessage body, Throwable error) {
        try {
            if (closed) {
                return;
            }
            if (error != null) {
                fail(slot, error);
            } else if (body != null) {
                try {
                    slot.response = ResponseFrame.of(slot.request, body);
                } catch (IllegalArgumentException e) {
                    fail(slot, e);
                }
            }
            slot.done = true;
            drain();
        } finally {
            // The handler is done with the request body (a Produce's records were appended): give
            // back the network buffer it may be a view of. The response never references it.
            slot.request.release();
        }
    }

    private void fail(PendingResponse slot, Throwable error) {
        RequestFrame request = slot.request;
        Throwable cause = ErrorResponses.unwrap(error);
        if (cause instanceof ApiException) {
            log.debug("{} v{} request from client {} at {} (correlation id {}) failed: {}", request.apiKey(),
                request.apiVersion(), request.clientId(), ctx.channel().remoteAddress(), request.correlationId(),
                cause.toString());
        } else {
            log.error("Unexpected error handling {} v{} request from client {} at {} (correlation id {})",
                request.apiKey(), request.apiVersion(), request.clientId(), ctx.channel().remoteAddress(),
                request.correlationId(), cause);
        }
        if (request.request() instanceof ProduceRequest produce && produce.acks() == 0) {
            log.info("Closing connection from {}: Produce with acks=0 from client {} (correlation id {}) failed: {}",
                ctx.channel().remoteAddress(), request.clientId(), request.correlationId(), cause.toString());
            slot.closeConnection = true;
            return;
        }
        try {
            slot.response = ResponseFrame.of(request, ErrorResponses.forRequest(request.request(), cause));
        } catch (RuntimeException e) {
            log.error("Closing connection from {}: cannot build the error response to {} v{} (correlation id {})",
                ctx.channel().remoteAddress(), request.apiKey(), request.apiVersion(), request.correlationId(), e);
            slot.closeConnection = true;
        }
    }

    /** Writes every completed response at the head of the queue, in request order. */
    private void drain() {
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peekFirst().done) {
            PendingResponse slot = pending.pollFirst();
            if (slot.closeConnection) {
                closeAfterPendingWrites();
                return;
            }
            if (slot.response != null) {
                ctx.write(slot.response).addListener(writeListener);
                wrote = true;
            }
        }
        if (wrote) {
            if (reading) {
                flushNeeded = true;
            } else {
                ctx.flush();
            }
        }
        updateReadInterest();
    }

    private void closeAfterPendingWrites() {
        closed = true;
        pending.clear();
        flushNeeded = false;
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void updateReadInterest() {
        if (closed) {
            return;
        }
        boolean overloaded = pending.size() > maxInFlightPerConnection || !ctx.channel().isWritable();
        ChannelConfig config = ctx.channel().config();
        if (overloaded && !readSuspended) {
            readSuspended = true;
            config.setAutoRead(false);
        } else if (!overloaded && readSuspended) {
            readSuspended = false;
            config.setAutoRead(true);
        }
    }

    private void onWriteComplete(ChannelFuture future) {
        if (future.isSuccess()) {
            return;
        }
        Throwable cause = future.cause();
        if (cause instanceof IOException) {
            log.debug("Failed to write a response to {}: {}", future.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("Closing connection from {}: failed to encode or write a response", future.channel().remoteAddress(), cause);
        }
        future.channel().close();
    }

    /** One request's place in the response order. */
    private static final class PendingResponse {

        /** The request, or null for a response the decoder produced itself. */
        private final RequestFrame request;
        private ResponseFrame response;
        private boolean done;
        private boolean closeConnection;

        private PendingResponse(RequestFrame request) {
            this.request = request;
        }
    }
}
