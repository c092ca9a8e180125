package io.strata.tiering.read;

import io.strata.storage.file.SegmentFiles;
import io.strata.storage.log.LogConfig;
import io.strata.storage.log.PartitionLog;
import io.strata.storage.log.PartitionLogs;
import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteFileType;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.store.EmbeddedS3Server;
import io.strata.tiering.store.S3ObjectStore;
import io.strata.tiering.store.S3ObjectStoreConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;

/**
 * A real partition log written by storage's {@link PartitionLog} (several hundred batches of varying
 * sizes, some gzip-compressed, some larger than a 64 KiB chunk, timestamps partly out of order),
 * whose sealed segments are uploaded file for file to an {@link EmbeddedS3Server} under
 * {@link ObjectKeys} names. Tests compare remote reads with the local log.
 *
 * <p>This class is not thread-safe; tests use it from their own thread.
 */
final class TieredLogFixture implements AutoCloseable {

    static final TopicPartition TP = new TopicPartition("events", 3);
    static final long START_MS = 1_700_000_000_000L;
    static final int BATCHES = 420;

    /** A sealed local segment: its files, its metadata as uploaded and its batches as written. */
    record Segment(RemoteSegmentMetadata metadata, Path logFile, Path offsetIndexFile, Path timeIndexFile,
                   List<BatchInfo> batches) {
    }

    /** One batch of a segment's {@code .log} file. */
    record BatchInfo(long baseOffset, long lastOffset, int position, int sizeInBytes, long maxTimestamp) {
    }

    final Uuid topicId = Uuid.randomUuid();
    final EmbeddedS3Server server;
    final S3ObjectStore store;
    final ExecutorService executor;
    final PartitionLog log;
    final List<Segment> segments;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final PartitionLogs logs;

    private TieredLogFixture(Path dir) throws IOException {
        server = EmbeddedS3Server.start(dir.resolve("s3"), "access", "secret-key");
        store = newStore();
        store.createBucketIfMissing().join();
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "remote-read-" + threads.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        LogConfig d = LogConfig.defaults();
        LogConfig config = new LogConfig(400 * 1024, d.segmentMs(), -1L, -1L, d.maxMessageBytes(),
                TimestampType.CREATE_TIME, d.timestampBeforeMaxMs(), d.timestampAfterMaxMs(), 4096, 64 * 1024,
                0L, d.flushMessages(), d.flushMs());
        logs = PartitionLogs.open(List.of(dir.resolve("logs")), topic -> config, Time.SYSTEM, scheduler);
        log = logs.getOrCreate(TP, topicId, config);
        appendBatches(log, new Random(42));
        segments = sealedSegments(log.dir());
    }

    /** Writes the log, starts the server and uploads every sealed segment under {@code keys}. */
    static TieredLogFixture create(Path dir, ObjectKeys keys) throws IOException {
        TieredLogFixture fixture = new TieredLogFixture(dir);
        for (Segment segment : fixture.segments) {
            fixture.upload(keys, segment);
        }
        return fixture;
    }

    /** Another client of the same bucket, with request counters of its own; the caller closes it. */
    S3ObjectStore newStore() {
        return S3ObjectStore.create(S3ObjectStoreConfig.forEndpoint(server.endpoint(), "tiered", "access",
                "secret-key"));
    }

    void upload(ObjectKeys keys, Segment segment) {
        RemoteSegmentMetadata metadata = segment.metadata();
        CompletableFuture.allOf(
                store.putFile(keys.segmentObject(metadata, RemoteFileType.LOG), segment.logFile()),
                store.putFile(keys.segmentObject(metadata, RemoteFileType.OFFSET_INDEX), segment.offsetIndexFile()),
                store.putFile(keys.segmentObject(metadata, RemoteFileType.TIME_INDEX), segment.timeIndexFile()))
                .join();
    }

    /** The whole batches of a local read, as bytes (a local read may end in a partial batch). */
    ByteBuffer localWholeBatches(long fetchOffset, int maxBytes, boolean minOneMessage) {
        Records records = log.read(fetchOffset, maxBytes, minOneMessage).records();
        List<RecordBatch> batches = new ArrayList<>();
        int size = 0;
        for (RecordBatch batch : records.batches()) {
            batches.add(batch);
            size += batch.sizeInBytes();
        }
        ByteBuffer bytes = ByteBuffer.allocate(size);
        batches.forEach(batch -> batch.writeTo(bytes));
        return bytes.flip();
    }

    @Override
    public void close() {
        logs.close();
        scheduler.shutdownNow();
        executor.shutdownNow();
        store.close();
        server.close();
    }

    private static void appendBatches(PartitionLog log, Random random) {
        for (int i = 0; i < BATCHES; i++) {
            long timestamp = START_MS + i * 1000L;
            if (i % 13 == 0) {
                timestamp -= 40_000L; // out of order: older than the batches before it
            }
            MemoryRecords batch;
            if (i % 60 == 17) {
                batch = records(Compression.NONE, timestamp, 1, 150 * 1024, 150 * 1024, random);
            } else if (i % 5 == 0) {
                batch = records(Compression.gzip().build(), timestamp, 5 + random.nextInt(40), 50, 400, random);
            } else {
                batch = records(Compression.NONE, timestamp, 1 + random.nextInt(20), 10, 1500, random);
            }
            log.append(batch, 0);
        }
    }

    /** A batch of {@code count} records stamped {@code timestamp + i}, values of random size (compressible text for gzip). */
    private static MemoryRecords records(Compression compression, long timestamp, int count, int minValue, int maxValue,
                                         Random random) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            int size = minValue + random.nextInt(maxValue - minValue + 1);
            byte[] value = new byte[size];
            if (compression == Compression.NONE) {
                random.nextBytes(value);
            } else {
                byte[] text = ("event-" + i + "-").getBytes(StandardCharsets.UTF_8);
                for (int b = 0; b < size; b++) {
                    value[b] = text[b % text.length];
                }
            }
            records[i] = new SimpleRecord(timestamp + i, ("key-" + i).getBytes(StandardCharsets.UTF_8), value);
        }
        return MemoryRecords.withRecords(compression, records);
    }

    private List<Segment> sealedSegments(Path dir) throws IOException {
        List<Long> baseOffsets;
        try (Stream<Path> files = Files.list(dir)) {
            baseOffsets = files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(SegmentFiles.LOG_FILE_SUFFIX))
                    .map(SegmentFiles::offsetFromFileName)
                    .sorted()
                    .toList();
        }
        List<Segment> sealed = new ArrayList<>();
        for (long baseOffset : baseOffsets.subList(0, baseOffsets.size() - 1)) {
            Path logFile = SegmentFiles.logFile(dir, baseOffset);
            List<BatchInfo> batches = new ArrayList<>();
            try (FileRecords records = FileRecords.open(logFile.toFile())) {
                for (FileChannelRecordBatch batch : records.batches()) {
                    batches.add(new BatchInfo(batch.baseOffset(), batch.lastOffset(), batch.position(),
                            batch.sizeInBytes(), batch.maxTimestamp()));
                }
            }
            long maxTimestamp = batches.stream().mapToLong(BatchInfo::maxTimestamp).max().orElse(-1L);
            RemoteSegmentMetadata metadata = new RemoteSegmentMetadata(topicId, TP, Uuid.randomUuid(), baseOffset,
                    batches.get(batches.size() - 1).lastOffset(), maxTimestamp, (int) Files.size(logFile),
                    System.currentTimeMillis(), new TreeMap<>(Map.of(0, baseOffset)), false);
            sealed.add(new Segment(metadata, logFile, SegmentFiles.offsetIndexFile(dir, baseOffset),
                    SegmentFiles.timeIndexFile(dir, baseOffset), batches));
        }
        return sealed;
    }
}
