package io.strata.storage.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.Uuid;

/**
 * A partition's {@value #FILE_NAME}, which ties the directory to its topic id so a directory
 * left over from a deleted topic of the same name is recognised. Kafka's format, no trailing
 * newline:
 * <pre>
 * version: 0
 * topic_id: 3p9hbQeZTbCNSl5ItLwQ5Q
 * </pre>
 *
 * <p>This class is thread-safe.
 */
public final class PartitionMetadataFile {

    /** File name inside a partition directory. */
    public static final String FILE_NAME = "partition.metadata";

    private static final int CURRENT_VERSION = 0;
    private static final Pattern SEPARATOR = Pattern.compile(":\\s+");

    private final Path file;

    public PartitionMetadataFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Replaces the file with one naming {@code topicId}, atomically. */
    public synchronized void write(Uuid topicId) throws IOException {
        AtomicFiles.write(file, "version: " + CURRENT_VERSION + "\ntopic_id: " + topicId);
    }

    /** The stored topic id; empty when the file does not exist. Fails on a malformed file. */
    public synchronized Optional<Uuid> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (lines.size() < 2) {
            throw malformed("expected a version and a topic_id line");
        }
        String[] version = SEPARATOR.split(lines.get(0).trim(), 2);
        if (version.length != 2 || !version[0].equals("version")) {
            throw malformed("malformed version line '" + lines.get(0) + "'");
        }
        if (!version[1].equals(Integer.toString(CURRENT_VERSION))) {
            throw new IOException("Unrecognized version " + version[1] + " of partition metadata file " + file);
        }
        String[] topicId = SEPARATOR.split(lines.get(1).trim(), 2);
        if (topicId.length != 2 || !topicId[0].equals("topic_id")) {
            throw malformed("malformed topic_id line '" + lines.get(1) + "'");
        }
        try {
            return Optional.of(Uuid.fromString(topicId[1]));
        } catch (IllegalArgumentException e) {
            throw malformed("invalid topic id '" + topicId[1] + "'");
        }
    }

    private IOException malformed(String detail) {
        return new IOException("Corrupt partition metadata file " + file + ": " + detail);
    }
}
