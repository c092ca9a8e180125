package io.strata.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionMetadataFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteKafkaFormatWhenWritingTopicId() throws IOException {
        // given
        Uuid topicId = Uuid.randomUuid();
        PartitionMetadataFile metadata = new PartitionMetadataFile(dir.resolve(PartitionMetadataFile.FILE_NAME));

        // when
        metadata.write(topicId);

        // then
        assertEquals("version: 0\ntopic_id: " + topicId, Files.readString(dir.resolve("partition.metadata")));
        assertEquals(Optional.of(topicId), metadata.read());
    }

    @Test
    void shouldReadKafkaWrittenFileWhenItEndsWithNewline() throws IOException {
        // given
        Uuid topicId = Uuid.randomUuid();
        Files.writeString(dir.resolve(PartitionMetadataFile.FILE_NAME), "version: 0\ntopic_id: " + topicId + "\n");

        // when
        Optional<Uuid> read = new PartitionMetadataFile(dir.resolve(PartitionMetadataFile.FILE_NAME)).read();

        // then
        assertEquals(Optional.of(topicId), read);
    }

    @Test
    void shouldReadNothingWhenFileIsMissing() throws IOException {
        // given
        PartitionMetadataFile metadata = new PartitionMetadataFile(dir.resolve(PartitionMetadataFile.FILE_NAME));

        // when
        Optional<Uuid> read = metadata.read();

        // then
        assertTrue(read.isEmpty());
    }

    @Test
    void shouldFailWhenFileIsMalformed() throws IOException {
        // given
        Path file = dir.resolve(PartitionMetadataFile.FILE_NAME);
        PartitionMetadataFile metadata = new PartitionMetadataFile(file);
        String[] corrupt = {"version: 1\ntopic_id: " + Uuid.randomUuid(), "version: 0\n", "version: 0\ntopic_id: nope",
            "topic_id: x\nversion: 0"};

        for (String content : corrupt) {
            Files.writeString(file, content);

            // when / then
            assertThrows(IOException.class, metadata::read, content);
        }
    }
}
