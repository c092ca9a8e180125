package io.strata.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetCheckpointFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteKafkaTextFormatWhenWritingOffsets() throws IOException {
        // given
        OffsetCheckpointFile checkpoint = new OffsetCheckpointFile(dir.resolve(OffsetCheckpointFile.RECOVERY_POINT));
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        offsets.put(new TopicPartition("orders", 0), 1500L);
        offsets.put(new TopicPartition("orders", 1), 1320L);

        // when
        checkpoint.write(offsets);

        // then
        assertEquals("0\n2\norders 0 1500\norders 1 1320\n",
                Files.readString(dir.resolve("recovery-point-offset-checkpoint"), StandardCharsets.UTF_8));
        assertEquals(offsets, checkpoint.read());
        assertFalse(Files.exists(dir.resolve("recovery-point-offset-checkpoint.tmp")));
    }

    @Test
    void shouldReadNothingWhenFileIsMissing() throws IOException {
        // given
        OffsetCheckpointFile checkpoint = new OffsetCheckpointFile(dir.resolve(OffsetCheckpointFile.LOG_START_OFFSET));

        // when
        Map<TopicPartition, Long> offsets = checkpoint.read();

        // then
        assertTrue(offsets.isEmpty());
    }

    @Test
    void shouldReplaceContentWhenWrittenTwice() throws IOException {
        // given
        OffsetCheckpointFile checkpoint = new OffsetCheckpointFile(dir.resolve(OffsetCheckpointFile.LOG_START_OFFSET));
        checkpoint.write(Map.of(new TopicPartition("a", 0), 1L, new TopicPartition("b", 3), 2L));

        // when
        checkpoint.write(Map.of(new TopicPartition("c", 1), 7L));

        // then
        assertEquals(Map.of(new TopicPartition("c", 1), 7L), checkpoint.read());
    }

    @Test
    void shouldFailWhenFileIsMalformed() throws IOException {
        // given
        Path file = dir.resolve(OffsetCheckpointFile.RECOVERY_POINT);
        OffsetCheckpointFile checkpoint = new OffsetCheckpointFile(file);
        List<String> corruptContents = List.of("1\n0\n", "0\n2\norders 0 1\n", "0\n1\norders 0\n",
                "0\n1\norders x 1\n", "0\n1\norders 0 1\nextra 0 1\n", "", "0\n");

        for (String content : corruptContents) {
            Files.writeString(file, content);

            // when / then
            assertThrows(IOException.class, checkpoint::read, content);
        }
    }
}
