package io.strata.broker.handler;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.group.GroupCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator: for GROUP keys this broker (every partition of {@code __consumer_offsets} is
 * led here), once the internal topic exists (it is created on the first lookup); one key before
 * version 4, a batch of keys from version 4. This broker has no transaction (or share group)
 * coordinator: such keys get INVALID_REQUEST, a non-retriable error, so that a transactional
 * producer fails at once ("Could not find a coordinator with type TRANSACTION ...") instead of
 * retrying until its timeout.
 *
 * <p>This class is thread-safe.
 */
public final class FindCoordinatorHandler implements ApiHandler {

    static final String NO_TRANSACTIONS = "This broker has no transaction coordinator: transactions are not supported.";

    private final BrokerConfig config;
    private final GroupCoordinator coordinator;

    public FindCoordinatorHandler(BrokerConfig config, GroupCoordinator coordinator) {
        this.config = config;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public short minVersion() {
        return ApiKeys.FIND_COORDINATOR.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.FIND_COORDINATOR.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        FindCoordinatorRequestData request = ctx.data();
        short version = ctx.apiVersion();
        if (version < FindCoordinatorRequest.MIN_BATCHED_VERSION) {
            return lookup(request.keyType(), request.key()).thenApply(found -> {
                FindCoordinatorResponseData response = new FindCoordinatorResponseData()
                        .setThrottleTimeMs(0)
                        .setErrorCode(found.errorCode())
                        .setNodeId(found.nodeId())
                        .setHost(found.host())
                        .setPort(found.port());
                if (version >= 1) {
                    response.setErrorMessage(found.errorMessage());
                }
                return response;
            });
        }
        List<CompletableFuture<Coordinator>> lookups = new ArrayList<>();
        for (String key : request.coordinatorKeys()) {
            lookups.add(lookup(request.keyType(), key));
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> {
            FindCoordinatorResponseData response = new FindCoordinatorResponseData().setThrottleTimeMs(0);
            lookups.forEach(lookup -> response.coordinators().add(lookup.join()));
            return response;
        });
    }

    private CompletableFuture<Coordinator> lookup(byte keyType, String key) {
        CoordinatorType type;
        try {
            type = CoordinatorType.forId(keyType);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(error(key, Errors.INVALID_REQUEST, "Unknown coordinator type " + keyType));
        }
        if (type == CoordinatorType.TRANSACTION) {
            return CompletableFuture.completedFuture(error(key, Errors.INVALID_REQUEST, NO_TRANSACTIONS));
        }
        if (type != CoordinatorType.GROUP) {
            return CompletableFuture.completedFuture(error(key, Errors.INVALID_REQUEST,
                    "This broker has no " + type + " coordinator."));
        }
        Node node = new Node(config.nodeId(), config.advertisedListener().host(), config.advertisedListener().port());
        return coordinator.ensureOffsetsTopic().handle((ready, failure) -> failure == null
                ? FindCoordinatorResponse.prepareCoordinatorResponse(Errors.NONE, key, node)
                : error(key, Errors.COORDINATOR_NOT_AVAILABLE, null));
    }

    private static Coordinator error(String key, Errors error, String message) {
        Node none = Node.noNode();
        return new Coordinator()
                .setKey(key)
                .setNodeId(none.id())
                .setHost(none.host())
                .setPort(none.port())
                .setErrorCode(error.code())
                .setErrorMessage(message != null ? message : error.message());
    }
}
