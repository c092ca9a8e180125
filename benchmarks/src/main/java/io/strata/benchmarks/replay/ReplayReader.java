package io.strata.benchmarks.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads offsets {@code [0, end)} of every partition of a topic with one {@link KafkaConsumer} in
 * assign mode ({@code assign} + {@code seekToBeginning}, no group), with the client's default fetch
 * settings unless overridden, and times it from the first {@code poll} to the last record.
 *
 * <p>This class is stateless and thread-safe; each call uses its own consumer.
 */
final class ReplayReader {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private ReplayReader() {
    }

    /**
     * Reads and measures; fails if no record arrives for 60 s or an offset is skipped.
     *
     * @param endOffsets per partition, the first offset not read
     */
    static ReplayRead read(String bootstrap, String topic, Map<Integer, Long> endOffsets, Map<String, String> overrides,
                           int round, ReplayRead.Kind kind) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "replay-" + kind.name().toLowerCase() + "-" + round);
        props.putAll(overrides);
        List<TopicPartition> partitions = new ArrayList<>();
        Map<TopicPartition, Long> next = new HashMap<>();
        for (Map.Entry<Integer, Long> e : endOffsets.entrySet()) {
            TopicPartition tp = new TopicPartition(topic, e.getKey());
            partitions.add(tp);
            next.put(tp, 0L);
        }
        long records = 0;
        long bytes = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int remaining = partitions.size();
            long start = System.nanoTime();
            long lastRecord = start;
            while (remaining > 0) {
                boolean any = false;
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    long end = endOffsets.get(record.partition());
                    long expected = next.get(tp);
                    if (expected >= end) {
                        continue;
                    }
                    if (record.offset() != expected) {
                        throw new IllegalStateException(tp + ": expected offset " + expected + ", got " + record.offset());
                    }
                    any = true;
                    records++;
                    bytes += Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize());
                    next.put(tp, expected + 1);
                    if (expected + 1 == end) {
                        remaining--;
                        consumer.pause(List.of(tp));
                    }
                }
                long now = System.nanoTime();
                if (any) {
                    lastRecord = now;
                } else if (now - lastRecord > IDLE_TIMEOUT.toNanos()) {
                    throw new IllegalStateException("No record of " + topic + " for " + IDLE_TIMEOUT + "; positions "
                            + next + ", ends " + endOffsets);
                }
            }
            long nanos = lastRecord - start;
            return new ReplayRead(round, kind, records, bytes, nanos, RemoteCounters.zero(),
                    metric(consumer, "fetch-latency-avg"), metric(consumer, "fetch-size-avg"));
        }
    }

    private static double metric(KafkaConsumer<?, ?> consumer, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("consumer-fetch-manager-metrics")
                    && !e.getKey().tags().containsKey("topic")) {
                Object value = e.getValue().metricValue();
                return value instanceof Number n ? n.doubleValue() : Double.NaN;
            }
        }
        return Double.NaN;
    }
}
