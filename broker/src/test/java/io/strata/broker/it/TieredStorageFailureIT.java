package io.strata.broker.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.broker.testing.EmbeddedBroker;
import io.strata.broker.testing.Poll;
import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteFileType;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.metadata.RemoteSegmentMetadataCodec;
import io.strata.tiering.store.EmbeddedS3Server;
import io.strata.tiering.store.ObjectStore;
import io.strata.tiering.store.ObjectStoreException;
import io.strata.tiering.store.S3ObjectStore;
import io.strata.tiering.store.S3ObjectStoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiered storage when things go wrong, seen through the real Kafka clients: the object store going
 * away and coming back, a corrupted object in the bucket, remote retention and DeleteRecords
 * reaching into the remote tier. One broker whose sealed 1 MiB segments go to a real S3 API over
 * HTTP (S3Proxy in-process, configured as an external endpoint), no local retention; every test has
 * its own single-partition topic, so the tests are independent of each other and of their order.
 *
 * <pre>
 *  partition:  [ remote: S0 ][ S1 ][ S2 ] ... [ local: active ]
 *  outage:       store down -> produce goes on, nothing uploaded, nothing deleted locally, reads wait
 *  corruption:   S0.log altered in the bucket -> never served, S1 still is; restored -> served again
 *  retention:    retention.bytes over both tiers -> oldest remote segments and all their objects go
 *  trim:         DeleteRecords inside S2 -> S0, S1 deleted, consumers start inside S2
 * </pre>
 */
class TieredStorageFailureIT {

    private static final String BUCKET = "tiered-failure-it";
    private static final String ACCESS_KEY = "it-access";
    private static final String SECRET_KEY = "it-secret";
    private static final int SEGMENT_BYTES = 1024 * 1024;
    /** About 100 records a segment. */
    private static final int VALUE_BYTES = 10 * 1024;
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    private static volatile EmbeddedS3Server s3;
    private static ObjectStore bucket;
    private static EmbeddedBroker broker;
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    private static ObjectName remoteStorage;

    @BeforeAll
    static void startBroker() throws Exception {
        s3 = EmbeddedS3Server.start(dir.resolve("s3"), ACCESS_KEY, SECRET_KEY);
        bucket = S3ObjectStore.create(S3ObjectStoreConfig.forEndpoint(s3.endpoint(), BUCKET, ACCESS_KEY, SECRET_KEY));
        Map<String, String> overrides = new HashMap<>();
        overrides.put("remote.log.storage.system.enable", "true");
        overrides.put("remote.log.storage.backend", "s3");
        overrides.put("remote.log.storage.s3.endpoint", s3.endpoint().toString());
        overrides.put("remote.log.storage.s3.bucket", BUCKET);
        overrides.put("remote.log.storage.s3.access.key", ACCESS_KEY);
        overrides.put("remote.log.storage.s3.secret.key", SECRET_KEY);
        overrides.put("remote.log.manager.task.interval.ms", "200");
        overrides.put("log.retention.check.interval.ms", "200");
        broker = EmbeddedBroker.start(dir.resolve("broker"), overrides);
        remoteStorage = new ObjectName("io.strata:type=RemoteStorage");
        Poll.until(Duration.ofSeconds(30), "tiered storage started (its JMX figures published)",
                () -> JMX.isRegistered(remoteStorage));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
        if (bucket != null) {
            bucket.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void shouldKeepProducingAndKeepLocalDataWhileTheObjectStoreIsDownAndCatchUpOnceItIsBack() throws Exception {
        // given: a partition with its first segments in the bucket and gone locally
        TopicPartition tp = createTopic("outage", Map.of());
        produce(tp, 0, 250);
        awaitTiered(tp, 200);
        long tieredBefore;
        long localStartBefore;
        try (Admin admin = broker.admin()) {
            tieredBefore = offset(admin, tp, OffsetSpec.latestTiered());
            localStartBefore = offset(admin, tp, OffsetSpec.earliestLocal());
        }
        long uploadFailuresBefore = counter("UploadFailures");
        long readErrorsBefore = counter("RemoteReadErrors");
        int port = s3.port();

        try (KafkaConsumer<byte[], byte[]> waiting = broker.consumer(Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000))) {
            List<ConsumerRecord<byte[], byte[]>> waited = new ArrayList<>();
            try {
                // when: the object store stops
                s3.close();

                // then: produce (acks=all) goes on
                produce(tp, 250, 300);

                // and: a consumer of the remote tier gets nothing, its fetches fail inside the broker
                waiting.assign(List.of(tp));
                waiting.seek(tp, 0);
                try (Admin admin = broker.admin()) {
                    Poll.until(DEADLINE, "a failed remote read and a failed upload attempt", () -> {
                        waited.addAll(waiting.poll(Duration.ofMillis(100)).records(tp));
                        assertNothingUploadedNorDeletedLocally(admin, tp, tieredBefore, localStartBefore);
                        return counter("RemoteReadErrors") > readErrorsBefore
                                && counter("UploadFailures") > uploadFailuresBefore;
                    });
                    // a few more task runs (200 ms apart) and fetches, still with no store
                    long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                    while (System.nanoTime() < until) {
                        waited.addAll(waiting.poll(Duration.ofMillis(100)).records(tp));
                        assertNothingUploadedNorDeletedLocally(admin, tp, tieredBefore, localStartBefore);
                    }
                }
                assertEquals(List.of(), waited, "records served while the object store is down");
                assertEquals(0L, waiting.position(tp));
                assertTrue(localLogSegments(tp) >= 3, "segments sealed during the outage kept locally: "
                        + localLogSegments(tp));
            } finally {
                // when: it comes back on the same port with the same data
                restartObjectStore(port);
            }

            // then: the waiting consumer gets its records
            Poll.until(DEADLINE, "the waiting consumer's records", () -> {
                waited.addAll(waiting.poll(Duration.ofMillis(100)).records(tp));
                return waited.size() >= 100;
            });
            assertRecords(tp, 0, waited);
        }

        // and: uploads resume, local copies are deleted, and everything reads back from offset 0
        produce(tp, 550, 150);
        awaitTiered(tp, 600);
        try (Admin admin = broker.admin()) {
            assertTrue(offset(admin, tp, OffsetSpec.latestTiered()) >= 599);
            assertTrue(offset(admin, tp, OffsetSpec.earliestLocal()) > localStartBefore);
            assertEquals(0L, offset(admin, tp, OffsetSpec.earliest()));
        }
        assertRecords(tp, 0, broker.consume(tp, 0, 700));
    }

    @Test
    void shouldNeverServeACorruptedRemoteObjectAndServeItAgainOnceRepaired() throws Exception {
        // given: three segments in the bucket that no consumer has read (cold caches)
        TopicPartition tp = createTopic("corrupted", Map.of());
        produce(tp, 0, 400);
        awaitTiered(tp, 300);
        List<RemoteSegmentMetadata> remote = remoteSegments(tp);
        assertTrue(remote.size() >= 3, "remote segments: " + remote);
        RemoteSegmentMetadata first = remote.get(0);
        RemoteSegmentMetadata second = remote.get(1);
        String logKey = new ObjectKeys("").segmentObject(first, RemoteFileType.LOG);
        ByteBuffer original = bucket.get(logKey).join();
        byte[] corrupted = new byte[original.remaining()];
        original.duplicate().get(corrupted);
        // The first batch: 8-byte base offset, 4-byte length, 49 more header bytes, then its records.
        int batchSize = 12 + ByteBuffer.wrap(corrupted, 8, 4).getInt();
        int flipped = 61 + (batchSize - 61) / 2;
        corrupted[flipped] ^= 0x5a;
        long readErrorsBefore = counter("RemoteReadErrors");

        // when: one byte of the segment's first batch is altered in the bucket
        bucket.put(logKey, ByteBuffer.wrap(corrupted)).join();

        try (KafkaConsumer<byte[], byte[]> reader = broker.consumer(Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000))) {
            // then: a consumer of that segment gets nothing, however long it polls
            reader.assign(List.of(tp));
            reader.seek(tp, first.baseOffset());
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            Poll.until(DEADLINE, "a failed remote read", () -> {
                read.addAll(reader.poll(Duration.ofMillis(100)).records(tp));
                return counter("RemoteReadErrors") > readErrorsBefore;
            });
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                read.addAll(reader.poll(Duration.ofMillis(100)).records(tp));
            }
            assertEquals(List.of(), read, "records served from a corrupted object");
            assertEquals(first.baseOffset(), reader.position(tp));
            assertTrue(counter("RemoteReadErrors") >= readErrorsBefore + 2, "every attempt fails");

            // and: the next segment is still served
            long later = second.baseOffset() + 5;
            assertRecords(tp, later, readFrom(tp, later, 10));

            // when: the object is repaired
            bucket.put(logKey, original.duplicate()).join();

            // then: the same consumer now reads the segment, byte-identical (the corrupt bytes were not cached)
            int expected = (int) (second.baseOffset() - first.baseOffset());
            Poll.until(DEADLINE, "the repaired segment's records", () -> {
                read.addAll(reader.poll(Duration.ofMillis(100)).records(tp));
                return read.size() >= expected;
            });
            assertRecords(tp, first.baseOffset(), read);
        }
    }

    @Test
    void shouldDeleteEveryObjectOfTheRemoteSegmentsBeyondTotalRetention() throws Exception {
        // given: retention.bytes over both tiers of about three segments
        long retentionBytes = 3L * SEGMENT_BYTES;
        TopicPartition tp = createTopic("retained", Map.of("retention.bytes", String.valueOf(retentionBytes)));

        // when: about eight segments are produced
        produce(tp, 0, 800);

        // then: the log start moves up, and once tiering is done the bucket holds exactly the kept segments
        try (Admin admin = broker.admin()) {
            // settled: everything sealed is uploaded and deleted locally, and remote retention has run since
            try {
                Poll.until(Duration.ofSeconds(30), "the oldest remote segments deleted",
                        () -> offset(admin, tp, OffsetSpec.earliest()) > 0
                                && localLogSegments(tp) == 1
                                && offset(admin, tp, OffsetSpec.earliestLocal())
                                        == offset(admin, tp, OffsetSpec.latestTiered()) + 1
                                && withinRetention(tp, retentionBytes)
                                && inconsistencies(tp).isEmpty());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; remote " + remoteSegments(tp) + ", local bytes "
                        + localBytes(tp) + ", retention " + retentionBytes + ", " + inconsistencies(tp), e);
            }
            long earliest = offset(admin, tp, OffsetSpec.earliest());
            long latest = offset(admin, tp, OffsetSpec.latest());
            assertEquals(800, latest);
            List<RemoteSegmentMetadata> kept = remoteSegments(tp);
            assertFalse(kept.isEmpty());
            assertEquals(earliest, kept.get(0).baseOffset(), "the log start is the first kept segment's base");
            assertTrue(kept.get(0).baseOffset() > 0 && kept.size() < 8, "kept " + kept);
            for (String key : segmentObjects(tp)) {
                assertTrue(baseOffsetOf(key) >= earliest, "object of a deleted segment left: " + key);
            }
            assertEquals(List.of(), inconsistencies(tp));

            // and: a consumer from the earliest offset reads every remaining record, in order
            try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of(
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000))) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<ConsumerRecord<byte[], byte[]>> records = EmbeddedBroker.pollUntil(consumer, tp,
                        (int) (latest - earliest));
                assertRecords(tp, earliest, records);
            }
        }
    }

    @Test
    void shouldStartAtTheDeletedRecordsOffsetInsideARemoteSegmentAndDeleteTheSegmentsBelow() throws Exception {
        // given
        TopicPartition tp = createTopic("trimmed", Map.of());
        produce(tp, 0, 400);
        awaitTiered(tp, 300);
        List<RemoteSegmentMetadata> remote = remoteSegments(tp);
        assertTrue(remote.size() >= 3, "remote segments: " + remote);
        RemoteSegmentMetadata third = remote.get(2);
        long target = third.baseOffset() + (third.endOffset() - third.baseOffset()) / 2;
        assertTrue(target > third.baseOffset());

        try (Admin admin = broker.admin()) {
            // when
            long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(target)))
                    .lowWatermarks().get(tp).get().lowWatermark();

            // then
            assertEquals(target, lowWatermark);
            assertEquals(target, offset(admin, tp, OffsetSpec.earliest()));
        }
        Poll.until(DEADLINE, "the remote segments below offset " + target + " deleted",
                () -> segmentObjects(tp).stream().noneMatch(key -> baseOffsetOf(key) < third.baseOffset()));
        String logStartKey = new ObjectKeys("").logStartOffsetFile(tp, topicId(tp.topic()));
        Poll.until(DEADLINE, "the log start offset recorded in the bucket", () -> bucket.list(logStartKey).join()
                .stream().anyMatch(o -> o.key().equals(logStartKey)));
        assertEquals(String.valueOf(target), StandardCharsets.UTF_8.decode(bucket.get(logStartKey).join()).toString());
        assertEquals(List.of(), inconsistencies(tp));
        List<RemoteSegmentMetadata> kept = remoteSegments(tp);
        assertEquals(third.segmentId(), kept.get(0).segmentId(), "the segment holding the new start stays");

        // and: a consumer from the earliest offset starts exactly there
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000))) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> records = EmbeddedBroker.pollUntil(consumer, tp,
                    (int) (400 - target));
            assertRecords(tp, target, records);
        }
    }

    // ---- the object store ----

    /** Starts the object store again on {@code port} with the same data; retried while the port is not free yet. */
    private static void restartObjectStore(int port) {
        Poll.until(Duration.ofSeconds(30), "the object store back on port " + port, () -> {
            try {
                s3 = EmbeddedS3Server.start(dir.resolve("s3"), "127.0.0.1", port, ACCESS_KEY, SECRET_KEY);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** The partition's segments as published in the bucket (metadata objects), oldest first. */
    private static List<RemoteSegmentMetadata> remoteSegments(TopicPartition tp) {
        List<RemoteSegmentMetadata> segments = new ArrayList<>();
        for (String key : partitionObjects(tp)) {
            if (key.contains("/metadata/") && key.endsWith(ObjectKeys.METADATA_SUFFIX)) {
                RemoteSegmentMetadata segment = metadata(key);
                if (segment != null) {
                    segments.add(segment);
                }
            }
        }
        segments.sort((a, b) -> Long.compare(a.baseOffset(), b.baseOffset()));
        return segments;
    }

    /** A metadata object's segment, or null if it was deleted since the listing. */
    private static RemoteSegmentMetadata metadata(String key) {
        try {
            return RemoteSegmentMetadataCodec.decode(bucket.get(key).join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof ObjectStoreException notFound
                    && notFound.kind() == ObjectStoreException.Kind.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /** The objects of segments, data and metadata ({@code {baseOffset:%020d}-{segmentId}...}). */
    private static List<String> segmentObjects(TopicPartition tp) {
        return partitionObjects(tp).stream().filter(key -> ObjectKeys.segmentIdOf(key) != null).toList();
    }

    /** Every object under the partition's prefix, listed through the S3 API. */
    private static List<String> partitionObjects(TopicPartition tp) {
        String prefix = new ObjectKeys("").partitionPrefix(tp, topicId(tp.topic()));
        return bucket.list(prefix).join().stream().map(ObjectStore.ObjectSummary::key).toList();
    }

    /**
     * What does not match in the bucket: data objects of a segment without metadata, metadata
     * without all its data objects, any other object; empty when consistent.
     */
    private static List<String> inconsistencies(TopicPartition tp) {
        String prefix = new ObjectKeys("").partitionPrefix(tp, topicId(tp.topic()));
        Map<Uuid, Set<String>> data = new TreeMap<>();
        Map<Uuid, RemoteSegmentMetadata> published = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String key : partitionObjects(tp)) {
            String relative = key.substring(prefix.length());
            Uuid id = ObjectKeys.segmentIdOf(key);
            if (relative.startsWith("segments/") && id != null) {
                data.computeIfAbsent(id, i -> new TreeSet<>()).add(relative.substring(relative.indexOf('.')));
            } else if (relative.startsWith("metadata/") && id != null && key.endsWith(ObjectKeys.METADATA_SUFFIX)) {
                RemoteSegmentMetadata segment = metadata(key);
                if (segment == null) {
                    problems.add("metadata deleted while looking: " + key);
                } else {
                    published.put(id, segment);
                }
            } else if (!relative.equals(ObjectKeys.LOG_START_OFFSET_FILE)) {
                problems.add("unexpected object " + key);
            }
        }
        for (Map.Entry<Uuid, Set<String>> entry : data.entrySet()) {
            RemoteSegmentMetadata segment = published.get(entry.getKey());
            if (segment == null) {
                problems.add("data objects without metadata: " + entry.getKey() + " " + entry.getValue());
                continue;
            }
            Set<String> expected = new TreeSet<>();
            for (RemoteFileType type : RemoteFileType.values()) {
                if (type != RemoteFileType.PRODUCER_SNAPSHOT || segment.hasProducerSnapshot()) {
                    expected.add(type.suffix());
                }
            }
            if (!expected.equals(entry.getValue())) {
                problems.add("segment " + entry.getKey() + " has " + entry.getValue() + ", expected " + expected);
            }
        }
        for (Uuid id : published.keySet()) {
            if (!data.containsKey(id)) {
                problems.add("metadata without data objects: " + id);
            }
        }
        return problems;
    }

    /**
     * Whether the partition is within retention.bytes as Kafka counts it over both tiers (remote
     * segments plus every local byte not uploaded, the active segment included): deleting the oldest
     * remote segment would bring the total below the limit.
     */
    private static boolean withinRetention(TopicPartition tp, long retentionBytes) {
        List<RemoteSegmentMetadata> kept = remoteSegments(tp);
        long total = kept.stream().mapToLong(RemoteSegmentMetadata::segmentSizeInBytes).sum() + localBytes(tp);
        return !kept.isEmpty() && total - retentionBytes < kept.get(0).segmentSizeInBytes();
    }

    private static long baseOffsetOf(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        return Long.parseLong(name.substring(0, 20));
    }

    // ---- the broker ----

    private static TopicPartition createTopic(String topic, Map<String, String> extra) throws Exception {
        Map<String, String> configs = new HashMap<>(Map.of(
                "remote.storage.enable", "true",
                "segment.bytes", String.valueOf(SEGMENT_BYTES),
                "local.retention.bytes", "0"));
        configs.putAll(extra);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs))).all().get();
        }
        return new TopicPartition(topic, 0);
    }

    private static Uuid topicId(String topic) {
        try (Admin admin = broker.admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    /** Produces records {@code from .. from + count - 1} (acks=all) and checks each landed at its own offset. */
    private static void produce(TopicPartition tp, int from, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = broker.producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024))) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                sent.add(producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), key(tp, i), value(tp, i))));
            }
            for (int i = 0; i < count; i++) {
                assertEquals(from + i, sent.get(i).get().offset());
            }
        }
    }

    /** Waits until the sealed segments are uploaded and deleted locally, the tier reaching {@code atLeast}. */
    private static void awaitTiered(TopicPartition tp, long atLeast) {
        try (Admin admin = broker.admin()) {
            Poll.until(DEADLINE, "the sealed segments of " + tp + " uploaded and deleted locally", () -> {
                long earliestLocal = offset(admin, tp, OffsetSpec.earliestLocal());
                long latestTiered = offset(admin, tp, OffsetSpec.latestTiered());
                return localLogSegments(tp) == 1 && earliestLocal == latestTiered + 1 && earliestLocal >= atLeast;
            });
        }
    }

    private static void assertNothingUploadedNorDeletedLocally(Admin admin, TopicPartition tp, long tiered,
                                                               long localStart) {
        assertEquals(tiered, offset(admin, tp, OffsetSpec.latestTiered()), "uploads while the store is down");
        assertEquals(localStart, offset(admin, tp, OffsetSpec.earliestLocal()), "local deletion without upload");
    }

    /** The partition's local segments (their {@code .log} files, not those renamed for deletion). */
    private static long localLogSegments(TopicPartition tp) {
        try (Stream<Path> files = Files.list(broker.logDir().resolve(tp.topic() + "-" + tp.partition()))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).count();
        } catch (IOException | UncheckedIOException e) {
            return -1; // a file renamed while listing: look again
        }
    }

    /** Bytes of the partition's local segments (once tiered, the active one alone). */
    private static long localBytes(TopicPartition tp) {
        try (Stream<Path> files = Files.list(broker.logDir().resolve(tp.topic() + "-" + tp.partition()))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1; // a file renamed while listing: look again
        }
    }

    private static long offset(Admin admin, TopicPartition tp, OffsetSpec spec) {
        try {
            return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get().offset();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private static long counter(String attribute) {
        try {
            return (Long) JMX.getAttribute(remoteStorage, attribute);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ---- the records ----

    /** At least {@code atLeast} records of {@code tp} from offset {@code from}, read by a fresh consumer. */
    private static List<ConsumerRecord<byte[], byte[]>> readFrom(TopicPartition tp, long from, int atLeast) {
        try (KafkaConsumer<byte[], byte[]> consumer = broker.consumer(Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            Poll.until(DEADLINE, atLeast + " records of " + tp + " from " + from, () -> {
                records.addAll(consumer.poll(Duration.ofMillis(100)).records(tp));
                return records.size() >= atLeast;
            });
            return records;
        }
    }

    /** {@code records} are consecutive from {@code from}, each byte-identical to what was produced. */
    private static void assertRecords(TopicPartition tp, long from, List<ConsumerRecord<byte[], byte[]>> records) {
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<byte[], byte[]> record = records.get(i);
            int expected = (int) (from + i);
            assertEquals(expected, record.offset(), "offset of record " + i + " from " + from);
            assertArrayEquals(key(tp, expected), record.key(), "key at offset " + expected);
            assertArrayEquals(value(tp, expected), record.value(), "value at offset " + expected);
        }
    }

    private static byte[] key(TopicPartition tp, int index) {
        return (tp + "-" + index).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(TopicPartition tp, int index) {
        byte[] value = new byte[VALUE_BYTES];
        new Random(tp.topic().hashCode() * 1_000_003L + index).nextBytes(value);
        return value;
    }
}
