package io.strata.benchmarks.process;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoriesTest {

    @TempDir
    Path dir;

    @Test
    void shouldDeleteTheWholeTreeWhenItHasNestedFiles() throws Exception {
        // given
        Path tree = dir.resolve("data");
        Files.createDirectories(tree.resolve("topic-0"));
        Files.writeString(tree.resolve("topic-0/00000000000000000000.log"), "records");
        Files.writeString(tree.resolve("meta.properties"), "node.id=1");

        // when
        Directories.deleteRecursively(tree);

        // then
        assertFalse(Files.exists(tree));
        assertTrue(Files.exists(dir), "only the given directory goes");
    }

    @Test
    void shouldDoNothingWhenTheDirectoryIsMissing() {
        // when / then
        assertDoesNotThrow(() -> Directories.deleteRecursively(dir.resolve("missing")));
    }
}
