package io.strata.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicStoreTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteMetaPropertiesInEveryLogDirWhenFirstStarted() throws Exception {
        // given
        List<Path> logDirs = List.of(dir.resolve("a"), dir.resolve("b"));

        // when
        TopicStore store = TopicStore.open(logDirs, 7);

        // then
        Properties a = metaProperties(logDirs.get(0));
        Properties b = metaProperties(logDirs.get(1));
        assertEquals("1", a.getProperty("version"));
        assertEquals("7", a.getProperty("node.id"));
        assertEquals(store.clusterId(), a.getProperty("cluster.id"));
        assertEquals(store.clusterId(), b.getProperty("cluster.id"));
        assertNotEquals(a.getProperty("directory.id"), b.getProperty("directory.id"));
        Uuid.fromString(a.getProperty("directory.id"));
        Uuid.fromString(store.clusterId());
        assertEquals(logDirs.get(0).resolve(TopicStore.METADATA_DIR), store.metadataDir());
        assertTrue(Files.isDirectory(store.metadataDir()));
    }

    @Test
    void shouldKeepTheClusterIdWhenReopened() throws Exception {
        // given
        List<Path> logDirs = List.of(dir.resolve("a"));
        String clusterId = TopicStore.open(logDirs, 1).clusterId();
        String directoryId = metaProperties(logDirs.get(0)).getProperty("directory.id");

        // when
        TopicStore reopened = TopicStore.open(logDirs, 1);

        // then
        assertEquals(clusterId, reopened.clusterId());
        assertEquals(directoryId, metaProperties(logDirs.get(0)).getProperty("directory.id"));
    }

    @Test
    void shouldGiveANewLogDirTheExistingClusterIdWhenAdded() throws Exception {
        // given
        String clusterId = TopicStore.open(List.of(dir.resolve("a")), 1).clusterId();

        // when
        TopicStore store = TopicStore.open(List.of(dir.resolve("a"), dir.resolve("b")), 1);

        // then
        assertEquals(clusterId, store.clusterId());
        assertEquals(clusterId, metaProperties(dir.resolve("b")).getProperty("cluster.id"));
    }

    @Test
    void shouldRefuseToStartWhenTheNodeIdDiffers() throws Exception {
        // given
        TopicStore.open(List.of(dir.resolve("a")), 1);

        // when
        ConfigException e = assertThrows(ConfigException.class, () -> TopicStore.open(List.of(dir.resolve("a")), 2));

        // then
        assertTrue(e.getMessage().contains("node.id"), e.getMessage());
        assertTrue(e.getMessage().contains("belongs to node 1"), e.getMessage());
    }

    @Test
    void shouldRefuseToStartWhenLogDirsBelongToDifferentClusters() throws Exception {
        // given
        TopicStore.open(List.of(dir.resolve("a")), 1);
        TopicStore.open(List.of(dir.resolve("b")), 1);

        // when
        InconsistentClusterIdException e = assertThrows(InconsistentClusterIdException.class,
                () -> TopicStore.open(List.of(dir.resolve("a"), dir.resolve("b")), 1));

        // then
        assertTrue(e.getMessage().contains("different clusters"), e.getMessage());
    }

    @Test
    void shouldRefuseToStartWhenMetaPropertiesHasAnotherVersion() throws Exception {
        // given
        Path logDir = Files.createDirectories(dir.resolve("a"));
        Files.writeString(logDir.resolve(TopicStore.META_PROPERTIES), "version=0\nbroker.id=1\ncluster.id=x\n");

        // when
        IOException e = assertThrows(IOException.class, () -> TopicStore.open(List.of(logDir), 1));

        // then
        assertTrue(e.getMessage().contains("version 0"), e.getMessage());
    }

    @Test
    void shouldLoadStoredTopicsWhenReopened() throws Exception {
        // given
        List<Path> logDirs = List.of(dir.resolve("a"));
        TopicStore store = TopicStore.open(logDirs, 1);
        TopicMetadata orders = new TopicMetadata("orders", Uuid.randomUuid(), 3,
                Map.of("retention.ms", "1000", "odd.value", "a=b:c\\d \u00e9"));
        TopicMetadata events = new TopicMetadata("events", Uuid.randomUuid(), 1, Map.of());
        store.write(orders);
        store.write(events);
        store.write(orders.withPartitions(5));

        // when
        TopicStore reopened = TopicStore.open(logDirs, 1);

        // then
        assertEquals(List.of(events, orders.withPartitions(5)), reopened.topics());
    }

    @Test
    void shouldForgetATopicWhenDeleted() throws Exception {
        // given
        List<Path> logDirs = List.of(dir.resolve("a"));
        TopicStore store = TopicStore.open(logDirs, 1);
        TopicMetadata orders = new TopicMetadata("orders", Uuid.randomUuid(), 1, Map.of());
        store.write(orders);

        // when
        store.delete(orders.topicId());
        store.delete(Uuid.randomUuid());

        // then
        assertEquals(List.of(), TopicStore.open(logDirs, 1).topics());
    }

    @Test
    void shouldKeepTheLastWrittenTopicWhenAWriteWasInterrupted() throws Exception {
        // given: a crash after the temporary file of a newer version was written but before the rename
        List<Path> logDirs = List.of(dir.resolve("a"));
        TopicStore store = TopicStore.open(logDirs, 1);
        TopicMetadata orders = new TopicMetadata("orders", Uuid.randomUuid(), 2, Map.of());
        store.write(orders);
        Path topicFile = store.metadataDir().resolve("topics").resolve(orders.topicId() + ".properties");
        Path leftover = topicFile.resolveSibling(topicFile.getFileName() + ".tmp");
        Files.writeString(leftover, "version=1\nname=orders\ntopic.id=" + orders.topicId() + "\npartit");

        // when
        TopicStore reopened = TopicStore.open(logDirs, 1);

        // then
        assertEquals(List.of(orders), reopened.topics());
        assertFalse(Files.exists(leftover));
    }

    @Test
    void shouldRefuseToStartWhenATopicFileIsCorrupt() throws Exception {
        // given
        List<Path> logDirs = List.of(dir.resolve("a"));
        TopicStore store = TopicStore.open(logDirs, 1);
        Uuid topicId = Uuid.randomUuid();
        Files.writeString(store.metadataDir().resolve("topics").resolve(topicId + ".properties"),
                "version=1\nname=orders\ntopic.id=" + topicId + "\npartitions=zero\n");

        // when
        IOException e = assertThrows(IOException.class, () -> TopicStore.open(logDirs, 1));

        // then
        assertTrue(e.getMessage().contains("Corrupt topic metadata file"), e.getMessage());
    }

    private static Properties metaProperties(Path logDir) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(logDir.resolve(TopicStore.META_PROPERTIES))));
        return properties;
    }
}
