package io.strata.storage.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.storage.file.LeaderEpochCheckpointFile;
import io.strata.storage.file.LeaderEpochCheckpointFile.EpochEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderEpochCacheTest {

    @TempDir
    Path dir;

    private LeaderEpochCache cache(EpochEntry... entries) throws IOException {
        LeaderEpochCheckpointFile file =
                new LeaderEpochCheckpointFile(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME));
        file.write(List.of(entries));
        return LeaderEpochCache.load(file);
    }

    @Test
    void shouldAddEntryAndPersistWhenNewEpochIsAssigned() throws IOException {
        // given
        LeaderEpochCache cache = cache(new EpochEntry(0, 0));

        // when
        cache.assign(0, 50);
        cache.assign(2, 100);

        // then
        assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(2, 100)), cache.entries());
        assertEquals("0\n2\n0 0\n2 100\n", Files.readString(dir.resolve("leader-epoch-checkpoint")));
        assertEquals(OptionalInt.of(2), cache.latestEpoch());
        assertEquals(OptionalInt.of(0), cache.epochForOffset(99));
        assertEquals(OptionalInt.of(2), cache.epochForOffset(100));
    }

    @Test
    void shouldReplaceContradictedEntriesWhenAssignedOutOfOrder() throws IOException {
        // given
        LeaderEpochCache cache = cache(new EpochEntry(0, 0), new EpochEntry(3, 40));

        // when
        cache.assign(2, 30);

        // then
        assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(2, 30)), cache.entries());
    }

    @Test
    void shouldKeepLatestCoveringEntryMovedUpWhenTruncatedFromStart() throws IOException {
        // given
        LeaderEpochCache cache = cache(new EpochEntry(0, 0), new EpochEntry(1, 10), new EpochEntry(2, 20));

        // when
        cache.truncateFromStart(15);

        // then
        assertEquals(List.of(new EpochEntry(1, 15), new EpochEntry(2, 20)), cache.entries());
        assertEquals(Optional.of(new EpochEntry(1, 15)), cache.earliestEntry());
    }

    @Test
    void shouldDropEntriesBeyondEndWhenTruncatedFromEnd() throws IOException {
        // given
        LeaderEpochCache cache = cache(new EpochEntry(0, 0), new EpochEntry(1, 10), new EpochEntry(2, 20));

        // when
        cache.truncateFromEnd(10);

        // then
        assertEquals(List.of(new EpochEntry(0, 0), new EpochEntry(1, 10)), cache.entries());
        assertEquals("0\n2\n0 0\n1 10\n", Files.readString(dir.resolve("leader-epoch-checkpoint")));
    }
}
