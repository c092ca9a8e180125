package io.strata.broker.handler;

import static io.strata.broker.metadata.RegistryFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.broker.dispatch.StorageExecutors;
import io.strata.broker.metadata.RegistryFixture;
import io.strata.storage.log.PartitionLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ListOffsets on a tiered partition whose oldest offsets are only in the remote tier, on a broker
 * whose remote tier is not available (tiering still starting): what needs the remote tier answers
 * KAFKA_STORAGE_ERROR, which clients retry; what the log itself knows is answered.
 */
class ListOffsetsHandlerTest {

    private static final short LATEST = ApiKeys.LIST_OFFSETS.latestVersion();
    private static final TopicPartition TP = new TopicPartition("history", 0);
    private static final long TIMESTAMP = System.currentTimeMillis();

    @TempDir
    Path dir;

    private RegistryFixture fixture;
    private StorageExecutors storage;
    private ListOffsetsHandler handler;

    @BeforeEach
    void setUp() throws Exception {
        fixture = RegistryFixture.open(dir, Map.of("remote.log.storage.system.enable", "true"));
        await(fixture.registry().createTopic(TP.topic(), 1, (short) 1, Map.of("remote.storage.enable", "true",
                "internal.segment.bytes", String.valueOf(batch(0).sizeInBytes()), "local.retention.bytes", "0"),
                false));
        PartitionLog log = fixture.registry().log(TP).orElseThrow();
        for (int i = 0; i < 6; i++) {
            log.append(batch(i), 0);
        }
        log.updateHighestOffsetInRemoteStorage(2);
        log.deleteRetentionExpiredSegments(System.currentTimeMillis());
        assertEquals(3L, log.localLogStartOffset());
        storage = new StorageExecutors(1);
        handler = new ListOffsetsHandler(fixture.registry(), storage, () -> null);
    }

    @AfterEach
    void tearDown() {
        storage.close();
        fixture.close();
    }

    @Test
    void shouldAnswerKafkaStorageErrorForATimestampWhileTheRemoteTierIsUnavailable() {
        ListOffsetsPartitionResponse response = lookup(TIMESTAMP);
        assertEquals(Errors.KAFKA_STORAGE_ERROR.code(), response.errorCode());
    }

    @Test
    void shouldAnswerTheStartsOfBothTiersFromTheLogAlone() {
        assertEquals(0L, lookup(ListOffsetsRequest.EARLIEST_TIMESTAMP).offset());
        assertEquals(3L, lookup(ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP).offset());
        assertEquals(2L, lookup(ListOffsetsRequest.LATEST_TIERED_TIMESTAMP).offset());
        assertEquals(6L, lookup(ListOffsetsRequest.LATEST_TIMESTAMP).offset());
    }

    private ListOffsetsPartitionResponse lookup(long timestamp) {
        ListOffsetsRequest.Builder request = ListOffsetsRequest.Builder.forConsumer(true,
                IsolationLevel.READ_UNCOMMITTED).setTargetTimes(List.of(new ListOffsetsTopic().setName(TP.topic())
                .setPartitions(List.of(new ListOffsetsPartition().setPartitionIndex(0).setTimestamp(timestamp)))));
        ListOffsetsResponseData response = AdminRequests.respond(handler, request, LATEST);
        return response.topics().get(0).partitions().get(0);
    }

    private static MemoryRecords batch(int i) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(TIMESTAMP + i, new byte[100]));
    }
}
