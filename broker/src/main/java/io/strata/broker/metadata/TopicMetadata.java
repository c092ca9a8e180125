package io.strata.broker.metadata;

import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A topic as the broker knows it: its stable id, partition count and the config overrides set on
 * it (only the keys a user set; defaults come from the broker config).
 */
public record TopicMetadata(String name, Uuid topicId, int partitions, Map<String, String> configs) {

    public TopicMetadata {
        configs = Map.copyOf(configs);
    }

    public TopicMetadata withPartitions(int newPartitions) {
        return new TopicMetadata(name, topicId, newPartitions, configs);
    }

    public TopicMetadata withConfigs(Map<String, String> newConfigs) {
        return new TopicMetadata(name, topicId, partitions, newConfigs);
    }
}
