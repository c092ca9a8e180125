package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.SharedBroker;
import io.strata.broker.testing.RawKafkaClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input on a raw socket: garbage, broken frames, unknown APIs and versions, corrupt batches.
 * Every case checks the broker's reaction on that connection and then that ordinary clients still
 * work against the same broker. The last test sends every advertised version of every advertised
 * API and expects an answer that parses at that version.
 */
class BadInputIT {

    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    @RegisterExtension
    static final SharedBroker SHARED = new SharedBroker();
    static EmbeddedBroker broker;
    static Admin admin;

    @Test
    void shouldCloseConnectionWhenClientSendsRandomGarbage() throws Exception {
        // given
        byte[] garbage = new byte[1024];
        new Random(7).nextBytes(garbage);

        // when / then
        assertClosedAfter(garbage);
        assertClientsStillWork("after-garbage");
    }

    @Test
    void shouldCloseConnectionWhenFrameHoldsGarbageWithUnknownApiKey() throws Exception {
        // given
        byte[] garbage = new byte[1024];
        new Random(11).nextBytes(garbage);
        ByteBuffer.wrap(garbage).putInt(0, garbage.length - 4).putShort(4, (short) 0x7ABC);

        // when / then
        assertClosedAfter(garbage);
        assertClientsStillWork("after-garbage-frame");
    }

    @Test
    void shouldKeepServingWhenClientClosesInTheMiddleOfAFrame() throws Exception {
        // given
        byte[] truncated = ByteBuffer.allocate(14).putInt(100).put(new byte[10]).array();

        // when
        try (RawKafkaClient raw = raw()) {
            raw.writeRaw(truncated);
        }

        // then
        assertClientsStillWork("after-truncated");
    }

    @Test
    void shouldCloseConnectionPromptlyWithoutAllocatingWhenLengthPrefixIsTwoGigabytes() throws Exception {
        // given
        byte[] prefix = ByteBuffer.allocate(4 + 1024).putInt(Integer.MAX_VALUE).array();

        // when / then
        long heapBefore = usedHeap();
        assertClosedAfter(prefix);
        assertTrue(usedHeap() - heapBefore < 1024L * 1024 * 1024, "no allocation of the announced 2 GB");
        assertClientsStillWork("after-two-gigabytes");
    }

    @Test
    void shouldCloseConnectionWhenLengthPrefixIsNegative() throws Exception {
        // given
        byte[] negative = ByteBuffer.allocate(4 + 16).putInt(-5).array();

        // when / then
        assertClosedAfter(negative);
        assertClientsStillWork("after-negative");
    }

    @Test
    void shouldCloseConnectionWhenApiKeyIsUnknown() throws Exception {
        // given
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey((short) 999).setRequestApiVersion((short) 0)
                .setCorrelationId(1).setClientId("raw-test-client");
        ByteBuffer body = RequestUtils.serialize(header, (short) 1, new MetadataRequestData().setTopics(null), (short) 1);

        // when / then
        assertClosedAfter(framed(body));
        assertClientsStillWork("after-unknown-key");
    }

    @Test
    void shouldAnswerV0UnsupportedVersionWhenApiVersionsVersionIsTooNew() throws Exception {
        // given
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.API_VERSIONS.id)
                .setRequestApiVersion((short) 99).setCorrelationId(4242).setClientId("raw-test-client");
        ByteBuffer request = RequestUtils.serialize(header, (short) 2, new ApiVersionsRequestData()
                .setClientSoftwareName("raw").setClientSoftwareVersion("1"), (short) 3);

        // when
        ByteBuffer response;
        try (RawKafkaClient raw = raw()) {
            raw.sendBytes(request);
            response = ByteBuffer.wrap(raw.readFrame());
        }

        // then
        assertEquals(4242, response.getInt(), "v0 response header: the correlation id only");
        ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 0);
        assertEquals(Errors.UNSUPPORTED_VERSION.code(), data.errorCode());
        assertFalse(data.apiKeys().isEmpty(), "the table of supported versions");
        assertTrue(data.apiKeys().find(ApiKeys.API_VERSIONS.id) != null, "ApiVersions itself is listed");
        assertClientsStillWork("after-api-versions-99");
    }

    @Test
    void shouldRejectBatchAndAppendNothingWhenProduceCrcIsCorrupt() throws Exception {
        // given
        String topic = "corrupt-crc";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, 0, null, bytes("valid"))).get();
        }
        long latestBefore = latestOffset(tp);

        // when
        ProduceResponseData response;
        try (RawKafkaClient raw = raw()) {
            response = ((ProduceResponse) raw.send(request(ApiKeys.PRODUCE, (short) 9,
                    produce(topic, null, (short) 9, (short) -1, corruptBatch())))).data();
        }

        // then
        ProduceResponseData.PartitionProduceResponse partition =
                response.responses().iterator().next().partitionResponses().get(0);
        assertEquals(Errors.CORRUPT_MESSAGE.code(), partition.errorCode());
        assertEquals(latestBefore, latestOffset(tp), "nothing appended");
        assertEquals(1, latestBefore);
        assertClientsStillWork("after-corrupt-crc");
    }

    @Test
    void shouldCloseConnectionWhenAcksZeroProduceHasCorruptCrc() throws Exception {
        // given
        String topic = "corrupt-crc-acks0";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition(topic, 0);
        RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, (short) 9, "raw-test-client", 1);
        ByteBuffer request = RequestUtils.serialize(header.data(), header.headerVersion(),
                produce(topic, null, (short) 9, (short) 0, corruptBatch()), (short) 9);

        // when / then
        try (RawKafkaClient raw = raw()) {
            raw.sendBytes(request);
            assertClosedPromptly(raw);
        }
        assertEquals(0, latestOffset(tp), "nothing appended");
        assertClientsStillWork("after-corrupt-crc-acks0");
    }

    @Test
    void shouldCloseConnectionWhenRequestBodyIsTruncated() throws Exception {
        // given
        RequestHeader header = new RequestHeader(ApiKeys.METADATA, (short) 12, "raw-test-client", 1);
        MetadataRequestData metadata = new MetadataRequestData().setTopics(List.of(
                new MetadataRequestData.MetadataRequestTopic().setName("some-topic-with-a-long-enough-name")));
        ByteBuffer request = RequestUtils.serialize(header.data(), header.headerVersion(), metadata, (short) 12);
        ByteBuffer truncated = request.duplicate();
        truncated.limit(request.limit() - 20);

        // when / then
        assertClosedAfter(framed(truncated));
        assertClientsStillWork("after-truncated-body");
    }

    @Test
    void shouldAnswerEveryAdvertisedVersionOfEveryAdvertisedApiWhenRequestIsMinimal() throws Exception {
        // given
        String topic = "every-version";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        Uuid topicId = admin.describeTopics(List.of(topic)).topicNameValues().get(topic).get().topicId();
        ApiVersionsResponseData advertised;
        try (RawKafkaClient raw = raw()) {
            advertised = ((ApiVersionsResponse) raw.send(request(ApiKeys.API_VERSIONS, (short) 3,
                    new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1")))).data();
        }
        List<String> failures = new ArrayList<>();
        int answered = 0;
        int expected = advertised.apiKeys().stream().mapToInt(api -> api.maxVersion() - api.minVersion() + 1).sum();

        // when
        for (ApiVersionsResponseData.ApiVersion api : advertised.apiKeys()) {
            ApiKeys apiKey = ApiKeys.forId(api.apiKey());
            for (short version = api.minVersion(); version <= api.maxVersion(); version++) {
                ApiMessage request = MinimalRequests.of(apiKey, version, topic, topicId);
                try (RawKafkaClient raw = raw()) {
                    AbstractResponse response = raw.send(request(apiKey, version, request));
                    assertEquals(apiKey, response.apiKey());
                    for (Errors unexpected : List.of(Errors.UNSUPPORTED_VERSION, Errors.UNKNOWN_SERVER_ERROR)) {
                        if (response.errorCounts().containsKey(unexpected)) {
                            failures.add(apiKey + " v" + version + ": " + unexpected + " in " + response.data());
                        }
                    }
                    answered++;
                } catch (IOException | RuntimeException e) {
                    failures.add(apiKey + " v" + version + ": " + e);
                }
            }
        }

        // then
        assertEquals(List.of(), failures, "every advertised version must be answered");
        assertEquals(expected, answered, "one answer per advertised version");
        assertTrue(advertised.apiKeys().size() >= 15, "the broker advertises its APIs: " + advertised.apiKeys());
        assertClientsStillWork("after-every-version");
    }

    static ProduceRequestData produce(String topic, Uuid topicId, short version, short acks, MemoryRecords records) {
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData()
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records)));
        if (version >= 13) {
            topicData.setTopicId(topicId);
        } else {
            topicData.setName(topic);
        }
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(topicData);
        return new ProduceRequestData().setAcks(acks).setTimeoutMs(10_000).setTransactionalId(null).setTopicData(topics);
    }

    /** One batch whose last byte (inside the CRC-covered part) is flipped. */
    private static MemoryRecords corruptBatch() {
        MemoryRecords valid = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(bytes("k"), bytes("corrupt-me")));
        ByteBuffer buffer = ByteBuffer.allocate(valid.sizeInBytes());
        buffer.put(valid.buffer().duplicate()).flip();
        int last = buffer.limit() - 1;
        assertTrue(last > DefaultRecordBatch.CRC_OFFSET + 4, "the flipped byte is covered by the CRC");
        buffer.put(last, (byte) (buffer.get(last) ^ 0xFF));
        return MemoryRecords.readableRecords(buffer);
    }

    private static void assertClosedAfter(byte[] bytes) throws IOException {
        try (RawKafkaClient raw = raw()) {
            raw.writeRaw(bytes);
            assertClosedPromptly(raw);
        }
    }

    private static void assertClosedPromptly(RawKafkaClient raw) {
        long start = System.nanoTime();
        assertTrue(raw.isClosedByPeer(), "the broker closes the connection");
        assertTrue(System.nanoTime() - start < PROMPTLY.toNanos(), "closed within " + PROMPTLY);
    }

    /** Creates {@code topic}, produces one record and consumes it with ordinary kafka-clients. */
    private static void assertClientsStillWork(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            assertEquals(0, producer.send(new ProducerRecord<>(topic, 0, bytes("k"), bytes("v"))).get().offset());
        }
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            consumer.assign(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    assertArrayEquals(bytes("v"), record.value());
                    return;
                }
            }
            fail("no record consumed from " + topic);
        }
    }

    private static long latestOffset(TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
    }

    /** {@code data} as the kafka-clients request object of {@code apiKey} at {@code version}. */
    private static AbstractRequest request(ApiKeys apiKey, short version, ApiMessage data) {
        return AbstractRequest.parseRequest(apiKey, version, MessageUtil.toByteBufferAccessor(data, version)).request;
    }

    private static RawKafkaClient raw() throws IOException {
        return new RawKafkaClient("127.0.0.1", broker.port());
    }

    private static byte[] framed(ByteBuffer payload) {
        ByteBuffer frame = ByteBuffer.allocate(4 + payload.remaining());
        frame.putInt(payload.remaining()).put(payload.duplicate());
        return frame.array();
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Minimal valid request bodies, per API and version. */
    static final class MinimalRequests {

        private MinimalRequests() {
        }

        static ApiMessage of(ApiKeys apiKey, short version, String topic, Uuid topicId) {
            BiFunction<String, Short, String> unique = (prefix, v) -> prefix + "-v" + v;
            switch (apiKey) {
                case API_VERSIONS:
                    return new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1");
                case METADATA:
                    return new MetadataRequestData().setTopics(List.of(new MetadataRequestData.MetadataRequestTopic()
                            .setName(topic))).setAllowAutoTopicCreation(version >= 4 ? false : true);
                case LIST_OFFSETS:
                    return new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                            new ListOffsetsRequestData.ListOffsetsTopic().setName(topic).setPartitions(List.of(
                                    new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                                            .setTimestamp(-1)))));
                case FETCH: {
                    FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic().setPartitions(List.of(
                            new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                                    .setPartitionMaxBytes(1024)));
                    if (version >= 13) {
                        fetchTopic.setTopicId(topicId);
                    } else {
                        fetchTopic.setTopic(topic);
                    }
                    FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(0).setMinBytes(0)
                            .setTopics(List.of(fetchTopic));
                    if (version < 15) {
                        fetch.setReplicaId(-1);
                    }
                    return fetch;
                }
                case OFFSET_FOR_LEADER_EPOCH: {
                    OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection topics =
                            new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
                    topics.add(new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(topic)
                            .setPartitions(List.of(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                                    .setPartition(0).setLeaderEpoch(0))));
                    return new OffsetForLeaderEpochRequestData().setTopics(topics);
                }
                case DESCRIBE_CONFIGS:
                    return new DescribeConfigsRequestData().setResources(List.of(
                            new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
                                    .setResourceName(topic).setConfigurationKeys(null)));
                case CREATE_TOPICS: {
                    CreateTopicsRequestData.CreatableTopicCollection topics =
                            new CreateTopicsRequestData.CreatableTopicCollection();
                    topics.add(new CreateTopicsRequestData.CreatableTopic().setName(unique.apply("created", version))
                            .setNumPartitions(1).setReplicationFactor((short) 1));
                    return new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(10_000);
                }
                case INIT_PRODUCER_ID:
                    return new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000);
                case DELETE_RECORDS:
                    return new DeleteRecordsRequestData().setTimeoutMs(10_000).setTopics(List.of(
                            new DeleteRecordsRequestData.DeleteRecordsTopic().setName(topic).setPartitions(List.of(
                                    new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0)
                                            .setOffset(0)))));
                case CREATE_PARTITIONS: {
                    CreatePartitionsRequestData.CreatePartitionsTopicCollection topics =
                            new CreatePartitionsRequestData.CreatePartitionsTopicCollection();
                    topics.add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(topic).setCount(2)
                            .setAssignments(null));
                    return new CreatePartitionsRequestData().setTopics(topics).setTimeoutMs(10_000).setValidateOnly(true);
                }
                case DELETE_TOPICS: {
                    String missing = unique.apply("never-created", version);
                    return version >= 6
                            ? new DeleteTopicsRequestData().setTimeoutMs(10_000).setTopics(List.of(
                                    new DeleteTopicsRequestData.DeleteTopicState().setName(missing)))
                            : new DeleteTopicsRequestData().setTimeoutMs(10_000).setTopicNames(List.of(missing));
                }
                case ALTER_CONFIGS: {
                    AlterConfigsRequestData.AlterableConfigCollection configs =
                            new AlterConfigsRequestData.AlterableConfigCollection();
                    configs.add(new AlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("604800000"));
                    AlterConfigsRequestData.AlterConfigsResourceCollection resources =
                            new AlterConfigsRequestData.AlterConfigsResourceCollection();
                    resources.add(new AlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2)
                            .setResourceName(topic).setConfigs(configs));
                    return new AlterConfigsRequestData().setResources(resources).setValidateOnly(true);
                }
                case INCREMENTAL_ALTER_CONFIGS: {
                    IncrementalAlterConfigsRequestData.AlterableConfigCollection configs =
                            new IncrementalAlterConfigsRequestData.AlterableConfigCollection();
                    configs.add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("retention.ms")
                            .setConfigOperation((byte) 0).setValue("604800000"));
                    IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection resources =
                            new IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection();
                    resources.add(new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2)
                            .setResourceName(topic).setConfigs(configs));
                    return new IncrementalAlterConfigsRequestData().setResources(resources).setValidateOnly(true);
                }
                case PRODUCE:
                    return produce(topic, topicId, version, (short) -1,
                            MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(bytes("k"), bytes("v"))));
                default:
                    // an API without a known minimal request: its default body, which every version can encode
                    return ApiMessageType.fromApiKey(apiKey.id).newRequest();
            }
        }
    }
}
