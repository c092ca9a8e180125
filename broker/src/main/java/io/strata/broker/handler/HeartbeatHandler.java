package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.group.GroupCoordinator;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Heartbeat: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin,
 * ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID and FENCED_INSTANCE_ID that it is no longer a member.
 *
 * <p>This class is thread-safe.
 */
public final class HeartbeatHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    public HeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.HEARTBEAT;
    }

    @Override
    public short minVersion() {
        return ApiKeys.HEARTBEAT.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.HEARTBEAT.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        HeartbeatRequestData request = ctx.data();
        return coordinator.heartbeat(request)
                .thenApply(error -> new HeartbeatResponseData().setThrottleTimeMs(0).setErrorCode(error.code()));
    }
}
