package io.strata.broker.handler;

import static io.strata.broker.handler.AdminRequests.respondRaw;
import static io.strata.broker.metadata.RegistryFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.metadata.RegistryFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfigCollection;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IncrementalAlterConfigsHandlerTest {

    private static final short LATEST = ApiKeys.INCREMENTAL_ALTER_CONFIGS.latestVersion();

    @TempDir
    Path dir;

    private RegistryFixture fixture;
    private IncrementalAlterConfigsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        fixture = RegistryFixture.open(dir, Map.of());
        handler = new IncrementalAlterConfigsHandler(fixture.config(), fixture.registry());
        await(fixture.registry().createTopic("orders", 1, (short) 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"),
                false));
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    static Stream<Short> versions() {
        return IntStream.rangeClosed(ApiKeys.INCREMENTAL_ALTER_CONFIGS.oldestVersion(), LATEST)
                .mapToObj(version -> (short) version);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shouldApplyEveryOperationWhenAskedAtAnyVersion(short version) {
        // when
        IncrementalAlterConfigsResponseData response = respondRaw(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "orders",
                        op(TopicConfig.RETENTION_MS_CONFIG, OpType.DELETE, null),
                        op(TopicConfig.SEGMENT_MS_CONFIG, OpType.SET, "60000"),
                        op(TopicConfig.CLEANUP_POLICY_CONFIG, OpType.APPEND, "delete"))), version);

        // then
        assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode());
        assertEquals(Map.of(TopicConfig.SEGMENT_MS_CONFIG, "60000", TopicConfig.CLEANUP_POLICY_CONFIG, "delete"),
                fixture.registry().topic("orders").orElseThrow().configs());
        assertEquals(60_000L, fixture.registry().log(new TopicPartition("orders", 0)).orElseThrow().config().segmentMs());
    }

    @Test
    void shouldAnswerEachResourceWithItsErrorWhenSomeCannotChange() {
        // when
        IncrementalAlterConfigsResponseData response = respondRaw(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "orders", op(TopicConfig.RETENTION_MS_CONFIG, OpType.APPEND, "5")),
                resource(ConfigResource.Type.TOPIC, "missing", op(TopicConfig.RETENTION_MS_CONFIG, OpType.SET, "5")),
                resource(ConfigResource.Type.BROKER, "1", op("log.retention.hours", OpType.SET, "1")),
                resource(ConfigResource.Type.BROKER_LOGGER, "1", op("root", OpType.SET, "DEBUG"))), LATEST);

        // then
        List<AlterConfigsResourceResponse> results = response.responses();
        assertEquals(Errors.INVALID_CONFIG.code(), results.get(0).errorCode());
        assertTrue(results.get(0).errorMessage().contains("not LIST"), results.get(0).errorMessage());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), results.get(1).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(2).errorCode());
        assertTrue(results.get(2).errorMessage().contains("log.retention.hours"), results.get(2).errorMessage());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(3).errorCode());
        assertEquals(Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"),
                fixture.registry().topic("orders").orElseThrow().configs());
    }

    @Test
    void shouldAcceptDeletingABrokerOverrideWhenThereIsNone() {
        // when
        IncrementalAlterConfigsResponseData response = respondRaw(handler, request(false,
                resource(ConfigResource.Type.BROKER, "1", op("log.retention.ms", OpType.DELETE, null))), LATEST);

        // then
        assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode());
    }

    @Test
    void shouldAnswerInvalidRequestWhenAnOperationIsMalformed() {
        // given
        AlterConfigsResource unknownOperation = resource(ConfigResource.Type.TOPIC, "orders");
        unknownOperation.configs().add(new AlterableConfig().setName(TopicConfig.RETENTION_MS_CONFIG)
                .setConfigOperation((byte) 9).setValue("1"));
        AlterConfigsResource nullValue = resource(ConfigResource.Type.TOPIC, "orders",
                op(TopicConfig.RETENTION_MS_CONFIG, OpType.SET, null));

        // when
        IncrementalAlterConfigsResponseData unknownResponse = respondRaw(handler, request(false, unknownOperation), LATEST);
        IncrementalAlterConfigsResponseData nullResponse = respondRaw(handler, request(false, nullValue), LATEST);

        // then
        assertEquals(Errors.INVALID_REQUEST.code(), unknownResponse.responses().get(0).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), nullResponse.responses().get(0).errorCode());
    }

    @Test
    void shouldChangeNothingWhenOnlyValidating() {
        // when
        IncrementalAlterConfigsResponseData response = respondRaw(handler, request(true,
                resource(ConfigResource.Type.TOPIC, "orders", op(TopicConfig.RETENTION_MS_CONFIG, OpType.SET, "5"))),
                LATEST);

        // then
        assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode());
        assertEquals(Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"),
                fixture.registry().topic("orders").orElseThrow().configs());
    }

    private static AlterableConfig op(String name, OpType opType, String value) {
        return new AlterableConfig().setName(name).setConfigOperation(opType.id()).setValue(value);
    }

    private static AlterConfigsResource resource(ConfigResource.Type type, String name, AlterableConfig... configs) {
        AlterableConfigCollection collection = new AlterableConfigCollection();
        for (AlterableConfig config : configs) {
            collection.add(config);
        }
        return new AlterConfigsResource().setResourceType(type.id()).setResourceName(name).setConfigs(collection);
    }

    private static IncrementalAlterConfigsRequestData request(boolean validateOnly, AlterConfigsResource... resources) {
        AlterConfigsResourceCollection collection = new AlterConfigsResourceCollection();
        for (AlterConfigsResource resource : resources) {
            collection.add(resource);
        }
        return new IncrementalAlterConfigsRequestData().setResources(collection).setValidateOnly(validateOnly);
    }
}
