package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.group.GroupCoordinator;
import java.util.HashSet;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListGroups: every group of this coordinator, with its protocol type, state (version 4+) and type
 * (version 5+, always {@code classic}), filtered by state and type names (case-insensitive).
 * COORDINATOR_LOAD_IN_PROGRESS while {@code __consumer_offsets} is loading.
 *
 * <p>This class is thread-safe.
 */
public final class ListGroupsHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_GROUPS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.LIST_GROUPS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.LIST_GROUPS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        ListGroupsRequestData request = ctx.data();
        return coordinator.listGroups(new HashSet<>(request.statesFilter()), new HashSet<>(request.typesFilter()))
                .handle((groups, failure) -> {
                    ListGroupsResponseData response = new ListGroupsResponseData().setThrottleTimeMs(0);
                    if (failure != null) {
                        return response.setErrorCode(Errors.forException(Errors.maybeUnwrapException(failure)).code());
                    }
                    return response.setGroups(groups);
                });
    }
}
