package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery of a log dir without the clean shutdown marker: a corrupt or torn tail of the active
 * segment is truncated to the last intact batch, and missing indexes are rebuilt.
 */
class CorruptTailIT {

    private static final String TOPIC = "tail";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int BATCHES = 40;
    private static final int RECORDS_PER_BATCH = 5;

    @TempDir
    Path dir;
    EmbeddedBroker broker;

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldTruncateToLastIntactBatchWhenTailOfActiveSegmentIsGarbage() throws Exception {
        // given
        produceAndStop(Map.of());
        Path segment = activeSegment();
        FileChannelRecordBatch last = lastBatch(segment);
        assertTrue(last.sizeInBytes() > 100, "the garbage stays inside the last batch");
        byte[] garbage = new byte[100];
        new Random(7).nextBytes(garbage);
        long size = Files.size(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(garbage), size - garbage.length);
        }

        // when / then
        assertRecoveredTo(segment, last);
    }

    @Test
    void shouldTruncateToLastIntactBatchWhenLastBatchIsTorn() throws Exception {
        // given
        produceAndStop(Map.of());
        Path segment = activeSegment();
        FileChannelRecordBatch last = lastBatch(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(last.position() + last.sizeInBytes() / 2);
        }

        // when / then
        assertRecoveredTo(segment, last);
    }

    @Test
    void shouldRebuildIndexesWhenIndexFilesAreDeleted() throws Exception {
        // given: several small segments, then every offset and time index deleted
        produceAndStop(Map.of("internal.segment.bytes", "4096", "index.interval.bytes", "256"));
        Path partitionDir = broker.logDir().resolve(TOPIC + "-0");
        List<Path> indexes;
        try (Stream<Path> files = Files.list(partitionDir)) {
            indexes = files.filter(f -> f.toString().endsWith(".index") || f.toString().endsWith(".timeindex"))
                    .toList();
        }
        assertTrue(indexes.size() >= 6, "several segments with indexes: " + indexes);
        for (Path index : indexes) {
            Files.delete(index);
        }
        Files.deleteIfExists(broker.logDir().resolve(".kafka_cleanshutdown"));

        // when
        broker = EmbeddedBroker.start(dir);

        // then: the indexes are back and a fetch from the middle of a segment returns the right records
        long logEndOffset = logEndOffset();
        assertEquals(BATCHES * RECORDS_PER_BATCH, logEndOffset);
        for (Path index : indexes) {
            assertTrue(Files.exists(index), "rebuilt " + index);
        }
        for (long from : new long[] {logEndOffset / 2 + 1, logEndOffset / 3, logEndOffset - 2}) {
            List<ConsumerRecord<byte[], byte[]>> records = broker.consume(TP, from, (int) (logEndOffset - from));
            for (ConsumerRecord<byte[], byte[]> r : records) {
                assertArrayEquals(value((int) r.offset()), r.value(), "value at " + r.offset());
            }
            assertEquals(from, records.get(0).offset(), "seek to " + from);
        }
    }

    private void produceAndStop(Map<String, String> topicConfigs) throws Exception {
        broker = EmbeddedBroker.start(dir);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(topicConfigs))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.LINGER_MS_CONFIG, 1000, ProducerConfig.BATCH_SIZE_CONFIG, 1_000_000))) {
            int i = 0;
            for (int b = 0; b < BATCHES; b++) {
                for (int r = 0; r < RECORDS_PER_BATCH; r++, i++) {
                    producer.send(new ProducerRecord<>(TOPIC, 0, key(i), value(i)));
                }
                producer.flush();
            }
        }
        broker.close();
        assertTrue(Files.exists(broker.logDir().resolve(".kafka_cleanshutdown")), "clean shutdown marker");
    }

    private void assertRecoveredTo(Path segment, FileChannelRecordBatch lastBatch) throws Exception {
        byte[] intactPrefix = Arrays.copyOf(Files.readAllBytes(segment), lastBatch.position());
        Files.delete(broker.logDir().resolve(".kafka_cleanshutdown"));

        // when
        broker = EmbeddedBroker.start(dir);

        // then: the log ends where the last batch began, everything before it is unchanged
        long expectedEnd = lastBatch.baseOffset();
        assertEquals(expectedEnd, logEndOffset(), "log end offset after recovery");
        byte[] recovered = Files.readAllBytes(segment);
        assertEquals(intactPrefix.length, recovered.length, "the segment is truncated to the intact batches");
        assertArrayEquals(intactPrefix, recovered, "the intact batches are byte-identical");
        List<ConsumerRecord<byte[], byte[]>> records = broker.consume(TP, 0, (int) expectedEnd);
        for (int i = 0; i < records.size(); i++) {
            assertEquals(i, records.get(i).offset());
            assertArrayEquals(key(i), records.get(i).key());
            assertArrayEquals(value(i), records.get(i).value());
        }
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of())) {
            long offset = producer.send(new ProducerRecord<>(TOPIC, 0, key(-1), value(-1))).get().offset();
            assertEquals(expectedEnd, offset, "new produces continue at the recovered log end");
        }
        List<ConsumerRecord<byte[], byte[]>> tail = broker.consume(TP, expectedEnd, 1);
        assertArrayEquals(value(-1), tail.get(0).value());
    }

    private Path activeSegment() throws IOException {
        try (Stream<Path> files = Files.list(broker.logDir().resolve(TOPIC + "-0"))) {
            List<Path> segments = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
            assertEquals(1, segments.size(), "one segment: " + segments);
            return segments.get(0);
        }
    }

    private static FileChannelRecordBatch lastBatch(Path segment) throws IOException {
        try (FileRecords records = FileRecords.open(segment.toFile(), false)) {
            FileChannelRecordBatch last = null;
            int count = 0;
            for (FileChannelRecordBatch batch : records.batches()) {
                last = batch;
                count++;
            }
            assertTrue(count >= 2, "several batches in the segment: " + count);
            assertNotNull(last);
            return last;
        }
    }

    private long logEndOffset() throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.listOffsets(Map.of(TP, OffsetSpec.latest())).partitionResult(TP).get().offset();
        }
    }

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i) {
        return ("value-" + i + "-" + "c".repeat(40)).getBytes(StandardCharsets.UTF_8);
    }
}
