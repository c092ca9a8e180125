package io.strata.broker.handler;

import static io.strata.broker.handler.AdminRequests.respond;
import static io.strata.broker.handler.AdminRequests.respondRaw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.strata.broker.metadata.RegistryFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DescribeClusterHandlerTest {

    private static final short LATEST = ApiKeys.DESCRIBE_CLUSTER.latestVersion();

    @TempDir
    Path dir;

    private RegistryFixture fixture;
    private DescribeClusterHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        fixture = RegistryFixture.open(dir, Map.of("node.id", "4", "listeners", "PLAINTEXT://broker.test:9093"));
        handler = new DescribeClusterHandler(fixture.config(), fixture.registry());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    static Stream<Short> versions() {
        return IntStream.rangeClosed(ApiKeys.DESCRIBE_CLUSTER.oldestVersion(), LATEST).mapToObj(version -> (short) version);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shouldDescribeThisNodeAsTheClusterWhenAskedAtAnyVersion(short version) {
        // when
        DescribeClusterResponseData response = respond(handler,
                new DescribeClusterRequest.Builder(new DescribeClusterRequestData()), version);

        // then
        assertEquals(Errors.NONE.code(), response.errorCode());
        assertEquals(fixture.registry().clusterId(), response.clusterId());
        assertEquals(4, response.controllerId());
        DescribeClusterBroker broker = response.brokers().find(4);
        assertEquals("broker.test", broker.host());
        assertEquals(9093, broker.port());
        assertFalse(broker.isFenced());
        assertEquals(Integer.MIN_VALUE, response.clusterAuthorizedOperations());
        if (version >= 1) {
            assertEquals(EndpointType.BROKER.id(), response.endpointType());
        }
    }

    @Test
    void shouldReportEveryClusterOperationWhenAsked() {
        // when
        DescribeClusterResponseData response = respond(handler, new DescribeClusterRequest.Builder(
                new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(true)), LATEST);

        // then
        assertEquals(8096, response.clusterAuthorizedOperations());
    }

    @Test
    void shouldAnswerMismatchedEndpointWhenTheRequestIsMeantForAController() {
        // when
        DescribeClusterResponseData response = respondRaw(handler,
                new DescribeClusterRequestData().setEndpointType(EndpointType.CONTROLLER.id()), LATEST);

        // then
        assertEquals(Errors.MISMATCHED_ENDPOINT_TYPE.code(), response.errorCode());
        assertEquals(List.of(), List.copyOf(response.brokers()));
    }
}
