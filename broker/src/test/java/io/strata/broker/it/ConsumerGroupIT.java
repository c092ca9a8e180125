package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.SharedBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Consumer groups with the real Java consumer (classic protocol, subscribe mode): partitions split
 * between members, every record consumed once across a member leaving, static members rejoining
 * without a rebalance.
 */
class ConsumerGroupIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final SharedBroker SHARED = new SharedBroker(Map.of(
            "group.initial.rebalance.delay.ms", "0",
            "group.min.session.timeout.ms", "500"));
    static EmbeddedBroker broker;
    static Admin admin;

    @Test
    void shouldSplitPartitionsAndConsumeEveryRecordOnceWhenTwoConsumersSubscribe() throws Exception {
        // given: a 6-partition topic and two members of one group, both assigned
        String topic = "split";
        admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        try (KafkaConsumer<byte[], byte[]> first = groupConsumer("split-group", Map.of());
             KafkaConsumer<byte[], byte[]> second = groupConsumer("split-group", Map.of())) {
            first.subscribe(List.of(topic));
            second.subscribe(List.of(topic));
            Map<TopicPartition, Set<Long>> consumed = new HashMap<>();
            pollBoth(first, second, consumed, () -> first.assignment().size() + second.assignment().size() == 6
                    && !first.assignment().isEmpty() && !second.assignment().isEmpty());

            // when: 600 records are produced and both members consume, committing after each poll
            produce(topic, 6, 100);
            pollBoth(first, second, consumed, () -> count(consumed) >= 600);

            // then: the partitions are split three and three, and every record came exactly once
            assertEquals(3, first.assignment().size(), "first member's share: " + first.assignment());
            assertEquals(3, second.assignment().size(), "second member's share: " + second.assignment());
            Set<TopicPartition> overlap = new HashSet<>(first.assignment());
            overlap.retainAll(second.assignment());
            assertTrue(overlap.isEmpty(), "no partition assigned twice: " + overlap);
            assertEquals(600, count(consumed));
            for (int partition = 0; partition < 6; partition++) {
                assertEquals(100, consumed.get(new TopicPartition(topic, partition)).size(),
                        "records of partition " + partition);
            }
        }
    }

    @Test
    void shouldHandOverAllPartitionsWhenOneConsumerCloses() throws Exception {
        // given: two members that consumed and committed the first half
        String topic = "handover";
        admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        Map<TopicPartition, Set<Long>> consumed = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> survivor = groupConsumer("handover-group", Map.of())) {
            survivor.subscribe(List.of(topic));
            try (KafkaConsumer<byte[], byte[]> leaving = groupConsumer("handover-group", Map.of())) {
                leaving.subscribe(List.of(topic));
                pollBoth(survivor, leaving, consumed, () -> survivor.assignment().size() == 3
                        && leaving.assignment().size() == 3);
                produce(topic, 6, 50);
                pollBoth(survivor, leaving, consumed, () -> count(consumed) >= 300);
            }

            // when: one member closes (it leaves the group) and more records arrive
            produce(topic, 6, 50);
            pollBoth(survivor, null, consumed, () -> survivor.assignment().size() == 6 && count(consumed) >= 600);

            // then: the survivor owns all six partitions and nothing was consumed twice or skipped
            assertEquals(6, survivor.assignment().size());
            assertEquals(600, count(consumed));
            for (int partition = 0; partition < 6; partition++) {
                assertEquals(100, consumed.get(new TopicPartition(topic, partition)).size());
            }
        }
    }

    @Test
    void shouldKeepAssignmentWithoutRebalanceWhenStaticMemberRejoins() throws Exception {
        // given: two static members sharing a topic
        String topic = "static";
        admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        List<String> rebalances = new ArrayList<>();
        Map<TopicPartition, Set<Long>> consumed = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> stays = groupConsumer("static-group",
                Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "stays",
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000))) {
            stays.subscribe(List.of(topic), recording(rebalances));
            KafkaConsumer<byte[], byte[]> restarting = groupConsumer("static-group",
                    Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "restarting",
                            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000));
            restarting.subscribe(List.of(topic));
            pollBoth(stays, restarting, consumed, () -> stays.assignment().size() == 2
                    && restarting.assignment().size() == 2);
            Set<TopicPartition> before = Set.copyOf(restarting.assignment());
            restarting.close();
            rebalances.clear();

            // when: the static member comes back with the same instance id
            try (KafkaConsumer<byte[], byte[]> back = groupConsumer("static-group",
                    Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "restarting",
                            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000))) {
                back.subscribe(List.of(topic));
                pollBoth(stays, back, consumed, () -> back.assignment().size() == 2);

                // then: it has its partitions back and the other member saw no rebalance
                assertEquals(before, back.assignment());
                for (int i = 0; i < 10; i++) {
                    stays.poll(Duration.ofMillis(50));
                }
                assertEquals(List.of(), rebalances, "the other static member kept its partitions");
            }
        }
    }

    private static ConsumerRebalanceListener recording(List<String> events) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    events.add("revoked " + partitions);
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    events.add("assigned " + partitions);
                }
            }
        };
    }

    /** Polls both consumers in turn, committing what each consumed, until {@code done} holds. */
    private static void pollBoth(KafkaConsumer<byte[], byte[]> first, KafkaConsumer<byte[], byte[]> second,
                                 Map<TopicPartition, Set<Long>> consumed, BooleanSupplier done) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out: first " + first.assignment()
                        + (second == null ? "" : ", second " + second.assignment()) + ", consumed " + count(consumed));
            }
            consume(first, consumed);
            if (second != null) {
                consume(second, consumed);
            }
        }
    }

    private static void consume(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Set<Long>> consumed) {
        boolean any = false;
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
            boolean added = consumed.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
                    tp -> new HashSet<>()).add(record.offset());
            assertTrue(added, "consumed twice: " + record.topic() + "-" + record.partition() + "@" + record.offset());
            any = true;
        }
        if (any) {
            consumer.commitSync();
        }
    }

    private static int count(Map<TopicPartition, Set<Long>> consumed) {
        return consumed.values().stream().mapToInt(Set::size).sum();
    }

    private static void produce(String topic, int partitions, int perPartition) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            for (int partition = 0; partition < partitions; partition++) {
                for (int i = 0; i < perPartition; i++) {
                    producer.send(new ProducerRecord<>(topic, partition, null,
                            ("v" + partition + "-" + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
    }

    static KafkaConsumer<byte[], byte[]> groupConsumer(String group, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        props.putAll(extra);
        return broker.consumer(props);
    }
}
