package io.strata.storage.log;

import io.strata.storage.file.AtomicFiles;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;

/**
 * Naming of partition directories in a log dir, as Kafka names them: {@code <topic>-<partition>},
 * and {@code <topic>-<partition>.<uuid>-delete} while a deleted partition awaits removal.
 *
 * <p>This class is stateless and thread-safe.
 */
final class LogFiles {

    /** Suffix of a partition directory scheduled for deletion. */
    static final String DELETE_DIR_SUFFIX = "-delete";
    /** Suffix of a partition directory a replica is being moved into (Kafka's; never loaded here). */
    static final String FUTURE_DIR_SUFFIX = "-future";
    /** Suffix of a partition directory Kafka found to be stray (never loaded here). */
    static final String STRAY_DIR_SUFFIX = "-stray";

    private static final int MAX_FILE_NAME_LENGTH = 255;

    private LogFiles() {
    }

    static String dirName(TopicPartition topicPartition) {
        return topicPartition.topic() + "-" + topicPartition.partition();
    }

    /** The name a partition directory is renamed to before its asynchronous deletion. */
    static String deleteDirName(TopicPartition topicPartition) {
        String suffix = "." + UUID.randomUUID().toString().replace("-", "") + DELETE_DIR_SUFFIX;
        String prefix = dirName(topicPartition);
        int room = MAX_FILE_NAME_LENGTH - suffix.length();
        return (prefix.length() > room ? prefix.substring(0, room) : prefix) + suffix;
    }

    static boolean isDeleteDir(Path dir) {
        return dir.getFileName().toString().endsWith(DELETE_DIR_SUFFIX);
    }

    /** The partition a directory named {@code <topic>-<partition>} holds; empty for any other name. */
    static Optional<TopicPartition> parseDirName(String name) {
        if (name.endsWith(DELETE_DIR_SUFFIX) || name.endsWith(FUTURE_DIR_SUFFIX) || name.endsWith(STRAY_DIR_SUFFIX)) {
            return Optional.empty();
        }
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return Optional.empty();
        }
        String partition = name.substring(dash + 1);
        for (int i = 0; i < partition.length(); i++) {
            if (!Character.isDigit(partition.charAt(i))) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(new TopicPartition(name.substring(0, dash), Integer.parseInt(partition)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Deletes a directory tree; a missing directory is not an error. */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path visited, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(visited);
                return FileVisitResult.CONTINUE;
            }
        });
        AtomicFiles.fsyncDirectory(dir.toAbsolutePath().getParent());
    }
}
