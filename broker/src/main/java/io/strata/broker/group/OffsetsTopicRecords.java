package io.strata.broker.group;

import io.strata.broker.group.StoredGroup.StoredMember;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.types.ArrayOf;
import org.apache.kafka.common.protocol.types.CompactArrayOf;
import org.apache.kafka.common.protocol.types.Field;
import org.apache.kafka.common.protocol.types.Schema;
import org.apache.kafka.common.protocol.types.SchemaException;
import org.apache.kafka.common.protocol.types.Struct;
import org.apache.kafka.common.protocol.types.Type;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * The records of {@code __consumer_offsets} in Apache Kafka's own format, so that Kafka's tools
 * ({@code kafka-dump-log --offsets-decoder}, a consumer of the topic) read them as Kafka's.
 *
 * <pre>
 *   key   = int16 record type, then the key struct
 *             0, 1  OffsetCommitKey   {group: string, topic: string, partition: int32}
 *             2     GroupMetadataKey  {group: string}
 *   value = int16 version, then the value struct; a null value is a tombstone (deletes the key)
 *             OffsetCommitValue  v0 {offset, metadata, commit_timestamp}
 *                                v1 v0 + expire_timestamp            (written for commits with a retention time)
 *                                v2 = v0
 *                                v3 {offset, leader_epoch, metadata, commit_timestamp}  (written otherwise)
 *                                v4 v3, flexible, tagged topic_id
 *             GroupMetadataValue v0..v4; v3 is written: {protocol_type, generation, protocol, leader,
 *                                current_state_timestamp, members: [{member_id, group_instance_id,
 *                                client_id, client_host, rebalance_timeout, session_timeout,
 *                                subscription: bytes, assignment: bytes}]}
 * </pre>
 *
 * Other record types (the KIP-848 consumer, share and streams group records) are skipped on
 * reading: this coordinator serves classic groups only.
 *
 * <p>This class is thread-safe (stateless).
 */
final class OffsetsTopicRecords {

    static final short LEGACY_OFFSET_COMMIT_KEY = 0;
    static final short OFFSET_COMMIT_KEY = 1;
    static final short GROUP_METADATA_KEY = 2;
    /** The OffsetCommitValue version written for commits with an explicit expiry. */
    static final short OFFSET_COMMIT_VALUE_EXPIRING = 1;
    /** The OffsetCommitValue version written otherwise (Kafka's highest non-flexible one). */
    static final short OFFSET_COMMIT_VALUE_CURRENT = 3;
    /** The GroupMetadataValue version Kafka 4 writes. */
    static final short GROUP_METADATA_VALUE_CURRENT = 3;

    private static final Schema OFFSET_COMMIT_KEY_SCHEMA = new Schema(
            new Field("group", Type.STRING), new Field("topic", Type.STRING), new Field("partition", Type.INT32));
    private static final Schema GROUP_METADATA_KEY_SCHEMA = new Schema(new Field("group", Type.STRING));

    private static final Schema OFFSET_COMMIT_VALUE_V0 = new Schema(
            new Field("offset", Type.INT64), new Field("metadata", Type.STRING),
            new Field("commit_timestamp", Type.INT64));
    private static final Schema OFFSET_COMMIT_VALUE_V1 = new Schema(
            new Field("offset", Type.INT64), new Field("metadata", Type.STRING),
            new Field("commit_timestamp", Type.INT64), new Field("expire_timestamp", Type.INT64));
    private static final Schema OFFSET_COMMIT_VALUE_V3 = new Schema(
            new Field("offset", Type.INT64), new Field("leader_epoch", Type.INT32),
            new Field("metadata", Type.STRING), new Field("commit_timestamp", Type.INT64));
    private static final Schema OFFSET_COMMIT_VALUE_V4 = new Schema(
            new Field("offset", Type.INT64), new Field("leader_epoch", Type.INT32),
            new Field("metadata", Type.COMPACT_STRING), new Field("commit_timestamp", Type.INT64),
            Field.TaggedFieldsSection.of(0, new Field("topic_id", Type.UUID)));
    private static final Schema[] OFFSET_COMMIT_VALUES = {
        OFFSET_COMMIT_VALUE_V0, OFFSET_COMMIT_VALUE_V1, OFFSET_COMMIT_VALUE_V0, OFFSET_COMMIT_VALUE_V3,
        OFFSET_COMMIT_VALUE_V4};

    private static final Schema MEMBER_V0 = new Schema(
            new Field("member_id", Type.STRING), new Field("client_id", Type.STRING),
            new Field("client_host", Type.STRING), new Field("session_timeout", Type.INT32),
            new Field("subscription", Type.BYTES), new Field("assignment", Type.BYTES));
    private static final Schema MEMBER_V1 = new Schema(
            new Field("member_id", Type.STRING), new Field("client_id", Type.STRING),
            new Field("client_host", Type.STRING), new Field("rebalance_timeout", Type.INT32),
            new Field("session_timeout", Type.INT32), new Field("subscription", Type.BYTES),
            new Field("assignment", Type.BYTES));
    private static final Schema MEMBER_V3 = new Schema(
            new Field("member_id", Type.STRING), new Field("group_instance_id", Type.NULLABLE_STRING),
            new Field("client_id", Type.STRING), new Field("client_host", Type.STRING),
            new Field("rebalance_timeout", Type.INT32), new Field("session_timeout", Type.INT32),
            new Field("subscription", Type.BYTES), new Field("assignment", Type.BYTES));
    private static final Schema MEMBER_V4 = new Schema(
            new Field("member_id", Type.COMPACT_STRING), new Field("group_instance_id", Type.COMPACT_NULLABLE_STRING),
            new Field("client_id", Type.COMPACT_STRING), new Field("client_host", Type.COMPACT_STRING),
            new Field("rebalance_timeout", Type.INT32), new Field("session_timeout", Type.INT32),
            new Field("subscription", Type.COMPACT_BYTES), new Field("assignment", Type.COMPACT_BYTES),
            Field.TaggedFieldsSection.of());
    private static final Schema GROUP_METADATA_VALUE_V0 = new Schema(
            new Field("protocol_type", Type.STRING), new Field("generation", Type.INT32),
            new Field("protocol", Type.NULLABLE_STRING), new Field("leader", Type.NULLABLE_STRING),
            new Field("members", new ArrayOf(MEMBER_V0)));
    private static final Schema GROUP_METADATA_VALUE_V1 = new Schema(
            new Field("protocol_type", Type.STRING), new Field("generation", Type.INT32),
            new Field("protocol", Type.NULLABLE_STRING), new Field("leader", Type.NULLABLE_STRING),
            new Field("members", new ArrayOf(MEMBER_V1)));
    private static final Schema GROUP_METADATA_VALUE_V2 = new Schema(
            new Field("protocol_type", Type.STRING), new Field("generation", Type.INT32),
            new Field("protocol", Type.NULLABLE_STRING), new Field("leader", Type.NULLABLE_STRING),
            new Field("current_state_timestamp", Type.INT64),
            new Field("members", new ArrayOf(MEMBER_V1)));
    private static final Schema GROUP_METADATA_VALUE_V3 = new Schema(
            new Field("protocol_type", Type.STRING), new Field("generation", Type.INT32),
            new Field("protocol", Type.NULLABLE_STRING), new Field("leader", Type.NULLABLE_STRING),
            new Field("current_state_timestamp", Type.INT64),
            new Field("members", new ArrayOf(MEMBER_V3)));
    private static final Schema GROUP_METADATA_VALUE_V4 = new Schema(
            new Field("protocol_type", Type.COMPACT_STRING), new Field("generation", Type.INT32),
            new Field("protocol", Type.COMPACT_NULLABLE_STRING), new Field("leader", Type.COMPACT_NULLABLE_STRING),
            new Field("current_state_timestamp", Type.INT64),
            new Field("members", new CompactArrayOf(MEMBER_V4)),
            Field.TaggedFieldsSection.of());
    private static final Schema[] GROUP_METADATA_VALUES = {
        GROUP_METADATA_VALUE_V0, GROUP_METADATA_VALUE_V1, GROUP_METADATA_VALUE_V2, GROUP_METADATA_VALUE_V3,
        GROUP_METADATA_VALUE_V4};

    private OffsetsTopicRecords() {
    }

    /** One record of {@code __consumer_offsets}, decoded. */
    sealed interface Entry permits OffsetCommit, OffsetTombstone, GroupMetadata, GroupTombstone {
        String groupId();
    }

    /** A committed offset. */
    record OffsetCommit(String groupId, TopicPartition topicPartition, CommittedOffset offset) implements Entry {
    }

    /** The deletion of a committed offset. */
    record OffsetTombstone(String groupId, TopicPartition topicPartition) implements Entry {
    }

    /** A group's metadata. */
    record GroupMetadata(StoredGroup group) implements Entry {
        @Override
        public String groupId() {
            return group.groupId();
        }
    }

    /** The deletion of a group's metadata. */
    record GroupTombstone(String groupId) implements Entry {
    }

    /** {@code entry} as a record stamped with {@code timestampMs}. */
    static SimpleRecord toRecord(Entry entry, long timestampMs) {
        if (entry instanceof OffsetCommit commit) {
            return new SimpleRecord(timestampMs, offsetCommitKey(commit.groupId(), commit.topicPartition()),
                    offsetCommitValue(commit.offset()));
        }
        if (entry instanceof OffsetTombstone tombstone) {
            return new SimpleRecord(timestampMs, offsetCommitKey(tombstone.groupId(), tombstone.topicPartition()),
                    (byte[]) null);
        }
        if (entry instanceof GroupMetadata metadata) {
            return new SimpleRecord(timestampMs, groupMetadataKey(metadata.groupId()),
                    groupMetadataValue(metadata.group()));
        }
        return new SimpleRecord(timestampMs, groupMetadataKey(entry.groupId()), (byte[]) null);
    }

    /**
     * The entry {@code record} holds; empty for the record types this coordinator does not serve.
     *
     * @throws IllegalStateException for a record that is not a valid {@code __consumer_offsets} record
     */
    static Optional<Entry> fromRecord(Record record) {
        if (!record.hasKey()) {
            throw new IllegalStateException("A record of __consumer_offsets at offset " + record.offset()
                    + " has no key");
        }
        try {
            ByteBuffer key = record.key();
            short type = key.getShort();
            ByteBuffer value = record.hasValue() ? record.value() : null;
            if (type == LEGACY_OFFSET_COMMIT_KEY || type == OFFSET_COMMIT_KEY) {
                Struct struct = OFFSET_COMMIT_KEY_SCHEMA.read(key);
                String groupId = struct.getString("group");
                TopicPartition tp = new TopicPartition(struct.getString("topic"), struct.getInt("partition"));
                return Optional.of(value == null
                        ? new OffsetTombstone(groupId, tp)
                        : new OffsetCommit(groupId, tp, readOffsetCommitValue(value)));
            }
            if (type == GROUP_METADATA_KEY) {
                String groupId = GROUP_METADATA_KEY_SCHEMA.read(key).getString("group");
                return Optional.of(value == null
                        ? new GroupTombstone(groupId)
                        : new GroupMetadata(readGroupMetadataValue(groupId, value)));
            }
            return Optional.empty();
        } catch (SchemaException | BufferUnderflowException e) {
            throw new IllegalStateException("Cannot decode the record of __consumer_offsets at offset "
                    + record.offset() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] offsetCommitKey(String groupId, TopicPartition tp) {
        Struct struct = new Struct(OFFSET_COMMIT_KEY_SCHEMA)
                .set("group", groupId).set("topic", tp.topic()).set("partition", tp.partition());
        return serialize(OFFSET_COMMIT_KEY, struct);
    }

    private static byte[] groupMetadataKey(String groupId) {
        return serialize(GROUP_METADATA_KEY, new Struct(GROUP_METADATA_KEY_SCHEMA).set("group", groupId));
    }

    private static byte[] offsetCommitValue(CommittedOffset offset) {
        if (offset.hasExpireTimestamp()) {
            Struct struct = new Struct(OFFSET_COMMIT_VALUE_V1)
                    .set("offset", offset.offset()).set("metadata", offset.metadata())
                    .set("commit_timestamp", offset.commitTimestampMs())
                    .set("expire_timestamp", offset.expireTimestampMs());
            return serialize(OFFSET_COMMIT_VALUE_EXPIRING, struct);
        }
        Struct struct = new Struct(OFFSET_COMMIT_VALUE_V3)
                .set("offset", offset.offset()).set("leader_epoch", offset.leaderEpoch())
                .set("metadata", offset.metadata()).set("commit_timestamp", offset.commitTimestampMs());
        return serialize(OFFSET_COMMIT_VALUE_CURRENT, struct);
    }

    private static byte[] groupMetadataValue(StoredGroup group) {
        Struct struct = new Struct(GROUP_METADATA_VALUE_V3)
                .set("protocol_type", group.protocolType())
                .set("generation", group.generationId())
                .set("protocol", group.protocolName())
                .set("leader", group.leaderId())
                .set("current_state_timestamp", group.currentStateTimestampMs());
        List<Struct> members = new ArrayList<>(group.members().size());
        for (StoredMember member : group.members()) {
            members.add(struct.instance("members")
                    .set("member_id", member.memberId())
                    .set("group_instance_id", member.groupInstanceId())
                    .set("client_id", member.clientId())
                    .set("client_host", member.clientHost())
                    .set("rebalance_timeout", member.rebalanceTimeoutMs())
                    .set("session_timeout", member.sessionTimeoutMs())
                    .set("subscription", ByteBuffer.wrap(member.subscription()))
                    .set("assignment", ByteBuffer.wrap(member.assignment())));
        }
        struct.set("members", members.toArray());
        return serialize(GROUP_METADATA_VALUE_CURRENT, struct);
    }

    private static CommittedOffset readOffsetCommitValue(ByteBuffer value) {
        short version = value.getShort();
        if (version < 0 || version >= OFFSET_COMMIT_VALUES.length) {
            throw new SchemaException("Unknown OffsetCommitValue version " + version);
        }
        Struct struct = OFFSET_COMMIT_VALUES[version].read(value);
        int leaderEpoch = struct.hasField("leader_epoch") ? struct.getInt("leader_epoch") : CommittedOffset.NONE;
        long expire = struct.hasField("expire_timestamp") ? struct.getLong("expire_timestamp") : CommittedOffset.NONE;
        return new CommittedOffset(struct.getLong("offset"), leaderEpoch, struct.getString("metadata"),
                struct.getLong("commit_timestamp"), expire);
    }

    private static StoredGroup readGroupMetadataValue(String groupId, ByteBuffer value) {
        short version = value.getShort();
        if (version < 0 || version >= GROUP_METADATA_VALUES.length) {
            throw new SchemaException("Unknown GroupMetadataValue version " + version);
        }
        Struct struct = GROUP_METADATA_VALUES[version].read(value);
        List<StoredMember> members = new ArrayList<>();
        for (Object element : struct.getArray("members")) {
            Struct member = (Struct) element;
            int sessionTimeout = member.getInt("session_timeout");
            members.add(new StoredMember(
                    member.getString("member_id"),
                    member.hasField("group_instance_id") ? member.getString("group_instance_id") : null,
                    member.getString("client_id"),
                    member.getString("client_host"),
                    member.hasField("rebalance_timeout") ? member.getInt("rebalance_timeout") : sessionTimeout,
                    sessionTimeout,
                    bytes(member.getBytes("subscription")),
                    bytes(member.getBytes("assignment"))));
        }
        long stateTimestamp = struct.hasField("current_state_timestamp")
                ? struct.getLong("current_state_timestamp") : CommittedOffset.NONE;
        return new StoredGroup(groupId, struct.getString("protocol_type"), struct.getInt("generation"),
                struct.getString("protocol"), struct.getString("leader"), stateTimestamp, members);
    }

    private static byte[] serialize(short versionOrType, Struct struct) {
        ByteBuffer buffer = ByteBuffer.allocate(2 + struct.sizeOf());
        buffer.putShort(versionOrType);
        struct.writeTo(buffer);
        return buffer.array();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
