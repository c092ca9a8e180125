package io.strata.benchmarks.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary directories for the benchmarks' logs and index files, deleted again in {@code @TearDown}.
 *
 * <p>They are created under the directory named by the system property {@value #DIR_PROPERTY}; without
 * it under {@code /dev/shm} when that is a writable directory (tmpfs, so that both logs are measured
 * without disk I/O: their background flushes of rolled segments become no-ops), else under
 * {@code java.io.tmpdir}.
 *
 * <p>This class is thread-safe (stateless).
 */
final class BenchmarkDirs {

    /** System property naming the parent directory of the benchmarks' temporary directories. */
    static final String DIR_PROPERTY = "strata.jmh.dir";

    private static final Path SHM = Path.of("/dev/shm");

    private BenchmarkDirs() {
    }

    /** A new empty directory whose name starts with {@code prefix}. */
    static Path create(String prefix) {
        try {
            return Files.createTempDirectory(parent(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory under " + parent(), e);
        }
    }

    /** Deletes {@code dir} with everything in it; a missing directory is fine. */
    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }

    private static Path parent() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        if (Files.isDirectory(SHM) && Files.isWritable(SHM)) {
            return SHM;
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
