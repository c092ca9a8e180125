package io.strata.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The broker's tiered-storage configs: defaults, parsing and bad values. */
class RemoteStorageConfigsTest {

    @Test
    void shouldDefaultToNoTieringAndTheEmbeddedStoreBesideTheFirstLogDir() {
        RemoteStorageConfigs.Settings settings = RemoteStorageConfigs.settings(
                BrokerConfig.fromProperties(Map.of("log.dirs", "/data/a,/data/b")));
        assertFalse(settings.systemEnable());
        assertEquals("embedded", settings.backend());
        assertEquals(Path.of("/data/a-remote-storage"), settings.embeddedDir());
        assertNull(settings.s3Endpoint());
        assertNull(settings.accessKey());
        assertEquals(500, settings.remoteFetchMaxWaitMs());
        assertEquals(30_000L, settings.manager().taskIntervalMs());
        assertEquals(8 * 1024 * 1024, settings.manager().readConfig().chunkSizeBytes());
    }

    @Test
    void shouldReadEverySetting() {
        RemoteStorageConfigs.Settings settings = RemoteStorageConfigs.settings(BrokerConfig.fromProperties(Map.ofEntries(
                Map.entry("remote.log.storage.system.enable", "true"),
                Map.entry("remote.log.storage.backend", "s3"),
                Map.entry("remote.log.storage.s3.endpoint", "http://127.0.0.1:9000"),
                Map.entry("remote.log.storage.s3.bucket", "history"),
                Map.entry("remote.log.storage.s3.prefix", "cluster-a/"),
                Map.entry("remote.log.storage.s3.access.key", "minio"),
                Map.entry("remote.log.storage.s3.secret.key", "minio-secret"),
                Map.entry("remote.log.manager.task.interval.ms", "1000"),
                Map.entry("remote.log.manager.copier.thread.pool.size", "3"),
                Map.entry("remote.log.manager.copy.max.bytes.per.second", "1048576"),
                Map.entry("remote.log.reader.threads", "5"),
                Map.entry("remote.log.reader.chunk.size.bytes", "4194304"),
                Map.entry("remote.log.reader.read.ahead.chunks", "2"),
                Map.entry("remote.fetch.max.wait.ms", "800"))));
        assertTrue(settings.systemEnable());
        assertEquals(URI.create("http://127.0.0.1:9000"), settings.s3Endpoint());
        assertEquals("history", settings.bucket());
        assertEquals("cluster-a/", settings.prefix());
        assertEquals("minio-secret", settings.secretKey());
        assertEquals(1000L, settings.manager().taskIntervalMs());
        assertEquals(3, settings.manager().uploadThreads());
        assertEquals(1_048_576L, settings.manager().copyMaxBytesPerSecond());
        assertEquals(5, settings.manager().readerThreads());
        assertEquals(4 * 1024 * 1024, settings.manager().readConfig().chunkSizeBytes());
        assertEquals(2, settings.manager().readConfig().readAheadChunks());
        assertEquals(800, settings.remoteFetchMaxWaitMs());
    }

    @Test
    void shouldRejectBadValuesAtStart() {
        for (Map<String, String> bad : List.of(
                Map.of("remote.log.storage.backend", "gcs"),
                Map.of("remote.log.reader.chunk.size.bytes", "1024"),
                Map.of("log.local.retention.ms", "-3"),
                Map.of("remote.log.manager.copier.thread.pool.size", "0"))) {
            assertThrows(ConfigException.class, () -> BrokerConfig.fromProperties(bad), bad.toString());
        }
        BrokerConfig badEndpoint = BrokerConfig.fromProperties(Map.of("remote.log.storage.s3.endpoint", "http://a b"));
        assertThrows(ConfigException.class, () -> RemoteStorageConfigs.settings(badEndpoint));
    }

    @Test
    void shouldNeverDescribeTheSecretKey() {
        BrokerConfig config = BrokerConfig.fromProperties(Map.of("remote.log.storage.s3.secret.key", "s3cr3t"));
        DescribedConfig secret = config.describe(List.of("remote.log.storage.s3.secret.key"), true, false).get(0);
        assertTrue(secret.sensitive());
        assertNull(secret.value());
        assertFalse(secret.synonyms().isEmpty());
        secret.synonyms().forEach(synonym -> assertNull(synonym.value()));
    }
}
