package io.strata.protocol.codec;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.PromiseCombiner;
import io.strata.protocol.frame.ResponseFrame;
import io.strata.protocol.send.ResponseWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty outbound handler that encodes each {@link ResponseFrame} written to the channel with a
 * {@link ResponseWriter} and writes the resulting buffers and file regions in order; other
 * messages pass through unchanged.
 *
 * <p>The write promise completes when every part of the response is written. If encoding fails
 * nothing of the response reaches the channel and the promise fails: a partial response would
 * corrupt the stream, so the writer of the response is expected to close the connection.
 *
 * <p>File-backed records are sent as {@code FileRegion}s (zero copy) unless the pipeline contains
 * an {@link SslHandler}, which only accepts buffers; then they are copied into buffers.
 *
 * <p>Stateless and {@link ChannelHandler.Sharable sharable}; thread-safe.
 */
@ChannelHandler.Sharable
public final class ResponseEncoder extends ChannelOutboundHandlerAdapter {

    private static final ResponseWriter ZERO_COPY = new ResponseWriter(true);
    private static final ResponseWriter COPYING = new ResponseWriter(false);

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ResponseFrame response)) {
            ctx.write(msg, promise);
            return;
        }
        ResponseWriter writer = ctx.pipeline().get(SslHandler.class) == null ? ZERO_COPY : COPYING;
        List<Object> parts = new ArrayList<>(4);
        try {
            writer.write(response, ctx.alloc(), parts);
        } catch (RuntimeException e) {
            promise.tryFailure(e);
            return;
        }
        if (parts.size() == 1) {
            ctx.write(parts.get(0), promise);
            return;
        }
        PromiseCombiner combiner = new PromiseCombiner(ctx.executor());
        for (Object part : parts) {
            if (promise.isVoid()) {
                ctx.write(part, ctx.voidPromise());
            } else {
                combiner.add(ctx.write(part));
            }
        }
        if (!promise.isVoid()) {
            combiner.finish(promise);
        }
    }
}
