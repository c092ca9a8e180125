package io.strata.broker.group;

import io.strata.broker.group.OffsetsTopicRecords.Entry;
import io.strata.broker.group.OffsetsTopicRecords.GroupMetadata;
import io.strata.broker.group.OffsetsTopicRecords.GroupTombstone;
import io.strata.broker.group.OffsetsTopicRecords.OffsetCommit;
import io.strata.broker.group.OffsetsTopicRecords.OffsetTombstone;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The live content of one {@code __consumer_offsets} partition: per group, its committed offsets
 * and its last metadata record. It is what replaying the partition's log yields (the last record of
 * a key wins, a tombstone removes it), and so also exactly what a rewrite of the log must contain.
 *
 * <p>This class is not thread-safe: the loader fills it on a storage thread, then hands it over to
 * the {@code group-coordinator} thread, which alone uses it afterwards.
 */
final class PartitionState {

    private final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new HashMap<>();
    private final Map<String, StoredGroup> groups = new HashMap<>();

    /** Replays one record. */
    void apply(Entry entry) {
        if (entry instanceof OffsetCommit commit) {
            offsets.computeIfAbsent(commit.groupId(), group -> new HashMap<>())
                    .put(commit.topicPartition(), commit.offset());
        } else if (entry instanceof OffsetTombstone tombstone) {
            Map<TopicPartition, CommittedOffset> groupOffsets = offsets.get(tombstone.groupId());
            if (groupOffsets != null) {
                groupOffsets.remove(tombstone.topicPartition());
                if (groupOffsets.isEmpty()) {
                    offsets.remove(tombstone.groupId());
                }
            }
        } else if (entry instanceof GroupMetadata metadata) {
            groups.put(metadata.groupId(), metadata.group());
        } else if (entry instanceof GroupTombstone tombstone) {
            groups.remove(tombstone.groupId());
        }
    }

    /** The committed offsets of {@code groupId} (empty when it has none); a read-only view. */
    Map<TopicPartition, CommittedOffset> offsets(String groupId) {
        Map<TopicPartition, CommittedOffset> groupOffsets = offsets.get(groupId);
        return groupOffsets == null ? Map.of() : Collections.unmodifiableMap(groupOffsets);
    }

    /** The groups that have committed offsets or a metadata record. */
    Set<String> groupIds() {
        Set<String> ids = new HashSet<>(offsets.keySet());
        ids.addAll(groups.keySet());
        return ids;
    }

    /** The last metadata record of {@code groupId}, or null. */
    StoredGroup storedGroup(String groupId) {
        return groups.get(groupId);
    }

    /** Every live record: each group's metadata, then its offsets. */
    List<Entry> liveEntries() {
        List<Entry> entries = new ArrayList<>();
        for (String groupId : groupIds()) {
            StoredGroup group = groups.get(groupId);
            if (group != null) {
                entries.add(new GroupMetadata(group));
            }
            offsets(groupId).forEach((tp, offset) -> entries.add(new OffsetCommit(groupId, tp, offset)));
        }
        return entries;
    }
}
