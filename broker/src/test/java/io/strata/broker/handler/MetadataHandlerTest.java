package io.strata.broker.handler;

import static io.strata.broker.handler.AdminRequests.respond;
import static io.strata.broker.handler.AdminRequests.respondRaw;
import static io.strata.broker.metadata.RegistryFixture.await;
import static io.strata.broker.metadata.RegistryFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.metadata.RegistryFixture;
import io.strata.broker.metadata.TopicMetadata;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MetadataHandlerTest {

    private static final short LATEST = ApiKeys.METADATA.latestVersion();

    @TempDir
    Path dir;

    private RegistryFixture fixture;
    private MetadataHandler handler;
    private TopicMetadata orders;

    @BeforeEach
    void setUp() throws Exception {
        fixture = RegistryFixture.open(dir, Map.of("num.partitions", "3",
                "advertised.listeners", "PLAINTEXT://broker.test:19092"));
        handler = new MetadataHandler(fixture.config(), fixture.registry());
        orders = await(fixture.registry().createTopic("orders", 2, (short) 1, Map.of(), false));
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    static Stream<Short> versions() {
        return IntStream.rangeClosed(ApiKeys.METADATA.oldestVersion(), LATEST).mapToObj(version -> (short) version);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shouldDescribeATopicAndThisBrokerWhenAskedAtAnyVersion(short version) {
        // given: the Java client no longer builds version 0, so it is written directly
        MetadataRequestData request = new MetadataRequestData()
                .setTopics(MetadataRequest.convertToMetadataRequestTopic(List.of("orders")));

        // when
        MetadataResponseData response = respondRaw(handler, request, version);

        // then
        assertEquals(List.of(new MetadataResponseBroker().setNodeId(1).setHost("broker.test").setPort(19092)),
                List.copyOf(response.brokers()));
        if (version >= 1) {
            assertEquals(1, response.controllerId());
        }
        if (version >= 2) {
            assertEquals(fixture.registry().clusterId(), response.clusterId());
        }
        MetadataResponseTopic topic = response.topics().find("orders");
        assertEquals(Errors.NONE.code(), topic.errorCode());
        assertEquals(version >= 10 ? orders.topicId() : Uuid.ZERO_UUID, topic.topicId());
        assertEquals(2, topic.partitions().size());
        MetadataResponsePartition partition = topic.partitions().get(1);
        assertEquals(1, partition.partitionIndex());
        assertEquals(1, partition.leaderId());
        assertEquals(version >= 7 ? 0 : -1, partition.leaderEpoch());
        assertEquals(List.of(1), partition.replicaNodes());
        assertEquals(List.of(1), partition.isrNodes());
    }

    @Test
    void shouldDescribeEveryTopicWhenTheTopicsAreNull() {
        // given
        await(fixture.registry().createTopic("events", 1, (short) 1, Map.of(), false));

        // when
        MetadataResponseData response = respond(handler,
                new MetadataRequest.Builder(new MetadataRequestData().setTopics(null)), LATEST);

        // then
        assertEquals(List.of("events", "orders"), response.topics().stream().map(MetadataResponseTopic::name).toList());
    }

    @Test
    void shouldDescribeEveryTopicWhenVersionZeroAsksForNone() {
        // when
        MetadataResponseData response = respondRaw(handler, new MetadataRequestData().setTopics(List.of()), (short) 0);

        // then
        assertEquals(List.of("orders"), response.topics().stream().map(MetadataResponseTopic::name).toList());
    }

    @Test
    void shouldCreateAnUnknownTopicWhenAutoCreationIsAllowed() {
        // when
        MetadataResponseData response = respond(handler, new MetadataRequest.Builder(List.of("fresh"), true), LATEST);

        // then
        MetadataResponseTopic topic = response.topics().find("fresh");
        assertEquals(Errors.NONE.code(), topic.errorCode());
        assertEquals(3, topic.partitions().size());
        assertEquals(fixture.registry().topic("fresh").orElseThrow().topicId(), topic.topicId());
    }

    @Test
    void shouldAnswerUnknownTopicWhenTheRequestForbidsAutoCreation() {
        // when
        MetadataResponseData response = respond(handler, new MetadataRequest.Builder(List.of("fresh"), false), LATEST);

        // then
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.topics().find("fresh").errorCode());
        assertEquals(Optional.empty(), fixture.registry().topic("fresh"));
    }

    @Test
    void shouldAnswerInvalidTopicWhenTheNameIsInvalid() {
        // when
        MetadataResponseData response = respond(handler, new MetadataRequest.Builder(List.of("bad name"), true), LATEST);

        // then
        assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), response.topics().find("bad name").errorCode());
    }

    @Test
    void shouldNotCreateAnInternalTopicWhenItIsAskedFor() {
        // when
        MetadataResponseData response = respond(handler,
                new MetadataRequest.Builder(List.of("__consumer_offsets"), true), LATEST);

        // then
        MetadataResponseTopic topic = response.topics().find("__consumer_offsets");
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), topic.errorCode());
        assertTrue(topic.isInternal());
    }

    @Test
    void shouldAnswerTheCreationErrorWhenAutoCreationFails() throws Exception {
        // given
        fixture.close();
        fixture = RegistryFixture.open(dir, Map.of("default.replication.factor", "3"));
        handler = new MetadataHandler(fixture.config(), fixture.registry());

        // when
        MetadataResponseData response = respond(handler, new MetadataRequest.Builder(List.of("fresh"), true), LATEST);

        // then
        assertEquals(Errors.INVALID_REPLICATION_FACTOR.code(), response.topics().find("fresh").errorCode());
    }

    @Test
    void shouldFindTopicsByIdWhenTheVersionAllowsIt() {
        // given
        Uuid unknown = Uuid.randomUuid();
        MetadataRequestData request = new MetadataRequestData().setTopics(List.of(
                new MetadataRequestTopic().setTopicId(orders.topicId()).setName(null),
                new MetadataRequestTopic().setTopicId(unknown).setName(null)));

        // when
        MetadataResponseData response = respond(handler, new MetadataRequest.Builder(request), LATEST);

        // then
        List<MetadataResponseTopic> topics = List.copyOf(response.topics());
        assertEquals(2, topics.size());
        assertEquals("orders", topics.get(0).name());
        assertEquals(Errors.NONE.code(), topics.get(0).errorCode());
        assertEquals(unknown, topics.get(1).topicId());
        assertNull(topics.get(1).name());
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), topics.get(1).errorCode());
    }

    @Test
    void shouldFailTheRequestWhenAnOlderVersionNamesATopicById() {
        // given
        short version = 10;
        MetadataRequestData data = new MetadataRequestData().setTopics(List.of(
                new MetadataRequestTopic().setTopicId(orders.topicId()).setName("orders")));
        RequestContext ctx = new RequestContext(new RequestHeader(ApiKeys.METADATA, version, "test", 1),
                new MetadataRequest(data, version), new InetSocketAddress(0), System.nanoTime());

        // when
        Throwable failure = failure(handler.handle(ctx));

        // then
        assertInstanceOf(InvalidRequestException.class, failure);
    }

    @Test
    void shouldReportEveryOperationWhenAuthorizedOperationsAreAsked() {
        // given
        MetadataRequestData asked = new MetadataRequestData()
                .setTopics(MetadataRequest.convertToMetadataRequestTopic(List.of("orders")))
                .setIncludeClusterAuthorizedOperations(true)
                .setIncludeTopicAuthorizedOperations(true);
        MetadataRequestData notAsked = new MetadataRequestData()
                .setTopics(MetadataRequest.convertToMetadataRequestTopic(List.of("orders")));

        // when
        MetadataResponseData withOperations = respond(handler, new MetadataRequest.Builder(asked), (short) 8);
        MetadataResponseData withoutOperations = respond(handler, new MetadataRequest.Builder(notAsked), (short) 8);

        // then
        assertEquals(8096, withOperations.clusterAuthorizedOperations());
        assertEquals(3576, withOperations.topics().find("orders").topicAuthorizedOperations());
        assertEquals(Integer.MIN_VALUE, withoutOperations.clusterAuthorizedOperations());
        assertEquals(Integer.MIN_VALUE, withoutOperations.topics().find("orders").topicAuthorizedOperations());
    }
}
