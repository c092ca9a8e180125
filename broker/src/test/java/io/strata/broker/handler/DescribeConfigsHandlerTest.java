package io.strata.broker.handler;

import static io.strata.broker.handler.AdminRequests.respond;
import static io.strata.broker.metadata.RegistryFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.metadata.RegistryFixture;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DescribeConfigsHandlerTest {

    private static final short LATEST = ApiKeys.DESCRIBE_CONFIGS.latestVersion();

    @TempDir
    Path dir;

    private RegistryFixture fixture;
    private DescribeConfigsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        fixture = RegistryFixture.open(dir, Map.of("log.segment.bytes", "2000000"));
        handler = new DescribeConfigsHandler(fixture.config(), fixture.registry());
        await(fixture.registry().createTopic("orders", 1, (short) 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "1000"),
                false));
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    static Stream<Short> versions() {
        return IntStream.rangeClosed(ApiKeys.DESCRIBE_CONFIGS.oldestVersion(), LATEST)
                .mapToObj(version -> (short) version);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shouldDescribeATopicWhenAskedAtAnyVersion(short version) {
        // when
        DescribeConfigsResponseData response = respond(handler,
                request(true, version >= 3, resource(ConfigResource.Type.TOPIC, "orders")), version);

        // then
        DescribeConfigsResult result = response.results().get(0);
        assertEquals(Errors.NONE.code(), result.errorCode());
        assertEquals("orders", result.resourceName());
        Map<String, DescribeConfigsResourceResult> configs = byName(result.configs());
        DescribeConfigsResourceResult retention = configs.get(TopicConfig.RETENTION_MS_CONFIG);
        assertEquals("1000", retention.value());
        assertEquals(ConfigSource.TOPIC_CONFIG.id(), retention.configSource());
        assertFalse(retention.readOnly());
        DescribeConfigsResourceResult segmentBytes = configs.get(TopicConfig.SEGMENT_BYTES_CONFIG);
        assertEquals("2000000", segmentBytes.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG.id(), segmentBytes.configSource());
        assertEquals(List.of(
                new DescribeConfigsSynonym().setName("log.segment.bytes").setValue("2000000")
                        .setSource(ConfigSource.STATIC_BROKER_CONFIG.id()),
                new DescribeConfigsSynonym().setName("log.segment.bytes").setValue("1073741824")
                        .setSource(ConfigSource.DEFAULT_CONFIG.id())),
                segmentBytes.synonyms());
        if (version >= 3) {
            assertEquals(ConfigType.INT.id(), segmentBytes.configType());
            assertEquals(TopicConfig.SEGMENT_BYTES_DOC, segmentBytes.documentation());
        }
    }

    @Test
    void shouldDescribeOnlyTheRequestedKeysWhenKeysAreGiven() {
        // given
        DescribeConfigsResource resource = resource(ConfigResource.Type.TOPIC, "orders")
                .setConfigurationKeys(List.of(TopicConfig.CLEANUP_POLICY_CONFIG));

        // when
        DescribeConfigsResponseData response = respond(handler, request(false, false, resource), LATEST);

        // then
        List<DescribeConfigsResourceResult> configs = response.results().get(0).configs();
        assertEquals(1, configs.size());
        assertEquals("delete", configs.get(0).value());
        assertEquals(List.of(), configs.get(0).synonyms());
        assertNull(configs.get(0).documentation());
        assertEquals(ConfigType.LIST.id(), configs.get(0).configType());
    }

    @Test
    void shouldDescribeThisBrokerWhenItsIdIsGiven() {
        // when
        DescribeConfigsResponseData response = respond(handler,
                request(true, true, resource(ConfigResource.Type.BROKER, "1"), resource(ConfigResource.Type.BROKER, "")),
                LATEST);

        // then
        DescribeConfigsResult broker = response.results().get(0);
        assertEquals(Errors.NONE.code(), broker.errorCode());
        DescribeConfigsResourceResult segmentBytes = byName(broker.configs()).get("log.segment.bytes");
        assertEquals("2000000", segmentBytes.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG.id(), segmentBytes.configSource());
        assertTrue(segmentBytes.readOnly());
        assertNotNull(segmentBytes.documentation());
        DescribeConfigsResult clusterDefaults = response.results().get(1);
        assertEquals(Errors.NONE.code(), clusterDefaults.errorCode());
        assertEquals(List.of(), clusterDefaults.configs());
    }

    @Test
    void shouldAnswerEachResourceWithItsErrorWhenSomeCannotBeDescribed() {
        // when
        DescribeConfigsResponseData response = respond(handler, request(false, false,
                resource(ConfigResource.Type.TOPIC, "missing"),
                resource(ConfigResource.Type.TOPIC, "bad name"),
                resource(ConfigResource.Type.BROKER, "2"),
                resource(ConfigResource.Type.BROKER, "one"),
                resource(ConfigResource.Type.BROKER_LOGGER, "1"),
                resource(ConfigResource.Type.GROUP, "group")), LATEST);

        // then
        List<DescribeConfigsResult> results = response.results();
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), results.get(0).errorCode());
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), results.get(1).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(2).errorCode());
        assertTrue(results.get(2).errorMessage().contains("expected 1"), results.get(2).errorMessage());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(3).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(4).errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), results.get(5).errorCode());
        assertEquals(List.of(), results.get(5).configs());
    }

    private static DescribeConfigsResource resource(ConfigResource.Type type, String name) {
        return new DescribeConfigsResource().setResourceType(type.id()).setResourceName(name)
                .setConfigurationKeys(null);
    }

    private static DescribeConfigsRequest.Builder request(boolean synonyms, boolean documentation,
                                                          DescribeConfigsResource... resources) {
        return new DescribeConfigsRequest.Builder(new DescribeConfigsRequestData()
                .setResources(List.of(resources))
                .setIncludeSynonyms(synonyms)
                .setIncludeDocumentation(documentation));
    }

    private static Map<String, DescribeConfigsResourceResult> byName(List<DescribeConfigsResourceResult> configs) {
        Map<String, DescribeConfigsResourceResult> byName = new HashMap<>();
        configs.forEach(config -> byName.put(config.name(), config));
        return byName;
    }
}
