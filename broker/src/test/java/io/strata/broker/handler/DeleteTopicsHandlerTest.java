package io.strata.broker.handler;

import static io.strata.broker.handler.AdminRequests.respond;
import static io.strata.broker.metadata.RegistryFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.metadata.RegistryFixture;
import io.strata.broker.metadata.TopicMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DeleteTopicsHandlerTest {

    private static final short LATEST = ApiKeys.DELETE_TOPICS.latestVersion();

    @TempDir
    Path dir;

    private RegistryFixture fixture;
    private DeleteTopicsHandler handler;
    private TopicMetadata orders;

    @BeforeEach
    void setUp() throws Exception {
        open(Map.of());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private void open(Map<String, String> properties) throws Exception {
        fixture = RegistryFixture.open(dir, properties);
        handler = new DeleteTopicsHandler(fixture.registry());
        orders = fixture.registry().topic("orders")
                .orElseGet(() -> await(fixture.registry().createTopic("orders", 2, (short) 1, Map.of(), false)));
    }

    static Stream<Short> versions() {
        return IntStream.rangeClosed(ApiKeys.DELETE_TOPICS.oldestVersion(), LATEST).mapToObj(version -> (short) version);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shouldDeleteByNameWhenAskedAtAnyVersion(short version) {
        // when
        DeleteTopicsResponseData response = respond(handler, byName("orders", "missing"), version);

        // then
        List<DeletableTopicResult> results = List.copyOf(response.responses());
        assertEquals("orders", results.get(0).name());
        assertEquals(Errors.NONE.code(), results.get(0).errorCode());
        assertEquals(version >= 6 ? orders.topicId() : Uuid.ZERO_UUID, results.get(0).topicId());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), results.get(1).errorCode());
        assertEquals(Optional.empty(), fixture.registry().topic("orders"));
    }

    @Test
    void shouldDeleteByIdAndAnswerTheNameWhenTheVersionAllowsIt() {
        // given
        Uuid unknown = Uuid.randomUuid();
        DeleteTopicsRequestData request = new DeleteTopicsRequestData().setTimeoutMs(30_000).setTopics(List.of(
                new DeleteTopicState().setName(null).setTopicId(orders.topicId()),
                new DeleteTopicState().setName(null).setTopicId(unknown)));

        // when
        DeleteTopicsResponseData response = respond(handler, new DeleteTopicsRequest.Builder(request), LATEST);

        // then
        List<DeletableTopicResult> results = List.copyOf(response.responses());
        assertEquals("orders", results.get(0).name());
        assertEquals(orders.topicId(), results.get(0).topicId());
        assertEquals(Errors.NONE.code(), results.get(0).errorCode());
        assertNull(results.get(1).name());
        assertEquals(unknown, results.get(1).topicId());
        assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), results.get(1).errorCode());
        assertEquals(Optional.empty(), fixture.registry().topic("orders"));
    }

    @Test
    void shouldAnswerInvalidRequestWhenATopicHasBothANameAndAnId() {
        // given
        DeleteTopicsRequestData request = new DeleteTopicsRequestData().setTimeoutMs(30_000).setTopics(List.of(
                new DeleteTopicState().setName("orders").setTopicId(orders.topicId())));

        // when
        DeleteTopicsResponseData response = AdminRequests.respondRaw(handler, request, LATEST);

        // then
        assertEquals(Errors.INVALID_REQUEST.code(), response.responses().iterator().next().errorCode());
        assertTrue(fixture.registry().topic("orders").isPresent());
    }

    @Test
    void shouldAnswerInvalidRequestOnceWhenATopicIsNamedTwice() {
        // when
        DeleteTopicsResponseData response = respond(handler, byName("orders", "orders"), LATEST);

        // then
        assertEquals(1, response.responses().size());
        DeletableTopicResult result = response.responses().iterator().next();
        assertEquals(Errors.INVALID_REQUEST.code(), result.errorCode());
        assertEquals("Duplicate topic name.", result.errorMessage());
        assertTrue(fixture.registry().topic("orders").isPresent());
    }

    @Test
    void shouldAnswerDeletionDisabledOrInvalidRequestByVersionWhenDeletionIsOff() throws Exception {
        // given
        fixture.close();
        open(Map.of("delete.topic.enable", "false"));

        // when
        DeleteTopicsResponseData current = respond(handler, byName("orders"), LATEST);
        DeleteTopicsResponseData old = respond(handler, byName("orders"), (short) 2);

        // then
        assertEquals(Errors.TOPIC_DELETION_DISABLED.code(), current.responses().find("orders").errorCode());
        assertEquals(Errors.INVALID_REQUEST.code(), old.responses().find("orders").errorCode());
        assertTrue(fixture.registry().topic("orders").isPresent());
    }

    private static DeleteTopicsRequest.Builder byName(String... names) {
        return new DeleteTopicsRequest.Builder(new DeleteTopicsRequestData()
                .setTimeoutMs(30_000)
                .setTopicNames(List.of(names)));
    }
}
