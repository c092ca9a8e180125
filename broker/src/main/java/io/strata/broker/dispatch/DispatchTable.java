package io.strata.broker.dispatch;

import io.netty.channel.Channel;
import io.strata.protocol.frame.RequestFrame;
import io.strata.protocol.server.RequestDispatcher;
import io.strata.protocol.versions.ApiVersionsTable;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * The broker's dispatch table: one {@link ApiHandler} per API key, registered at start-up, and
 * the ApiVersions table derived from exactly those handlers (so the broker advertises what it
 * serves and nothing else).
 *
 * <p>This class is immutable and thread-safe.
 */
public final class DispatchTable implements RequestDispatcher {

    private final Map<ApiKeys, ApiHandler> handlers;

    public DispatchTable(Collection<ApiHandler> handlers) {
        EnumMap<ApiKeys, ApiHandler> byKey = new EnumMap<>(ApiKeys.class);
        for (ApiHandler handler : handlers) {
            if (byKey.put(handler.apiKey(), handler) != null) {
                throw new IllegalArgumentException("Two handlers for " + handler.apiKey());
            }
        }
        this.handlers = byKey;
    }

    /** The versions every registered handler serves. */
    public static ApiVersionsTable apiVersions(Collection<ApiHandler> handlers) {
        ApiVersionsTable.Builder builder = ApiVersionsTable.builder();
        handlers.forEach(handler -> builder.add(handler.apiKey(), handler.minVersion(), handler.maxVersion()));
        return builder.build();
    }

    @Override
    public CompletionStage<ApiMessage> dispatch(RequestFrame frame, Channel channel) {
        ApiHandler handler = handlers.get(frame.apiKey());
        if (handler == null) {
            // The decoder only passes versions from the ApiVersions table, so this is a wiring bug.
            return CompletableFuture.failedFuture(new UnsupportedVersionException("No handler for " + frame.apiKey()));
        }
        RequestContext ctx = new RequestContext(frame.header(), frame.request(), channel.remoteAddress(),
                frame.receivedNanos());
        return handler.handle(ctx);
    }
}
