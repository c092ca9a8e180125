package io.strata.tiering.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteFileType;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.read.TieredLogFixture.BatchInfo;
import io.strata.tiering.read.TieredLogFixture.Segment;
import io.strata.tiering.store.ObjectStoreException;
import io.strata.tiering.store.S3ObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Caching, single-flight, read-ahead and failures of remote reads, against a real S3 API server. */
class RemoteReaderCachingTest {

    private static final ObjectKeys KEYS = new ObjectKeys("cluster-b");

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

    private static RemoteReader reader(ObjectKeys keys, RemoteReadConfig config) {
        return new RemoteReader(fixture.store, keys, config, fixture.executor);
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void shouldFailWithCorruptRecordAndRefetchLaterWhenALogObjectHasAFlippedByte() throws Exception {
        // given: segment 1 uploaded under its own prefix with one byte flipped in the middle of a batch
        ObjectKeys keys = new ObjectKeys("corrupt");
        Segment segment = fixture.segments.get(1);
        fixture.upload(keys, segment);
        BatchInfo victim = segment.batches().get(segment.batches().size() / 2);
        byte[] bytes = Files.readAllBytes(segment.logFile());
        bytes[victim.position() + victim.sizeInBytes() / 2] ^= 0x40;
        String logKey = keys.segmentObject(segment.metadata(), RemoteFileType.LOG);
        fixture.store.put(logKey, ByteBuffer.wrap(bytes)).join();
        RemoteReader reader = reader(keys, RemoteReadConfig.defaults());

        // when
        Throwable failure = failureOf(reader.read(segment.metadata(), null, victim.baseOffset(), 1, true));

        // then
        CorruptRecordException corrupt = assertInstanceOf(CorruptRecordException.class, failure);
        assertTrue(corrupt.getMessage().contains(logKey), corrupt.getMessage());
        // a read over more batches that include it fails too, and never returns records
        assertInstanceOf(CorruptRecordException.class, failureOf(reader.read(segment.metadata(), null,
                segment.metadata().baseOffset(), Integer.MAX_VALUE, true)));

        // when: the object is repaired, the next read downloads the chunk again instead of using a cached one
        fixture.store.putFile(logKey, segment.logFile()).join();
        long missesBefore = reader.stats().chunkMisses();
        MemoryRecords records = reader.read(segment.metadata(), null, victim.baseOffset(), 1, true)
                .get(30, TimeUnit.SECONDS);

        // then
        assertEquals(missesBefore + 1, reader.stats().chunkMisses());
        assertEquals(fixture.localWholeBatches(victim.baseOffset(), 1, true), records.buffer());
    }

    @Test
    void shouldSurfaceNotFoundWhenTheSegmentsObjectsAreMissing() {
        // given: metadata of an upload attempt that never wrote its objects
        RemoteSegmentMetadata uploaded = fixture.segments.get(0).metadata();
        RemoteSegmentMetadata missing = new RemoteSegmentMetadata(uploaded.topicId(), uploaded.topicPartition(),
                Uuid.randomUuid(), uploaded.baseOffset(), uploaded.endOffset(), uploaded.maxTimestamp(),
                uploaded.segmentSizeInBytes(), uploaded.uploadedMs(), uploaded.segmentLeaderEpochs(), false);
        RemoteReader reader = reader(KEYS, RemoteReadConfig.defaults());

        // when
        Throwable readFailure = failureOf(reader.read(missing, null, missing.baseOffset(), 1000, true));
        Throwable lookupFailure = failureOf(reader.findOffsetByTimestamp(missing, missing.maxTimestamp(), 0));

        // then
        assertEquals(ObjectStoreException.Kind.NOT_FOUND, assertInstanceOf(ObjectStoreException.class, readFailure).kind());
        assertEquals(ObjectStoreException.Kind.NOT_FOUND,
                assertInstanceOf(ObjectStoreException.class, lookupFailure).kind());
    }

    @Test
    void shouldSurfaceNotFoundWhenOnlyTheLogObjectIsMissing() {
        // given: the indexes are there, the .log object is not
        ObjectKeys keys = new ObjectKeys("no-log");
        Segment segment = fixture.segments.get(2);
        fixture.upload(keys, segment);
        fixture.store.delete(List.of(keys.segmentObject(segment.metadata(), RemoteFileType.LOG))).join();
        RemoteReader reader = reader(keys, RemoteReadConfig.defaults());

        // when
        Throwable failure = failureOf(reader.read(segment.metadata(), null, segment.metadata().baseOffset(), 1000, true));

        // then
        assertEquals(ObjectStoreException.Kind.NOT_FOUND, assertInstanceOf(ObjectStoreException.class, failure).kind());
    }

    @Test
    void shouldDoOneGetWhenConcurrentReadsMissTheSameChunk() throws Exception {
        // given: a cold reader, one chunk per segment, no read-ahead
        try (S3ObjectStore store = fixture.newStore()) {
            RemoteReader reader = new RemoteReader(store, KEYS, RemoteReadConfig.defaults().withReadAheadChunks(0),
                    fixture.executor);
            RemoteSegmentMetadata segment = fixture.segments.get(0).metadata();

            // when
            List<CompletableFuture<MemoryRecords>> reads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                reads.add(reader.read(segment, null, segment.baseOffset() + i, 10_000, true));
            }
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            // then: one GET of the offset index, one ranged GET of the chunk
            assertEquals(2, store.metrics().getRequests());
            RemoteReadStats stats = reader.stats();
            assertEquals(1, stats.chunkMisses());
            assertEquals(7, stats.chunkHits());
            assertEquals(1, stats.indexMisses());
            assertEquals(7, stats.indexHits());
            for (CompletableFuture<MemoryRecords> read : reads) {
                assertTrue(read.join().sizeInBytes() > 0);
            }
        }
    }

    @Test
    void shouldNotCancelTheSharedDownloadWhenACallerCancels() throws Exception {
        // given
        try (S3ObjectStore store = fixture.newStore()) {
            RemoteReader reader = new RemoteReader(store, KEYS, RemoteReadConfig.defaults().withReadAheadChunks(0),
                    fixture.executor);
            RemoteSegmentMetadata segment = fixture.segments.get(3).metadata();

            // when: the first caller gives up at once, a second one waits
            CompletableFuture<MemoryRecords> cancelled = reader.read(segment, null, segment.baseOffset(), 10_000, true);
            CompletableFuture<MemoryRecords> waiting = reader.read(segment, null, segment.baseOffset(), 10_000, true);
            cancelled.cancel(true);

            // then
            assertEquals(fixture.localWholeBatches(segment.baseOffset(), 10_000, true),
                    waiting.get(30, TimeUnit.SECONDS).buffer());
            assertEquals(2, store.metrics().getRequests());
            assertEquals(1, reader.stats().chunkMisses());
        }
    }

    @Test
    void shouldHitTheNextSegmentsFirstChunkWhenReadingSequentiallyToTheEndOfASegment() throws Exception {
        // given: 64 KiB chunks, one chunk of read-ahead
        try (S3ObjectStore store = fixture.newStore()) {
            RemoteReader reader = new RemoteReader(store, KEYS,
                    RemoteReadConfig.defaults().withChunkSizeBytes(RemoteReadConfig.MIN_CHUNK_SIZE_BYTES), fixture.executor);
            readThroughTheFirstSegment(reader);
        }
    }

    private static void readThroughTheFirstSegment(RemoteReader reader) throws Exception {
        RemoteSegmentMetadata first = fixture.segments.get(0).metadata();
        RemoteSegmentMetadata second = fixture.segments.get(1).metadata();

        // when: a consumer reads the first segment to its end
        long fetchOffset = first.baseOffset();
        int reads = 0;
        while (fetchOffset <= first.endOffset()) {
            MemoryRecords records = reader.read(first, second, fetchOffset, 20_000, true).get(30, TimeUnit.SECONDS);
            for (RecordBatch batch : records.batches()) {
                fetchOffset = batch.nextOffset();
            }
            reads++;
        }
        RemoteReadStats afterFirst = reader.stats();
        MemoryRecords records = reader.read(second, null, second.baseOffset(), 20_000, true).get(30, TimeUnit.SECONDS);

        // then: the second segment's offset index and first chunk were warmed (or are being): the read
        // starts no GET of its own
        RemoteReadStats afterSecond = reader.stats();
        assertEquals(afterFirst.chunkMisses(), afterSecond.chunkMisses());
        assertEquals(afterFirst.indexMisses(), afterSecond.indexMisses());
        assertTrue(afterSecond.chunkHits() > afterFirst.chunkHits());
        assertEquals(fixture.localWholeBatches(second.baseOffset(), 20_000, true), records.buffer());
        // and inside the first segment, sequential reads mostly hit chunks warmed ahead of them
        assertTrue(afterFirst.chunkHits() > afterFirst.chunkMisses(), afterFirst + " over " + reads + " reads");
    }
}
