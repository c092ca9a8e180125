package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.protocol.versions.ApiVersionsTable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ApiVersions: the APIs and version ranges this broker serves. A version above ours never
 * reaches this handler: the request decoder answers it with a v0 UNSUPPORTED_VERSION response,
 * as Apache Kafka does, and the client retries with a version we know.
 *
 * <p>This class is thread-safe.
 */
public final class ApiVersionsHandler implements ApiHandler {

    private final ApiVersionsTable table;

    /** {@code table} must include ApiVersions itself ({@link #apiKey()} .. {@link #maxVersion()}). */
    public ApiVersionsHandler(ApiVersionsTable table) {
        this.table = table;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public short minVersion() {
        return ApiKeys.API_VERSIONS.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.API_VERSIONS.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        return CompletableFuture.completedFuture(new ApiVersionsResponseData()
                .setErrorCode(Errors.NONE.code())
                .setThrottleTimeMs(0)
                .setApiKeys(table.toApiVersions()));
    }
}
