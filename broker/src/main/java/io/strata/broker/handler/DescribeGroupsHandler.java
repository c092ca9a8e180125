package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.group.GroupCoordinator;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeGroups: each group's state, protocol type and protocol, and its members (with their
 * metadata and assignment while Stable), plus the authorized operations from version 3 when asked.
 * An unknown group is {@code Dead}: with GROUP_ID_NOT_FOUND from version 6, without an error
 * before, as Kafka answers.
 *
 * <p>This class is thread-safe.
 */
public final class DescribeGroupsHandler implements ApiHandler {

    private static final short FIRST_AUTHORIZED_OPERATIONS_VERSION = 3;
    private static final short FIRST_ERROR_MESSAGE_VERSION = 6;

    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_GROUPS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.DESCRIBE_GROUPS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.DESCRIBE_GROUPS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        DescribeGroupsRequestData request = ctx.data();
        short version = ctx.apiVersion();
        boolean operations = request.includeAuthorizedOperations() && version >= FIRST_AUTHORIZED_OPERATIONS_VERSION;
        return coordinator.describeGroups(request.groups(), operations).thenApply(groups -> {
            if (version < FIRST_ERROR_MESSAGE_VERSION) {
                for (DescribedGroup group : groups) {
                    group.setErrorMessage(null);
                    if (group.errorCode() == Errors.GROUP_ID_NOT_FOUND.code()) {
                        group.setErrorCode(Errors.NONE.code());
                    }
                }
            }
            return new DescribeGroupsResponseData().setThrottleTimeMs(0).setGroups(groups);
        });
    }
}
