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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResourceCollection;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfigCollection;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AlterConfigsHandlerTest {

    private static final short LATEST = ApiKeys.ALTER_CONFIGS.latestVersion();

    @TempDir
    Path dir;

    private RegistryFixture fixture;
    private AlterConfigsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        fixture = RegistryFixture.open(dir, Map.of());
        handler = new AlterConfigsHandler(fixture.config(), fixture.registry());
        await(fixture.registry().createTopic("orders", 1, (short) 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"),
                false));
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    static Stream<Short> versions() {
        return IntStream.rangeClosed(ApiKeys.ALTER_CONFIGS.oldestVersion(), LATEST).mapToObj(version -> (short) version);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shouldReplaceTheTopicsOverridesWhenAskedAtAnyVersion(short version) {
        // when
        AlterConfigsResponseData response = respondRaw(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "orders", Map.of(TopicConfig.RETENTION_BYTES_CONFIG, "4096"))),
                version);

        // then
        assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode());
        assertEquals(Map.of(TopicConfig.RETENTION_BYTES_CONFIG, "4096"),
                fixture.registry().topic("orders").orElseThrow().configs());
        assertEquals(4096L, fixture.registry().log(new TopicPartition("orders", 0)).orElseThrow().config()
                .retentionBytes());
    }

    @Test
    void shouldAnswerEachResourceWithItsErrorWhenSomeCannotChange() {
        // when
        AlterConfigsResponseData response = respondRaw(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "missing", Map.of()),
                resource(ConfigResource.Type.TOPIC, "orders", Map.of(TopicConfig.SEGMENT_BYTES_CONFIG, "1")),
                resource(ConfigResource.Type.BROKER, "1", Map.of("log.retention.hours", "1")),
                resource(ConfigResource.Type.BROKER, "7", Map.of()),
                resource(ConfigResource.Type.BROKER_LOGGER, "1", Map.of())), LATEST);

        // then
        List<AlterConfigsResourceResponse> results = response.responses();
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), results.get(0).errorCode());
        assertEquals(Errors.INVALID_CONFIG.code(), results.get(1).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(2).errorCode());
        assertTrue(results.get(2).errorMessage().contains("log.retention.hours"), results.get(2).errorMessage());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(3).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(4).errorCode());
        assertEquals(Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"),
                fixture.registry().topic("orders").orElseThrow().configs());
    }

    @Test
    void shouldAcceptABrokerResourceWhenItChangesNothing() {
        // when
        AlterConfigsResponseData response = respondRaw(handler,
                request(false, resource(ConfigResource.Type.BROKER, "", Map.of())), LATEST);

        // then
        assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode());
    }

    @Test
    void shouldAnswerInvalidRequestWhenAResourceOrKeyRepeatsOrAValueIsNull() {
        // given
        AlterConfigsResource nullValue = resource(ConfigResource.Type.TOPIC, "orders", Map.of());
        nullValue.configs().add(new AlterableConfig().setName(TopicConfig.RETENTION_MS_CONFIG).setValue(null));
        AlterConfigsResource repeatedKey = resource(ConfigResource.Type.TOPIC, "other", Map.of());
        repeatedKey.configs().add(new AlterableConfig().setName(TopicConfig.RETENTION_MS_CONFIG).setValue("1"));
        repeatedKey.configs().add(new AlterableConfig().setName(TopicConfig.RETENTION_MS_CONFIG).setValue("2"));

        // when
        AlterConfigsResponseData nullResponse = respondRaw(handler, request(false, nullValue), LATEST);
        AlterConfigsResponseData repeatedKeyResponse = respondRaw(handler, request(false, repeatedKey), LATEST);
        AlterConfigsResponseData repeatedResource = respondRaw(handler, request(false,
                resource(ConfigResource.Type.TOPIC, "orders", Map.of()),
                resource(ConfigResource.Type.TOPIC, "orders", Map.of())), LATEST);

        // then
        assertEquals(Errors.INVALID_REQUEST.code(), nullResponse.responses().get(0).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), repeatedKeyResponse.responses().get(0).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), repeatedResource.responses().get(0).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), repeatedResource.responses().get(1).errorCode());
        assertEquals(Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"),
                fixture.registry().topic("orders").orElseThrow().configs());
    }

    @Test
    void shouldChangeNothingWhenOnlyValidating() {
        // when
        AlterConfigsResponseData response = respondRaw(handler, request(true,
                resource(ConfigResource.Type.TOPIC, "orders", Map.of())), LATEST);

        // then
        assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode());
        assertEquals(Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"),
                fixture.registry().topic("orders").orElseThrow().configs());
    }

    private static AlterConfigsResource resource(ConfigResource.Type type, String name, Map<String, String> configs) {
        AlterableConfigCollection collection = new AlterableConfigCollection();
        configs.forEach((key, value) -> collection.add(new AlterableConfig().setName(key).setValue(value)));
        return new AlterConfigsResource().setResourceType(type.id()).setResourceName(name).setConfigs(collection);
    }

    private static AlterConfigsRequestData request(boolean validateOnly, AlterConfigsResource... resources) {
        AlterConfigsResourceCollection collection = new AlterConfigsResourceCollection();
        for (AlterConfigsResource resource : resources) {
            collection.add(resource);
        }
        return new AlterConfigsRequestData().setResources(collection).setValidateOnly(validateOnly);
    }
}
