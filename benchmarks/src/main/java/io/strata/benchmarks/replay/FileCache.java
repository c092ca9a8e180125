package io.strata.benchmarks.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Evicts files from the OS page cache without root and without touching other files: {@code sync}
 * writes back their dirty pages, then GNU {@code dd if=FILE iflag=nocache count=0} asks the kernel
 * ({@code posix_fadvise(POSIX_FADV_DONTNEED)}) to drop the whole file's cached pages. Linux with
 * GNU coreutils only.
 *
 * <p>This class is stateless and thread-safe.
 */
final class FileCache {

    private FileCache() {
    }

    /** Evicts every regular file under {@code dir} from the page cache; returns how many files. */
    static int evict(Path dir) throws IOException, InterruptedException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        if (files.isEmpty()) {
            return 0;
        }
        List<String> sync = new ArrayList<>();
        sync.add("sync");
        files.forEach(f -> sync.add(f.toString()));
        run(sync);
        for (Path file : files) {
            run(List.of("dd", "if=" + file, "iflag=nocache", "count=0", "status=none"));
        }
        return files.size();
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("Timed out: " + String.join(" ", command.subList(0, Math.min(3, command.size()))));
        }
        if (process.exitValue() != 0) {
            throw new IOException("Exit " + process.exitValue() + ": " + command.get(0) + " " + command.get(1));
        }
    }
}
