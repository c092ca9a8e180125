package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.group.GroupCoordinator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * DeleteGroups: deletes each group that has no members, with its committed offsets; a group with
 * members gets NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
 *
 * <p>This class is thread-safe.
 */
public final class DeleteGroupsHandler implements ApiHandler {

    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_GROUPS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.DELETE_GROUPS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.DELETE_GROUPS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        DeleteGroupsRequestData request = ctx.data();
        return coordinator.deleteGroups(new ArrayList<>(new LinkedHashSet<>(request.groupsNames()))).thenApply(results -> {
            DeletableGroupResultCollection collection = new DeletableGroupResultCollection();
            results.forEach(collection::add);
            return new DeleteGroupsResponseData().setThrottleTimeMs(0).setResults(collection);
        });
    }
}
