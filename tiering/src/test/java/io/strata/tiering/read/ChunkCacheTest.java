package io.strata.tiering.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.store.S3ObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Eviction of the chunk cache, against a real S3 API server. */
class ChunkCacheTest {

    private static final ObjectKeys KEYS = new ObjectKeys("chunks");
    private static final int CHUNK = RemoteReadConfig.MIN_CHUNK_SIZE_BYTES;

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

    @Test
    void shouldKeepTheChunkLoadedLastAndEvictTheLeastRecentlyUsedWhenFull() throws Exception {
        // given: room for two chunks; chunks 0 and 1 read many times (a replay's fetches), in that order
        try (S3ObjectStore store = fixture.newStore()) {
            ChunkCache cache = new ChunkCache(store, KEYS, CHUNK, 2L * CHUNK, fixture.executor);
            RemoteSegmentMetadata segment = fixture.segments.get(0).metadata();
            assertTrue(cache.chunkCount(segment) >= 3, "chunks of the segment: " + cache.chunkCount(segment));
            for (int i = 0; i < 5; i++) {
                cache.chunk(segment, 0).get(30, TimeUnit.SECONDS);
                cache.chunk(segment, 1).get(30, TimeUnit.SECONDS);
            }

            // when: read-ahead loads chunk 2, then the reader gets there
            cache.warm(segment, 2).get(30, TimeUnit.SECONDS);
            cache.chunk(segment, 2).get(30, TimeUnit.SECONDS);

            // then: chunk 2 was kept (one GET each for chunks 0, 1, 2) and chunk 0 went instead
            assertEquals(3, store.metrics().getRequests());
            assertEquals(2, cache.misses());
            assertEquals(9, cache.hits());
            assertEquals(2L * CHUNK, cache.weightBytes());
            cache.chunk(segment, 1).get(30, TimeUnit.SECONDS);
            assertEquals(3, store.metrics().getRequests(), "chunk 1 still cached");
            cache.chunk(segment, 0).get(30, TimeUnit.SECONDS);
            assertEquals(4, store.metrics().getRequests(), "chunk 0 evicted, downloaded again");
        }
    }

    @Test
    void shouldDownloadEachChunkOnceWhenASequentialReplayWithReadAheadOutrunsTheCache() throws Exception {
        // given: room for three chunks (the one read, the one read ahead, the one read before), a replay
        // of every chunk of two segments, four reads per chunk
        try (S3ObjectStore store = fixture.newStore()) {
            ChunkCache cache = new ChunkCache(store, KEYS, CHUNK, 3L * CHUNK, fixture.executor);
            int chunks = 0;

            // when: each chunk is warmed one step ahead, as RemoteReader's read-ahead does
            for (int s = 0; s < 2; s++) {
                RemoteSegmentMetadata segment = fixture.segments.get(s).metadata();
                for (int i = 0; i < cache.chunkCount(segment); i++, chunks++) {
                    if (i + 1 < cache.chunkCount(segment)) {
                        cache.warm(segment, i + 1);
                    }
                    for (int read = 0; read < 4; read++) {
                        cache.chunk(segment, i).get(30, TimeUnit.SECONDS);
                    }
                }
            }

            // then: one GET per chunk, never more than the bound held
            assertEquals(chunks, store.metrics().getRequests());
            assertTrue(cache.weightBytes() <= 3L * CHUNK, "weight " + cache.weightBytes());
        }
    }
}
