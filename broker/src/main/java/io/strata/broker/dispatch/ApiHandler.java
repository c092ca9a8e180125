package io.strata.broker.dispatch;

import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Serves one Kafka API. Called on the connection's event loop; must not block it: disk work goes
 * to {@link StorageExecutors}. The stage completes with the response body, or with {@code null}
 * when the request takes no response (Produce with acks=0). A failed stage becomes the API's
 * error response built from the exception ({@code Errors.forException}).
 */
public interface ApiHandler {

    ApiKeys apiKey();

    /** Lowest version served; advertised in ApiVersions. */
    short minVersion();

    /** Highest version served; advertised in ApiVersions. */
    short maxVersion();

    CompletionStage<ApiMessage> handle(RequestContext ctx);
}
