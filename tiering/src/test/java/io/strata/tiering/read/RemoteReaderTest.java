package io.strata.tiering.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.read.TieredLogFixture.BatchInfo;
import io.strata.tiering.read.TieredLogFixture.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Remote reads and timestamp lookups against the local log they were uploaded from. */
class RemoteReaderTest {

    private static final ObjectKeys KEYS = new ObjectKeys("cluster-a");
    private static final int[] MAX_BYTES = {0, 1, 500, 4_000, 70_000, 300_000, Integer.MAX_VALUE};

    @TempDir
    static Path dir;

    private static TieredLogFixture fixture;

    @BeforeAll
    static void writeAndUpload() throws IOException {
        fixture = TieredLogFixture.create(dir, KEYS);
    }

    @AfterAll
    static void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static RemoteReader reader(int chunkSize) {
        return new RemoteReader(fixture.store, KEYS, RemoteReadConfig.defaults().withChunkSizeBytes(chunkSize),
                fixture.executor);
    }

    private static MemoryRecords read(RemoteReader reader, RemoteSegmentMetadata segment, long fetchOffset,
                                      int maxBytes, boolean minOneMessage) throws Exception {
        return reader.read(segment, null, fetchOffset, maxBytes, minOneMessage).get(30, TimeUnit.SECONDS);
    }

    /** Offsets worth fetching in a segment: its ends, batch starts and ends, mid-batch offsets, random ones. */
    private static List<Long> fetchOffsets(Segment segment, Random random) {
        TreeSet<Long> offsets = new TreeSet<>();
        RemoteSegmentMetadata metadata = segment.metadata();
        offsets.add(metadata.baseOffset());
        offsets.add(metadata.baseOffset() + 1);
        offsets.add(metadata.endOffset());
        List<BatchInfo> batches = segment.batches();
        for (int i = 0; i < batches.size(); i += Math.max(1, batches.size() / 6)) {
            BatchInfo batch = batches.get(i);
            offsets.add(batch.baseOffset());
            offsets.add(batch.lastOffset());
            offsets.add((batch.baseOffset() + batch.lastOffset()) / 2);
        }
        for (int i = 0; i < 4; i++) {
            offsets.add(metadata.baseOffset() + (long) (random.nextDouble() * (metadata.endOffset() - metadata.baseOffset())));
        }
        return new ArrayList<>(offsets);
    }

    @Test
    void shouldUploadSeveralSegmentsWithLargeAndCompressedBatches() {
        // the fixture itself: enough variety for the comparisons below to mean something
        assertTrue(fixture.segments.size() >= 4, "segments: " + fixture.segments.size());
        assertTrue(fixture.segments.stream().flatMap(s -> s.batches().stream())
                .anyMatch(b -> b.sizeInBytes() > 2 * RemoteReadConfig.MIN_CHUNK_SIZE_BYTES), "a batch spans 3 chunks");
    }

    @ParameterizedTest
    @ValueSource(ints = {RemoteReadConfig.MIN_CHUNK_SIZE_BYTES, RemoteReadConfig.DEFAULT_CHUNK_SIZE_BYTES})
    void shouldReturnTheLocalWholeBatchesWhenReadingAnyOffsetOfAnUploadedSegment(int chunkSize) throws Exception {
        // given
        RemoteReader reader = reader(chunkSize);
        Random random = new Random(7);
        int compared = 0;
        long nonEmpty = 0;

        for (Segment segment : fixture.segments) {
            for (long fetchOffset : fetchOffsets(segment, random)) {
                for (int maxBytes : MAX_BYTES) {
                    for (boolean minOneMessage : new boolean[] {true, false}) {
                        // when
                        MemoryRecords remote = read(reader, segment.metadata(), fetchOffset, maxBytes, minOneMessage);

                        // then
                        ByteBuffer local = fixture.localWholeBatches(fetchOffset, maxBytes, minOneMessage);
                        assertEquals(local, remote.buffer(), "fetchOffset " + fetchOffset + ", maxBytes " + maxBytes
                                + ", minOneMessage " + minOneMessage + ", segment " + segment.metadata().baseOffset());
                        compared++;
                        nonEmpty += remote.sizeInBytes() > 0 ? 1 : 0;
                    }
                }
            }
        }
        assertTrue(compared > 500, "compared " + compared);
        assertTrue(nonEmpty > compared / 2, "non-empty " + nonEmpty + " of " + compared);
        assertTrue(reader.stats().bytesServed() > 0);
    }

    @Test
    void shouldServeArrayBackedBuffersSoThatCrcChecksRunAtFullSpeed() throws Exception {
        // Kafka's CRC32C reads a buffer without an accessible array one byte at a time (read-only heap
        // buffers): that was 18% of a cold replay's CPU. Inside one chunk and across chunks.
        Segment segment = fixture.segments.get(0);
        for (int chunkSize : new int[] {RemoteReadConfig.MIN_CHUNK_SIZE_BYTES, RemoteReadConfig.DEFAULT_CHUNK_SIZE_BYTES}) {
            MemoryRecords records = read(reader(chunkSize), segment.metadata(), segment.metadata().baseOffset(),
                    Integer.MAX_VALUE, true);
            assertTrue(records.sizeInBytes() > 0);
            assertTrue(records.buffer().hasArray(), "chunk size " + chunkSize);
        }
    }

    @Test
    void shouldReturnABatchWholeWhenItSpansSeveralChunks() throws Exception {
        // given: 64 KiB chunks and a batch of about 150 KiB
        RemoteReader reader = reader(RemoteReadConfig.MIN_CHUNK_SIZE_BYTES);
        Segment segment = fixture.segments.stream()
                .filter(s -> s.batches().stream().anyMatch(b -> b.sizeInBytes() > 2 * RemoteReadConfig.MIN_CHUNK_SIZE_BYTES))
                .findFirst().orElseThrow();
        BatchInfo large = segment.batches().stream()
                .filter(b -> b.sizeInBytes() > 2 * RemoteReadConfig.MIN_CHUNK_SIZE_BYTES).findFirst().orElseThrow();

        // when
        MemoryRecords remote = read(reader, segment.metadata(), large.baseOffset(), 1, true);

        // then
        assertEquals(large.sizeInBytes(), remote.sizeInBytes());
        assertEquals(fixture.localWholeBatches(large.baseOffset(), 1, true), remote.buffer());
        RecordBatch batch = remote.batches().iterator().next();
        batch.ensureValid();
        assertEquals(large.baseOffset(), batch.baseOffset());
        assertTrue(reader.stats().chunkMisses() >= 3, "misses " + reader.stats().chunkMisses());
        assertEquals(read(reader, segment.metadata(), large.baseOffset(), 0, false).sizeInBytes(), 0);
    }

    @Test
    void shouldReadEveryRecordOnceWhenConsumingSegmentsSequentially() throws Exception {
        // given
        RemoteReader reader = reader(RemoteReadConfig.MIN_CHUNK_SIZE_BYTES);
        List<Long> offsets = new ArrayList<>();

        // when: a consumer's fetch loop, 30 000 bytes at a time, one segment per read
        for (int i = 0; i < fixture.segments.size(); i++) {
            RemoteSegmentMetadata segment = fixture.segments.get(i).metadata();
            RemoteSegmentMetadata next = i + 1 < fixture.segments.size() ? fixture.segments.get(i + 1).metadata() : null;
            long fetchOffset = segment.baseOffset();
            while (fetchOffset <= segment.endOffset()) {
                MemoryRecords records = reader.read(segment, next, fetchOffset, 30_000, true).get(30, TimeUnit.SECONDS);
                for (RecordBatch batch : records.batches()) {
                    for (Record record : batch) {
                        if (record.offset() >= fetchOffset) {
                            offsets.add(record.offset());
                        }
                    }
                    fetchOffset = batch.nextOffset();
                }
            }
        }

        // then
        long end = fixture.segments.get(fixture.segments.size() - 1).metadata().endOffset();
        assertEquals(end + 1, offsets.size());
        for (int i = 0; i < offsets.size(); i++) {
            assertEquals(i, offsets.get(i));
        }
    }

    @Test
    void shouldFindTheSameOffsetAsTheLocalLogWhenLookingUpATimestamp() throws Exception {
        // given
        RemoteReader reader = reader(RemoteReadConfig.MIN_CHUNK_SIZE_BYTES);
        long maxUploaded = fixture.segments.stream().mapToLong(s -> s.metadata().maxTimestamp()).max().orElseThrow();
        int compared = 0;

        for (long timestamp = TieredLogFixture.START_MS - 50_000; timestamp <= maxUploaded + 1; timestamp += 997) {
            // when: as the local log does, the first segment whose largest timestamp reaches the target
            Optional<TimestampAndOffset> remote = Optional.empty();
            for (Segment segment : fixture.segments) {
                if (segment.metadata().maxTimestamp() >= timestamp) {
                    remote = reader.findOffsetByTimestamp(segment.metadata(), timestamp, 0L).get(30, TimeUnit.SECONDS);
                    break;
                }
            }
            if (timestamp > maxUploaded) {
                assertEquals(Optional.empty(), remote);
                continue;
            }

            // then
            assertEquals(fixture.log.fetchOffsetByTimestamp(timestamp), remote, "timestamp " + timestamp);
            compared++;
        }
        assertTrue(compared > 100, "compared " + compared);
    }

    @Test
    void shouldFindTheFirstRecordAtOrAfterStartingOffsetWhenStartingOffsetIsInsideTheSegment() throws Exception {
        // given
        RemoteReader reader = reader(RemoteReadConfig.MIN_CHUNK_SIZE_BYTES);
        Segment segment = fixture.segments.get(1);
        RemoteSegmentMetadata metadata = segment.metadata();
        long startingOffset = (metadata.baseOffset() + metadata.endOffset()) / 2;
        MemoryRecords all = read(reader, metadata, metadata.baseOffset(), Integer.MAX_VALUE, true);

        for (long timestamp : new long[] {TieredLogFixture.START_MS - 100_000, firstTimestamp(all, startingOffset),
                metadata.maxTimestamp(), metadata.maxTimestamp() + 1}) {
            // when
            Optional<TimestampAndOffset> found = reader.findOffsetByTimestamp(metadata, timestamp, startingOffset)
                    .get(30, TimeUnit.SECONDS);

            // then: the definition, by brute force over the segment's records
            assertEquals(bruteForce(all, timestamp, startingOffset), found, "timestamp " + timestamp);
        }
    }

    private static long firstTimestamp(MemoryRecords records, long offset) {
        for (RecordBatch batch : records.batches()) {
            for (Record record : batch) {
                if (record.offset() >= offset) {
                    return record.timestamp();
                }
            }
        }
        throw new AssertionError("no offset " + offset);
    }

    private static Optional<TimestampAndOffset> bruteForce(MemoryRecords records, long timestamp, long startingOffset) {
        for (RecordBatch batch : records.batches()) {
            for (Record record : batch) {
                if (batch.maxTimestamp() >= timestamp && record.timestamp() >= timestamp
                        && record.offset() >= startingOffset) {
                    return Optional.of(new TimestampAndOffset(record.timestamp(), record.offset(),
                            Optional.of(batch.partitionLeaderEpoch())));
                }
            }
        }
        return Optional.empty();
    }
}
