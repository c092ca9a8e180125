package io.strata.protocol;

import io.strata.protocol.versions.ApiVersionsTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;

/**
 * Requests built with kafka-clients' own builders, as a client would send them, and the version
 * table the tests serve.
 *
 * <p>Stateless and thread-safe.
 */
public final class TestRequests {

    public static final Uuid TOPIC_ID = Uuid.fromString("vZKnOzoWQ3a6tO6kVNJz7A");

    private TestRequests() {
    }

    /** The versions the tests serve: what kafka-clients 4.3.1 supports, except Metadata above v11. */
    public static ApiVersionsTable table() {
        return ApiVersionsTable.builder()
            .add(ApiKeys.API_VERSIONS, (short) 0, (short) 4)
            .add(ApiKeys.METADATA, (short) 0, (short) 11)
            .add(ApiKeys.PRODUCE, (short) 3, (short) 13)
            .add(ApiKeys.FETCH, (short) 4, (short) 18)
            .build();
    }

    public static ApiVersionsRequest apiVersions(short version) {
        return new ApiVersionsRequest.Builder().build(version);
    }

    public static MetadataRequest metadata(short version, String... topics) {
        return new MetadataRequest.Builder(List.of(topics), true).build(version);
    }

    public static MemoryRecords records(String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(1_700_000_000_000L + i, ("key-" + i).getBytes(), values[i].getBytes());
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    public static ProduceRequest produce(short version, short acks, MemoryRecords records) {
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData()
            .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records)));
        if (version >= 13) {
            topic.setTopicId(TOPIC_ID);
        } else {
            topic.setName("topic-a");
        }
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(topic);
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000).setTopicData(topics);
        return ProduceRequest.builder(data).build(version);
    }

    public static FetchRequest fetch(short version) {
        Map<TopicPartition, FetchRequest.PartitionData> partitions = new LinkedHashMap<>();
        partitions.put(new TopicPartition("topic-a", 0),
            new FetchRequest.PartitionData(TOPIC_ID, 42L, 0L, 1_048_576, Optional.of(3)));
        return FetchRequest.Builder.forConsumer(version, 500, 1, partitions).build(version);
    }
}
