package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.group.GroupCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch: the committed offsets of one group (before version 8) or several (from 8), for the
 * given partitions or all of them (null topics, from version 2); -1 where none is committed.
 * Answers always wait for the group's pending commits, so {@code require_stable} (version 7+) holds
 * for every request. Versions 1 to 9: version 10 names topics by id, which this broker does not
 * serve for offsets yet.
 *
 * <p>This class is thread-safe.
 */
public final class OffsetFetchHandler implements ApiHandler {

    /** The last version that names topics; 10 uses topic ids. */
    private static final short MAX_VERSION = 9;

    private final GroupCoordinator coordinator;

    public OffsetFetchHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    @Override
    public short minVersion() {
        return ApiKeys.OFFSET_FETCH.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return MAX_VERSION;
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        OffsetFetchRequest request = (OffsetFetchRequest) ctx.request();
        short version = ctx.apiVersion();
        List<CompletableFuture<OffsetFetchResponseGroup>> fetches = new ArrayList<>();
        for (OffsetFetchRequestGroup group : request.groups()) {
            fetches.add(coordinator.fetchOffsets(group.groupId(), group.topics()));
        }
        return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<OffsetFetchResponseGroup> groups = fetches.stream().map(CompletableFuture::join).toList();
            OffsetFetchResponse.Builder builder = version < OffsetFetchRequest.BATCH_MIN_VERSION
                    ? new OffsetFetchResponse.Builder(groups.get(0))
                    : new OffsetFetchResponse.Builder(groups);
            return builder.build(version).data();
        });
    }
}
