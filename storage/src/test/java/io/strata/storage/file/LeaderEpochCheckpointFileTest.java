package io.strata.storage.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.storage.file.LeaderEpochCheckpointFile.EpochEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochCheckpointFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteKafkaTextFormatWhenWritingEntries() throws IOException {
        // given
        LeaderEpochCheckpointFile checkpoint =
                new LeaderEpochCheckpointFile(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME));
        List<EpochEntry> entries = List.of(new EpochEntry(0, 0), new EpochEntry(3, 120));

        // when
        checkpoint.write(entries);

        // then
        assertEquals("0\n2\n0 0\n3 120\n", Files.readString(dir.resolve("leader-epoch-checkpoint")));
        assertEquals(entries, checkpoint.read());
    }

    @Test
    void shouldReadNothingWhenFileIsMissing() throws IOException {
        // given
        LeaderEpochCheckpointFile checkpoint =
                new LeaderEpochCheckpointFile(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME));

        // when
        List<EpochEntry> entries = checkpoint.read();

        // then
        assertTrue(entries.isEmpty());
    }

    @Test
    void shouldFailWhenLineIsMalformed() throws IOException {
        // given
        Path file = dir.resolve(LeaderEpochCheckpointFile.FILE_NAME);
        Files.writeString(file, "0\n1\n0 0 0\n");
        LeaderEpochCheckpointFile checkpoint = new LeaderEpochCheckpointFile(file);

        // when / then
        assertThrows(IOException.class, checkpoint::read);
    }
}
