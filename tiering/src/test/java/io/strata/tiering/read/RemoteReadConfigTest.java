package io.strata.tiering.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RemoteReadConfigTest {

    @Test
    void shouldHaveDocumentedDefaults() {
        RemoteReadConfig config = RemoteReadConfig.defaults();
        assertEquals(8 * 1024 * 1024, config.chunkSizeBytes());
        assertEquals(128L * 1024 * 1024, config.chunkCacheBytes());
        assertEquals(32L * 1024 * 1024, config.indexCacheBytes());
        assertEquals(1, config.readAheadChunks());
    }

    @Test
    void shouldRejectOutOfRangeValues() {
        assertThrows(IllegalArgumentException.class, () -> new RemoteReadConfig(64 * 1024 - 1, 1 << 30, 1 << 20, 1));
        assertThrows(IllegalArgumentException.class, () -> new RemoteReadConfig(1 << 20, (1 << 20) - 1, 1 << 20, 1));
        assertThrows(IllegalArgumentException.class, () -> new RemoteReadConfig(1 << 20, 1 << 30, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RemoteReadConfig(1 << 20, 1 << 30, 1 << 20, -1));
        assertEquals(0, RemoteReadConfig.defaults().withReadAheadChunks(0).readAheadChunks());
        assertEquals(64 * 1024, RemoteReadConfig.defaults().withChunkSizeBytes(64 * 1024).chunkSizeBytes());
    }
}
