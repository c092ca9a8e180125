package io.strata.broker.handler;

import static io.strata.broker.handler.AdminRequests.respond;
import static io.strata.broker.metadata.RegistryFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.metadata.RegistryFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopicCollection;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CreatePartitionsHandlerTest {

    private static final short LATEST = ApiKeys.CREATE_PARTITIONS.latestVersion();

    @TempDir
    Path dir;

    private RegistryFixture fixture;
    private CreatePartitionsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        fixture = RegistryFixture.open(dir, Map.of());
        handler = new CreatePartitionsHandler(fixture.registry());
        await(fixture.registry().createTopic("orders", 1, (short) 1, Map.of(), false));
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    static Stream<Short> versions() {
        return IntStream.rangeClosed(ApiKeys.CREATE_PARTITIONS.oldestVersion(), LATEST)
                .mapToObj(version -> (short) version);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void shouldAddPartitionsWhenAskedAtAnyVersion(short version) {
        // when
        CreatePartitionsResponseData response = respond(handler, request(false, topic("orders", 3, null)), version);

        // then
        CreatePartitionsTopicResult result = response.results().get(0);
        assertEquals("orders", result.name());
        assertEquals(Errors.NONE.code(), result.errorCode());
        assertNull(result.errorMessage());
        assertEquals(3, fixture.registry().topic("orders").orElseThrow().partitions());
    }

    @Test
    void shouldAnswerEachTopicWithItsErrorWhenSomeFail() {
        // when
        CreatePartitionsResponseData response = respond(handler, request(false,
                topic("orders", 1, null),
                topic("missing", 2, null)), LATEST);

        // then
        assertEquals(Errors.INVALID_PARTITIONS.code(), response.results().get(0).errorCode());
        assertTrue(response.results().get(0).errorMessage().contains("already has 1"),
                response.results().get(0).errorMessage());
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), response.results().get(1).errorCode());
    }

    @Test
    void shouldCheckAssignmentsWhenTheyAreGiven() {
        // when
        CreatePartitionsResponseData response = respond(handler, request(false,
                topic("orders", 3, List.of(List.of(1), List.of(2)))), LATEST);

        // then
        assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(), response.results().get(0).errorCode());
        assertEquals(1, fixture.registry().topic("orders").orElseThrow().partitions());
    }

    @Test
    void shouldChangeNothingWhenOnlyValidating() {
        // when
        CreatePartitionsResponseData response = respond(handler, request(true, topic("orders", 5, null)), LATEST);

        // then
        assertEquals(Errors.NONE.code(), response.results().get(0).errorCode());
        assertEquals(1, fixture.registry().topic("orders").orElseThrow().partitions());
    }

    @Test
    void shouldAnswerInvalidRequestOnceWhenATopicIsNamedTwice() {
        // when
        CreatePartitionsResponseData response = respond(handler, request(false,
                topic("orders", 2, null), topic("orders", 3, null)), LATEST);

        // then
        assertEquals(1, response.results().size());
        assertEquals(Errors.INVALID_REQUEST.code(), response.results().get(0).errorCode());
    }

    private static CreatePartitionsTopic topic(String name, int count, List<List<Integer>> assignments) {
        return new CreatePartitionsTopic().setName(name).setCount(count).setAssignments(assignments == null ? null
                : assignments.stream().map(ids -> new CreatePartitionsAssignment().setBrokerIds(ids)).toList());
    }

    private static CreatePartitionsRequest.Builder request(boolean validateOnly, CreatePartitionsTopic... topics) {
        CreatePartitionsTopicCollection collection = new CreatePartitionsTopicCollection();
        for (CreatePartitionsTopic topic : topics) {
            collection.mustAdd(topic);
        }
        return new CreatePartitionsRequest.Builder(new CreatePartitionsRequestData()
                .setTopics(collection).setTimeoutMs(30_000).setValidateOnly(validateOnly));
    }
}
