package io.strata.broker.handler;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.metadata.TopicRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeCluster: the cluster id, this node as the only broker (at its advertised address, never
 * fenced) and as the controller id, and, when asked for, the cluster operations (all of them:
 * there is no authorizer). A request meant for a controller endpoint (version 1+) answers
 * MISMATCHED_ENDPOINT_TYPE, as a Kafka broker does.
 *
 * <p>This class is thread-safe.
 */
public final class DescribeClusterHandler implements ApiHandler {

    private final BrokerConfig config;
    private final TopicRegistry topics;

    public DescribeClusterHandler(BrokerConfig config, TopicRegistry topics) {
        this.config = config;
        this.topics = topics;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public short minVersion() {
        return ApiKeys.DESCRIBE_CLUSTER.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.DESCRIBE_CLUSTER.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        DescribeClusterRequestData request = ctx.data();
        short version = ctx.apiVersion();
        DescribeClusterResponseData response = new DescribeClusterResponseData().setThrottleTimeMs(0);
        if (version >= 1) {
            response.setEndpointType(EndpointType.BROKER.id());
            if (request.endpointType() != EndpointType.BROKER.id()) {
                return CompletableFuture.completedFuture(response
                        .setErrorCode(Errors.MISMATCHED_ENDPOINT_TYPE.code())
                        .setErrorMessage("The request was sent to an endpoint of type " + EndpointType.BROKER
                                + ", but we wanted an endpoint of type "
                                + EndpointType.fromId(request.endpointType())));
            }
        }
        Endpoint advertised = config.advertisedListener();
        response.setErrorCode(Errors.NONE.code())
                .setErrorMessage(null)
                .setClusterId(topics.clusterId())
                .setControllerId(config.nodeId())
                .setClusterAuthorizedOperations(request.includeClusterAuthorizedOperations()
                        ? AdminErrors.ALL_CLUSTER_OPERATIONS
                        : AdminErrors.AUTHORIZED_OPERATIONS_OMITTED);
        response.brokers().add(new DescribeClusterBroker()
                .setBrokerId(config.nodeId())
                .setHost(advertised.host())
                .setPort(advertised.port())
                .setRack(null)
                .setIsFenced(false));
        return CompletableFuture.completedFuture(response);
    }
}
