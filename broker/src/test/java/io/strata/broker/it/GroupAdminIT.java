package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.SharedBroker;
import io.strata.broker.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.internals.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/**
 * The Admin client's group operations (list, describe, list/alter/delete offsets, delete groups,
 * remove members) with Kafka's errors, and the rules of the internal {@code __consumer_offsets} topic.
 */
class GroupAdminIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final SharedBroker SHARED = new SharedBroker(Map.of("group.initial.rebalance.delay.ms", "0"));
    static EmbeddedBroker broker;
    static Admin admin;

    @Test
    void shouldListDescribeAlterAndDeleteWhenGroupGoesFromActiveToEmpty() throws Exception {
        // given: a member that consumed and committed 10 records of each of two partitions
        String topic = "admin-topic";
        String group = "admin-group";
        TopicPartition tp0 = new TopicPartition(topic, 0);
        TopicPartition tp1 = new TopicPartition(topic, 1);
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        produce(topic, 2, 10);
        KafkaConsumer<byte[], byte[]> consumer = groupConsumer(group, Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "admin-it"));
        consumer.subscribe(List.of(topic));
        int consumed = 0;
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (consumed < 20 && System.nanoTime() < deadline) {
            consumed += consumer.poll(Duration.ofMillis(100)).count();
        }
        assertEquals(20, consumed);
        consumer.commitSync();

        // when / then: while the member is active
        Map<String, ConsumerGroupListing> listed = listConsumerGroups();
        assertTrue(listed.containsKey(group), "listed: " + listed);
        assertEquals(GroupState.STABLE, listed.get(group).groupState().orElseThrow());
        ConsumerGroupDescription active = describe(group);
        assertEquals(GroupState.STABLE, active.groupState());
        assertEquals("range", active.partitionAssignor());
        assertFalse(active.isSimpleConsumerGroup());
        assertEquals(1, active.members().size());
        assertEquals("admin-it", active.members().iterator().next().clientId());
        assertEquals(Set.of(tp0, tp1), active.members().iterator().next().assignment().topicPartitions());
        assertEquals(Map.of(tp0, 10L, tp1, 10L), offsets(group));
        assertCause(GroupNotEmptyException.class, () -> admin.deleteConsumerGroups(List.of(group)).all().get());
        assertCause(GroupSubscribedToTopicException.class,
                () -> admin.deleteConsumerGroupOffsets(group, Set.of(tp0)).all().get());
        assertCause(UnknownMemberIdException.class,
                () -> admin.alterConsumerGroupOffsets(group, Map.of(tp0, new OffsetAndMetadata(3))).all().get());

        // when / then: once the member left
        consumer.close();
        Poll.until(TIMEOUT, "the group to be empty", () -> describe(group).groupState() == GroupState.EMPTY);
        assertTrue(describe(group).members().isEmpty());
        admin.alterConsumerGroupOffsets(group, Map.of(tp0, new OffsetAndMetadata(3, "meta"))).all().get();
        admin.deleteConsumerGroupOffsets(group, Set.of(tp1)).all().get();
        Map<TopicPartition, OffsetAndMetadata> remaining =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        assertEquals(Set.of(tp0), remaining.keySet());
        assertEquals(3, remaining.get(tp0).offset());
        assertEquals("meta", remaining.get(tp0).metadata());
        admin.deleteConsumerGroups(List.of(group)).all().get();
        assertFalse(listConsumerGroups().containsKey(group));
        assertTrue(offsets(group).isEmpty());
        assertCause(GroupIdNotFoundException.class, () -> admin.deleteConsumerGroups(List.of(group)).all().get());
    }

    @Test
    void shouldListSimpleGroupWhenOnlyOffsetsWereCommittedForIt() throws Exception {
        // given
        String topic = "simple-topic";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition(topic, 0);

        // when: offsets are set for a group that never had members
        admin.alterConsumerGroupOffsets("simple-group", Map.of(tp, new OffsetAndMetadata(42))).all().get();

        // then
        ConsumerGroupListing listing = listConsumerGroups().get("simple-group");
        assertTrue(listing != null && listing.isSimpleConsumerGroup(), "listed as simple: " + listing);
        assertEquals(GroupState.EMPTY, listing.groupState().orElseThrow());
        assertEquals(Map.of(tp, 42L), offsets("simple-group"));
        assertTrue(describe("simple-group").isSimpleConsumerGroup());
    }

    @Test
    void shouldRemoveStaticMemberWhenAdminRemovesItByInstanceId() throws Exception {
        // given: a static member
        String topic = "remove-topic";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer("remove-group",
                Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-1"))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100));
            }
            assertEquals(1, describe("remove-group").members().size());

            // when
            admin.removeMembersFromConsumerGroup("remove-group", new RemoveMembersFromConsumerGroupOptions(
                    List.of(new MemberToRemove("instance-1")))).all().get();

            // then
            Poll.until(TIMEOUT, "the member to be gone", () -> describe("remove-group").members().isEmpty());
        }
    }

    @Test
    void shouldProtectInternalTopicWhenClientsCreateDeleteTrimOrProduceToIt() throws Exception {
        // given: the coordinator created __consumer_offsets for a first commit
        admin.createTopics(List.of(new NewTopic("internal-check", 1, (short) 1))).all().get();
        admin.alterConsumerGroupOffsets("internal-check",
                Map.of(new TopicPartition("internal-check", 0), new OffsetAndMetadata(0))).all().get();
        String internal = Topic.GROUP_METADATA_TOPIC_NAME;
        assertTrue(listTopics(true).contains(internal));

        // when / then: it is marked internal and hidden from the default listing
        TopicDescription description = admin.describeTopics(List.of(internal)).allTopicNames().get().get(internal);
        assertTrue(description.isInternal());
        assertEquals(50, description.partitions().size());
        assertFalse(listTopics(false).contains(internal));
        assertCause(InvalidRequestException.class,
                () -> admin.createTopics(List.of(new NewTopic(internal, 1, (short) 1))).all().get());
        assertCause(InvalidRequestException.class, () -> admin.deleteTopics(List.of(internal)).all().get());
        assertCause(InvalidTopicException.class, () -> admin.deleteRecords(
                Map.of(new TopicPartition(internal, 0), RecordsToDelete.beforeOffset(0))).all().get());
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of("retries", 0))) {
            assertCause(InvalidTopicException.class, () -> producer.send(new ProducerRecord<>(internal, 0, null,
                    "x".getBytes(StandardCharsets.UTF_8))).get());
        }
    }

    private static Set<String> listTopics(boolean internal) {
        try {
            return admin.listTopics(new ListTopicsOptions().listInternal(internal)).names().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, ConsumerGroupListing> listConsumerGroups() throws Exception {
        return admin.listConsumerGroups().all().get().stream()
                .collect(Collectors.toMap(ConsumerGroupListing::groupId, listing -> listing));
    }

    private static ConsumerGroupDescription describe(String group) {
        try {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<TopicPartition, Long> offsets(String group) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .forEach((tp, offset) -> offsets.put(tp, offset.offset()));
        return offsets;
    }

    private static void assertCause(Class<? extends Throwable> expected, Executable call) {
        ExecutionException failure = assertThrows(ExecutionException.class, call);
        assertInstanceOf(expected, failure.getCause(), failure.toString());
    }

    private static void produce(String topic, int partitions, int perPartition) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            for (int partition = 0; partition < partitions; partition++) {
                for (int i = 0; i < perPartition; i++) {
                    producer.send(new ProducerRecord<>(topic, partition, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
    }

    private static KafkaConsumer<byte[], byte[]> groupConsumer(String group, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(extra);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        return broker.consumer(props);
    }
}
