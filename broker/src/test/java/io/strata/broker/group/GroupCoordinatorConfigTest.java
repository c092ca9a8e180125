package io.strata.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.config.BrokerConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The group coordinator's broker configs: Kafka's names and defaults, and their validation. */
class GroupCoordinatorConfigTest {

    @Test
    void shouldUseKafkaDefaultsWhenNothingIsSet() {
        // when
        GroupCoordinatorConfig config = GroupCoordinatorConfig.from(broker(Map.of()));

        // then
        assertEquals(50, config.offsetsTopicNumPartitions());
        assertEquals(100 * 1024 * 1024, config.offsetsTopicSegmentBytes());
        assertEquals(7L * 24 * 60 * 60 * 1000, config.offsetsRetentionMs());
        assertEquals(600_000, config.offsetsRetentionCheckIntervalMs());
        assertEquals(4096, config.offsetMetadataMaxBytes());
        assertEquals(3000, config.initialRebalanceDelayMs());
        assertEquals(6000, config.minSessionTimeoutMs());
        assertEquals(1_800_000, config.maxSessionTimeoutMs());
        assertEquals(Integer.MAX_VALUE, config.maxSize());
        assertEquals((short) 3, broker(Map.of()).offsetsTopicReplicationFactor());
    }

    @Test
    void shouldPreferMillisecondsWhenBothRetentionsAreSet() {
        // when
        long minutes = GroupCoordinatorConfig.from(broker(Map.of("offsets.retention.minutes", "2"))).offsetsRetentionMs();
        long millis = GroupCoordinatorConfig.from(broker(Map.of("offsets.retention.minutes", "2",
                "offsets.retention.ms", "1500"))).offsetsRetentionMs();

        // then
        assertEquals(120_000, minutes);
        assertEquals(1500, millis);
    }

    @Test
    void shouldRefuseStartWhenSessionTimeoutBoundsAreInverted() {
        // when / then
        ConfigException failure = assertThrows(ConfigException.class, () -> broker(Map.of(
                "group.min.session.timeout.ms", "10000", "group.max.session.timeout.ms", "5000")));
        assertTrue(failure.getMessage().contains("group.max.session.timeout.ms"), failure.getMessage());
        assertThrows(ConfigException.class, () -> broker(Map.of("offsets.topic.num.partitions", "0")));
        assertThrows(ConfigException.class, () -> broker(Map.of("group.max.size", "0")));
    }

    private static BrokerConfig broker(Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(overrides);
        properties.put("listeners", "PLAINTEXT://localhost:9092");
        return BrokerConfig.fromProperties(properties);
    }
}
