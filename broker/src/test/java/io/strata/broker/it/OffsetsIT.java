package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.SharedBroker;
import io.strata.broker.testing.Poll;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ListOffsets, offsetsForTimes, seeks into sealed segments, DeleteRecords and LogAppendTime with real clients. */
class OffsetsIT {

    /** Timestamp of each of the ten records of a timestamped topic; offset 7 carries the maximum. */
    private static final long[] TIMESTAMPS = {1000, 2000, 3000, 4000, 5000, 6000, 7000, 50_000, 9000, 10_000};

    @RegisterExtension
    static final SharedBroker SHARED = new SharedBroker();
    static EmbeddedBroker broker;
    static Admin admin;

    @Test
    void shouldReturnBeginningEndAndFirstOffsetAtOrAfterTimestampWhenConsumerListsOffsets() throws Exception {
        // given
        TopicPartition tp = timestampedTopic("consumer-times");

        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            // when
            long beginning = consumer.beginningOffsets(List.of(tp)).get(tp);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            OffsetAndTimestamp middle = consumer.offsetsForTimes(Map.of(tp, 2500L)).get(tp);
            OffsetAndTimestamp exact = consumer.offsetsForTimes(Map.of(tp, 4000L)).get(tp);
            OffsetAndTimestamp outOfOrder = consumer.offsetsForTimes(Map.of(tp, 20_000L)).get(tp);
            OffsetAndTimestamp beyond = consumer.offsetsForTimes(Map.of(tp, 60_000L)).get(tp);

            // then
            assertEquals(0, beginning);
            assertEquals(TIMESTAMPS.length, end);
            assertEquals(new OffsetAndTimestamp(2, 3000, Optional.of(0)), middle,
                    "first offset with timestamp >= 2500");
            assertEquals(new OffsetAndTimestamp(3, 4000, Optional.of(0)), exact);
            assertEquals(new OffsetAndTimestamp(7, 50_000, Optional.of(0)), outOfOrder,
                    "the first, not the closest, at or after");
            assertNull(beyond, "no record at or after a timestamp beyond the last");
        }
    }

    @Test
    void shouldAnswerEveryOffsetSpecWhenAdminListsOffsets() throws Exception {
        // given
        TopicPartition tp = timestampedTopic("admin-times");

        // when
        ListOffsetsResultInfo earliest = listOffsets(tp, OffsetSpec.earliest());
        ListOffsetsResultInfo latest = listOffsets(tp, OffsetSpec.latest());
        ListOffsetsResultInfo maxTimestamp = listOffsets(tp, OffsetSpec.maxTimestamp());
        ListOffsetsResultInfo forTimestamp = listOffsets(tp, OffsetSpec.forTimestamp(5500));
        ListOffsetsResultInfo beyond = listOffsets(tp, OffsetSpec.forTimestamp(60_000));

        // then
        assertEquals(0, earliest.offset());
        assertEquals(TIMESTAMPS.length, latest.offset());
        assertEquals(7, maxTimestamp.offset());
        assertEquals(50_000, maxTimestamp.timestamp());
        assertEquals(5, forTimestamp.offset());
        assertEquals(6000, forTimestamp.timestamp());
        assertEquals(-1, beyond.offset(), "Kafka answers UNKNOWN_OFFSET for a timestamp beyond the last");
    }

    @Test
    void shouldReturnExactlyTheSoughtOffsetFirstWhenSeekingIntoTheMiddleOfABatchOfASealedSegment() throws Exception {
        // given: 5000 records over many 16 KiB segments, in batches of many records
        String topic = "segmented";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                .configs(Map.of("internal.segment.bytes", "16384")))).all().get();
        TopicPartition tp = new TopicPartition(topic, 0);
        int count = 5000;
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 50, ProducerConfig.BATCH_SIZE_CONFIG, 4096))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, null, value(i)));
            }
            producer.flush();
        }
        long target = offsetInsideABatchOfASealedSegment(broker.logDir().resolve(topic + "-0"));

        // when
        List<ConsumerRecord<byte[], byte[]>> records;
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, target);
            records = EmbeddedBroker.pollUntil(consumer, tp, count - (int) target);
        }

        // then: exactly the sought offset first, then every later record in order
        assertEquals(target, records.get(0).offset());
        for (int n = 0; n < records.size(); n++) {
            long offset = target + n;
            assertEquals(offset, records.get(n).offset());
            assertEquals(new String(value((int) offset), StandardCharsets.UTF_8),
                    new String(records.get(n).value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void shouldRaiseLogStartOffsetAndResetBelowItWhenRecordsAreDeleted() throws Exception {
        // given
        String topic = "delete-records";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20))) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, null, value(i)));
            }
            producer.flush();
        }

        // when
        long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(40)))
                .lowWatermarks().get(tp).get().lowWatermark();

        // then: the beginning moved, and a seek below it resets per auto.offset.reset
        assertEquals(40, lowWatermark);
        assertEquals(40, listOffsets(tp, OffsetSpec.earliest()).offset());
        try (KafkaConsumer<byte[], byte[]> earliest = broker.consumer(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"))) {
            assertEquals(40L, earliest.beginningOffsets(List.of(tp)).get(tp));
            earliest.assign(List.of(tp));
            earliest.seek(tp, 10);
            List<ConsumerRecord<byte[], byte[]>> records = EmbeddedBroker.pollUntil(earliest, tp, 60);
            assertEquals(40, records.get(0).offset(), "reset to the new log start offset");
            assertEquals("value-40", new String(records.get(0).value(), StandardCharsets.UTF_8));
        }
        try (KafkaConsumer<byte[], byte[]> latest = broker.consumer(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"))) {
            latest.assign(List.of(tp));
            latest.seek(tp, 10);
            Poll.until(Duration.ofSeconds(15), "reset to the log end offset", () -> {
                latest.poll(Duration.ofMillis(50));
                return latest.position(tp) == 100;
            });
            try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
                producer.send(new ProducerRecord<>(topic, null, value(100))).get();
            }
            assertEquals(100, EmbeddedBroker.pollUntil(latest, tp, 1).get(0).offset());
        }
    }

    @Test
    void shouldStampBrokerTimeWhenTopicUsesLogAppendTime() throws Exception {
        // given
        String topic = "log-append-time";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get();
        TopicPartition tp = new TopicPartition(topic, 0);
        long before = System.currentTimeMillis();

        // when: the producer asks for a timestamp of long ago
        RecordMetadata metadata;
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            metadata = producer.send(new ProducerRecord<>(topic, 0, 12_345L, null, value(0))).get();
        }
        long after = System.currentTimeMillis();

        // then: the broker's clock wins, in the ack and in the log
        assertTrue(metadata.timestamp() >= before && metadata.timestamp() <= after, "ack: " + metadata.timestamp());
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 0);
            ConsumerRecord<byte[], byte[]> record = EmbeddedBroker.pollUntil(consumer, tp, 1).get(0);
            assertEquals(TimestampType.LOG_APPEND_TIME, record.timestampType());
            assertEquals(metadata.timestamp(), record.timestamp());
        }
    }

    private static TopicPartition timestampedTopic(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20))) {
            for (int i = 0; i < TIMESTAMPS.length; i++) {
                producer.send(new ProducerRecord<>(topic, 0, TIMESTAMPS[i], null, value(i)));
            }
            producer.flush();
        }
        return new TopicPartition(topic, 0);
    }

    private static ListOffsetsResultInfo listOffsets(TopicPartition tp, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get();
    }

    /** An offset strictly inside a multi-record batch of a sealed (not the last) segment of the partition. */
    private static long offsetInsideABatchOfASealedSegment(Path partitionDir) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(partitionDir)) {
            segments = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        assertTrue(segments.size() >= 4, "several segments: " + segments);
        Path sealed = segments.get(segments.size() / 2);
        try (FileRecords records = FileRecords.open(sealed.toFile(), false)) {
            List<RecordBatch> batches = new ArrayList<>();
            records.batches().forEach(batches::add);
            for (int n = batches.size() / 2; n < batches.size(); n++) {
                RecordBatch batch = batches.get(n);
                if (batch.lastOffset() - batch.baseOffset() >= 2) {
                    return batch.baseOffset() + (batch.lastOffset() - batch.baseOffset()) / 2;
                }
            }
        }
        throw new AssertionError("no batch of three or more records in " + sealed);
    }

    private static byte[] value(int i) {
        return ("value-" + i).getBytes(StandardCharsets.UTF_8);
    }
}
