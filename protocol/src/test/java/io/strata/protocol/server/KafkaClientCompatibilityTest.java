package io.strata.protocol.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.Channel;
import io.strata.protocol.frame.RequestFrame;
import io.strata.protocol.versions.ApiVersionsTable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.junit.jupiter.api.Test;

class KafkaClientCompatibilityTest {

    private static final String CLUSTER_ID = "strata-test-cluster";

    @Test
    void shouldServeAnUnmodifiedKafkaAdminClientWhenItNegotiatesVersions() throws Exception {
        // given: a listener that serves only ApiVersions and Metadata
        ApiVersionsTable table = ApiVersionsTable.builder()
            .add(ApiKeys.API_VERSIONS, (short) 0, ApiKeys.API_VERSIONS.latestVersion())
            .add(ApiKeys.METADATA, (short) 0, ApiKeys.METADATA.latestVersion())
            .build();
        AtomicInteger port = new AtomicInteger();
        RequestDispatcher dispatcher = (RequestFrame frame, Channel channel) -> {
            CompletionStage<ApiMessage> response = switch (frame.apiKey()) {
                case API_VERSIONS -> CompletableFuture.supplyAsync(() -> new ApiVersionsResponseData().setApiKeys(table.toApiVersions()));
                case METADATA -> CompletableFuture.supplyAsync(() -> metadata(port.get()));
                default -> CompletableFuture.failedFuture(new IllegalStateException("not served: " + frame.apiKey()));
            };
            return response;
        };

        try (KafkaServer server = new KafkaServer(new KafkaServerConfig("127.0.0.1", 0, 1 << 20, 1, 8), dispatcher, table)) {
            server.start();
            port.set(server.boundPort());
            Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port.get(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);

            // when
            String clusterId;
            Node controller;
            try (Admin admin = Admin.create(config)) {
                clusterId = admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                controller = admin.describeCluster().controller().get(10, TimeUnit.SECONDS);
            }

            // then
            assertEquals(CLUSTER_ID, clusterId);
            assertEquals(1, controller.id());
            assertEquals(port.get(), controller.port());
        }
    }

    private static MetadataResponseData metadata(int port) {
        MetadataResponseData data = new MetadataResponseData().setClusterId(CLUSTER_ID).setControllerId(1);
        data.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(1).setHost("127.0.0.1").setPort(port));
        return data;
    }
}
