package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.group.GroupCoordinator;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

/**
 * LeaveGroup: removes members from a group, which then rebalances. Before version 3 one member
 * leaves and its error is the top-level error; from version 3 several members (also by instance id
 * alone, to remove static members) each get their own error.
 *
 * <p>This class is thread-safe.
 */
public final class LeaveGroupHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LEAVE_GROUP;
    }

    @Override
    public short minVersion() {
        return ApiKeys.LEAVE_GROUP.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.LEAVE_GROUP.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        LeaveGroupRequest request = (LeaveGroupRequest) ctx.request();
        short version = ctx.apiVersion();
        return coordinator.leaveGroup(request.data().groupId(), request.members()).thenApply(response ->
                new LeaveGroupResponse(response.members(), Errors.forCode(response.errorCode()), 0, version).data());
    }
}
