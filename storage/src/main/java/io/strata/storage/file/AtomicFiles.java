package io.strata.storage.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Crash-safe replacement of small metadata files: the new content goes to {@code <name>.tmp},
 * is fsynced, renamed over the target and the parent directory is fsynced, so after a crash the
 * file holds either the old or the new content, never a mix (Kafka's checkpoint files work so).
 *
 * <p>This class is thread-safe (stateless); concurrent writers of the same file must serialize.
 */
public final class AtomicFiles {

    /** Suffix of the temporary file a write goes through; a leftover one is garbage. */
    public static final String TMP_SUFFIX = ".tmp";

    private static final boolean DIRECTORY_FSYNC_SUPPORTED =
            !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private AtomicFiles() {
    }

    /** Replaces {@code file} with {@code content} (UTF-8) atomically and durably. */
    public static void write(Path file, String content) throws IOException {
        write(file, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** Replaces {@code file} with {@code bytes} (position to limit) atomically and durably. */
    public static void write(Path file, ByteBuffer content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + TMP_SUFFIX);
        ByteBuffer bytes = content.duplicate();
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        move(tmp, file);
    }

    /** Renames {@code source} to {@code target} (atomically where the file system can) and fsyncs the directories. */
    public static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Path targetParent = target.toAbsolutePath().getParent();
        fsyncDirectory(targetParent);
        Path sourceParent = source.toAbsolutePath().getParent();
        if (!sourceParent.equals(targetParent)) {
            fsyncDirectory(sourceParent);
        }
    }

    /** Makes a directory's entries (creations, renames, deletions) durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (dir == null || !DIRECTORY_FSYNC_SUPPORTED) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
