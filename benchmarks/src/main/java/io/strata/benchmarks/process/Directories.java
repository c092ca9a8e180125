package io.strata.benchmarks.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * File-tree helpers for benchmark run directories.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class Directories {

    private Directories() {
    }

    /**
     * Deletes a directory and everything under it; does nothing when it does not exist.
     *
     * @param dir the directory to delete
     * @throws UncheckedIOException when a file cannot be deleted
     */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (NoSuchFileException e) {
            // Deleted concurrently (for example by the broker's own cleanup): nothing left to do.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
