package io.strata.broker.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.group.OffsetsTopicRecords.Entry;
import io.strata.broker.group.OffsetsTopicRecords.GroupMetadata;
import io.strata.broker.group.OffsetsTopicRecords.GroupTombstone;
import io.strata.broker.group.OffsetsTopicRecords.OffsetCommit;
import io.strata.broker.group.OffsetsTopicRecords.OffsetTombstone;
import io.strata.broker.group.StoredGroup.StoredMember;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.coordinator.group.generated.GroupMetadataKey;
import org.apache.kafka.coordinator.group.generated.GroupMetadataValue;
import org.apache.kafka.coordinator.group.generated.OffsetCommitKey;
import org.apache.kafka.coordinator.group.generated.OffsetCommitValue;
import org.junit.jupiter.api.Test;

/**
 * The {@code __consumer_offsets} record format, checked against Apache Kafka's own generated record
 * classes (kafka-group-coordinator, a test dependency): what we write Kafka reads, and the reverse.
 */
class OffsetsTopicRecordsTest {

    private static final TopicPartition TP = new TopicPartition("orders", 3);

    @Test
    void shouldWriteOffsetCommitAsKafkaReadsItWhenCommitHasNoExpiry() {
        // given
        CommittedOffset offset = new CommittedOffset(42, 7, "meta", 1_000, CommittedOffset.NONE);

        // when
        SimpleRecord record = OffsetsTopicRecords.toRecord(new OffsetCommit("g", TP, offset), 5);

        // then
        ByteBuffer key = record.key().duplicate();
        assertEquals(1, key.getShort(), "record type OffsetCommitKey");
        OffsetCommitKey kafkaKey = new OffsetCommitKey(new ByteBufferAccessor(key), (short) 0);
        assertEquals("g", kafkaKey.group());
        assertEquals("orders", kafkaKey.topic());
        assertEquals(3, kafkaKey.partition());
        ByteBuffer value = record.value().duplicate();
        assertEquals(3, value.getShort(), "Kafka writes OffsetCommitValue v3");
        OffsetCommitValue kafkaValue = new OffsetCommitValue(new ByteBufferAccessor(value), (short) 3);
        assertEquals(42, kafkaValue.offset());
        assertEquals(7, kafkaValue.leaderEpoch());
        assertEquals("meta", kafkaValue.metadata());
        assertEquals(1_000, kafkaValue.commitTimestamp());
    }

    @Test
    void shouldWriteVersionOneWhenCommitHasExpiry() {
        // when
        SimpleRecord record = OffsetsTopicRecords.toRecord(
                new OffsetCommit("g", TP, new CommittedOffset(1, -1, "", 10, 99)), 5);

        // then
        ByteBuffer value = record.value().duplicate();
        assertEquals(1, value.getShort());
        assertEquals(99, new OffsetCommitValue(new ByteBufferAccessor(value), (short) 1).expireTimestamp());
        assertEquals(new CommittedOffset(1, -1, "", 10, 99), ((OffsetCommit) decode(record)).offset());
    }

    @Test
    void shouldWriteGroupMetadataAsKafkaReadsItWhenGroupHasMembers() {
        // given
        StoredGroup group = new StoredGroup("g", "consumer", 4, "range", "m-1", 777, List.of(
                new StoredMember("m-1", "instance-1", "client", "/127.0.0.1", 30_000, 10_000, new byte[] {1, 2},
                        new byte[] {3})));

        // when
        SimpleRecord record = OffsetsTopicRecords.toRecord(new GroupMetadata(group), 5);

        // then
        ByteBuffer key = record.key().duplicate();
        assertEquals(2, key.getShort(), "record type GroupMetadataKey");
        assertEquals("g", new GroupMetadataKey(new ByteBufferAccessor(key), (short) 0).group());
        ByteBuffer value = record.value().duplicate();
        assertEquals(3, value.getShort(), "Kafka writes GroupMetadataValue v3");
        GroupMetadataValue kafka = new GroupMetadataValue(new ByteBufferAccessor(value), (short) 3);
        assertEquals("consumer", kafka.protocolType());
        assertEquals(4, kafka.generation());
        assertEquals("range", kafka.protocol());
        assertEquals("m-1", kafka.leader());
        assertEquals(777, kafka.currentStateTimestamp());
        GroupMetadataValue.MemberMetadata member = kafka.members().get(0);
        assertEquals("instance-1", member.groupInstanceId());
        assertEquals(30_000, member.rebalanceTimeout());
        assertEquals(10_000, member.sessionTimeout());
        assertArrayEquals(new byte[] {1, 2}, member.subscription());
        assertArrayEquals(new byte[] {3}, member.assignment());
    }

    @Test
    void shouldReadEveryVersionWhenKafkaWroteTheRecords() {
        for (short version = 0; version <= 4; version++) {
            // given: a GroupMetadataValue and an OffsetCommitValue of this version, written by Kafka's classes
            GroupMetadataValue kafkaGroup = new GroupMetadataValue().setProtocolType("consumer").setGeneration(2)
                    .setProtocol("range").setLeader("m").setCurrentStateTimestamp(version >= 2 ? 55 : -1)
                    .setMembers(List.of(new GroupMetadataValue.MemberMetadata().setMemberId("m").setClientId("c")
                            .setClientHost("h").setRebalanceTimeout(version >= 1 ? 9000 : 8000).setSessionTimeout(8000)
                            .setGroupInstanceId(version >= 3 ? "i" : null)
                            .setSubscription(new byte[] {1}).setAssignment(new byte[] {2})));
            OffsetCommitValue kafkaOffset = new OffsetCommitValue().setOffset(12).setMetadata("x")
                    .setCommitTimestamp(3).setLeaderEpoch(version >= 3 ? 6 : -1)
                    .setExpireTimestamp(version == 1 ? 44 : -1).setTopicId(version == 4 ? Uuid.randomUuid() : Uuid.ZERO_UUID);

            // when
            Entry group = decode(new SimpleRecord(1, MessageUtil.toCoordinatorTypePrefixedBytes(
                    new GroupMetadataKey().setGroup("g")), MessageUtil.toVersionPrefixedBytes(version, kafkaGroup)));
            Entry offset = decode(new SimpleRecord(1, MessageUtil.toCoordinatorTypePrefixedBytes(
                    new OffsetCommitKey().setGroup("g").setTopic("orders").setPartition(3)),
                    MessageUtil.toVersionPrefixedBytes(version, kafkaOffset)));

            // then
            StoredGroup stored = ((GroupMetadata) group).group();
            assertEquals(2, stored.generationId(), "v" + version);
            assertEquals("range", stored.protocolName());
            assertEquals(version >= 2 ? 55 : -1, stored.currentStateTimestampMs());
            assertEquals(version >= 3 ? "i" : null, stored.members().get(0).groupInstanceId());
            assertEquals(version >= 1 ? 9000 : 8000, stored.members().get(0).rebalanceTimeoutMs());
            OffsetCommit commit = (OffsetCommit) offset;
            assertEquals(TP, commit.topicPartition());
            assertEquals(new CommittedOffset(12, version >= 3 ? 6 : -1, "x", 3, version == 1 ? 44 : -1), commit.offset());
        }
    }

    @Test
    void shouldDecodeTombstonesWhenValueIsNull() {
        // when
        Entry offset = decode(OffsetsTopicRecords.toRecord(new OffsetTombstone("g", TP), 1));
        Entry group = decode(OffsetsTopicRecords.toRecord(new GroupTombstone("g"), 1));

        // then
        assertEquals(new OffsetTombstone("g", TP), offset);
        assertEquals(new GroupTombstone("g"), group);
        assertNull(OffsetsTopicRecords.toRecord(new GroupTombstone("g"), 1).value());
    }

    @Test
    void shouldSkipRecordWhenTypeIsNotAClassicGroupRecord() {
        // given: a consumer-group (KIP-848) record, type 3
        ByteBuffer key = ByteBuffer.allocate(4).putShort((short) 3).putShort((short) 0);
        key.flip();

        // when
        Optional<Entry> entry = OffsetsTopicRecords.fromRecord(record(new SimpleRecord(1, key.array(), new byte[] {0})));

        // then
        assertTrue(entry.isEmpty());
    }

    @Test
    void shouldFailWhenRecordIsCorrupt() {
        // given
        byte[] key = {0, 1, 0, 5, 'a'};

        // when / then
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> OffsetsTopicRecords.fromRecord(record(new SimpleRecord(1, key, new byte[] {0, 3}))));
        assertInstanceOf(RuntimeException.class, failure.getCause());
        assertThrows(IllegalStateException.class,
                () -> OffsetsTopicRecords.fromRecord(record(new SimpleRecord(1, null, new byte[] {1}))));
    }

    private static Entry decode(SimpleRecord simple) {
        return OffsetsTopicRecords.fromRecord(record(simple)).orElseThrow();
    }

    private static Record record(SimpleRecord simple) {
        return MemoryRecords.withRecords(Compression.NONE, simple).records().iterator().next();
    }
}
