package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.group.GroupCoordinator;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.JoinGroupResponse;

/**
 * JoinGroup: joins a member to a classic group. The answer is delayed until the group's rebalance
 * completes (or fails at once: INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT, MEMBER_ID_REQUIRED,
 * UNKNOWN_MEMBER_ID, ...). Version 0 has no rebalance timeout: the session timeout is used.
 *
 * <p>This class is thread-safe.
 */
public final class JoinGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.JOIN_GROUP;
    }

    @Override
    public short minVersion() {
        return ApiKeys.JOIN_GROUP.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.JOIN_GROUP.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        JoinGroupRequestData request = ctx.data();
        short version = ctx.apiVersion();
        if (version == 0) {
            request.setRebalanceTimeoutMs(request.sessionTimeoutMs());
        }
        return coordinator.joinGroup(request, version, ctx.header().clientId(),
                        GroupRequests.clientHost(ctx.remoteAddress()))
                .thenApply(response -> new JoinGroupResponse(response.setThrottleTimeMs(0), version).data());
    }
}
