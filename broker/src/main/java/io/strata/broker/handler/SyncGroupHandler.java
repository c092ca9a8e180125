package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.group.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.SyncGroupRequest;

/**
 * SyncGroup: the leader hands in the assignment, every member gets its part once the assignment is
 * stored (the answers are delayed until then). From version 5 the protocol type and name are
 * mandatory (INCONSISTENT_GROUP_PROTOCOL without them, as Kafka answers).
 *
 * <p>This class is thread-safe.
 */
public final class SyncGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SYNC_GROUP;
    }

    @Override
    public short minVersion() {
        return ApiKeys.SYNC_GROUP.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.SYNC_GROUP.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        SyncGroupRequest request = (SyncGroupRequest) ctx.request();
        if (!request.areMandatoryProtocolTypeAndNamePresent()) {
            return CompletableFuture.completedFuture(new SyncGroupResponseData()
                    .setErrorCode(Errors.INCONSISTENT_GROUP_PROTOCOL.code())
                    .setAssignment(new byte[0]));
        }
        return coordinator.syncGroup(request.data()).thenApply(response -> response.setThrottleTimeMs(0));
    }
}
