package io.strata.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsFileTest {

    private static final String BEGIN = ResultsFile.BEGIN;
    private static final String END = ResultsFile.END;

    @TempDir
    Path dir;

    @Test
    void shouldAppendMarkersAndSectionWhenTheFileHasNoMarkers() {
        // given
        String existing = "# Benchmark results\n\nJMH figures.\n";

        // when
        String updated = ResultsFile.splice(existing, "## Comparison\n\n| a | b |\n");

        // then
        assertEquals("# Benchmark results\n\nJMH figures.\n\n" + BEGIN + "\n## Comparison\n\n| a | b |\n" + END + "\n",
                updated);
    }

    @Test
    void shouldAddTheMissingLineBreakWhenTheFileDoesNotEndWithOne() {
        // when
        String updated = ResultsFile.splice("text", "section");

        // then
        assertEquals("text\n\n" + BEGIN + "\nsection\n" + END + "\n", updated);
    }

    @Test
    void shouldWriteOnlyTheSectionWhenTheFileIsEmpty() {
        // when
        String updated = ResultsFile.splice("", "section");

        // then
        assertEquals(BEGIN + "\nsection\n" + END + "\n", updated);
    }

    @Test
    void shouldReplaceOnlyTheTextBetweenMarkersWhenTheyExist() {
        // given
        String existing = "# Results\n\nbefore\n" + BEGIN + "\nold table\nold notes\n" + END + "\n\n## Analysis\nkept\n";

        // when
        String updated = ResultsFile.splice(existing, "new table\n");

        // then
        assertEquals("# Results\n\nbefore\n" + BEGIN + "\nnew table\n" + END + "\n\n## Analysis\nkept\n", updated);
    }

    @Test
    void shouldGiveTheSameFileWhenTheSameSectionIsWrittenTwice() {
        // given
        String once = ResultsFile.splice("# Results\n", "section");

        // when
        String twice = ResultsFile.splice(once, "section");

        // then
        assertEquals(once, twice);
    }

    @Test
    void shouldRefuseWhenOnlyTheBeginMarkerExists() {
        // when / then
        assertThrows(IllegalStateException.class, () -> ResultsFile.splice("a\n" + BEGIN + "\nb\n", "section"));
    }

    @Test
    void shouldRefuseWhenOnlyTheEndMarkerExists() {
        // when / then
        assertThrows(IllegalStateException.class, () -> ResultsFile.splice("a\n" + END + "\nb\n", "section"));
    }

    @Test
    void shouldRefuseWhenTheMarkersAreReversed() {
        // when / then
        assertThrows(IllegalStateException.class, () -> ResultsFile.splice(END + "\nx\n" + BEGIN + "\n", "section"));
    }

    @Test
    void shouldRefuseWhenAMarkerIsRepeated() {
        // given
        String existing = BEGIN + "\nx\n" + END + "\n" + BEGIN + "\ny\n" + END + "\n";

        // when / then
        assertThrows(IllegalStateException.class, () -> ResultsFile.splice(existing, "section"));
    }

    @Test
    void shouldCreateTheFileWhenItDoesNotExist() throws Exception {
        // given
        Path file = dir.resolve("RESULTS.md");

        // when
        ResultsFile.write(file, "section");

        // then
        assertEquals(BEGIN + "\nsection\n" + END + "\n", Files.readString(file));
    }

    @Test
    void shouldKeepOtherContentWhenRewritingAFile() throws Exception {
        // given
        Path file = dir.resolve("RESULTS.md");
        Files.writeString(file, "# JMH\nfigures\n");
        ResultsFile.write(file, "first");

        // when
        ResultsFile.write(file, "second");

        // then
        assertEquals("# JMH\nfigures\n\n" + BEGIN + "\nsecond\n" + END + "\n", Files.readString(file));
    }
}
