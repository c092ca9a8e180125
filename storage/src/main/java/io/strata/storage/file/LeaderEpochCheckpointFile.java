package io.strata.storage.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A partition's {@value #FILE_NAME}: the offset at which each leader epoch began, in Kafka's
 * checkpoint format (version line, count line, then {@code <epoch> <startOffset>} lines in
 * ascending order). A freshly created single-node partition holds {@code 0\n1\n0 0\n}.
 *
 * <p>This class is thread-safe.
 */
public final class LeaderEpochCheckpointFile {

    /** File name inside a partition directory. */
    public static final String FILE_NAME = "leader-epoch-checkpoint";

    /** One leader epoch and the first offset written in it. */
    public record EpochEntry(int epoch, long startOffset) {
    }

    private final CheckpointFile<EpochEntry> checkpoint;

    public LeaderEpochCheckpointFile(Path file) {
        this.checkpoint = new CheckpointFile<>(file, LeaderEpochCheckpointFile::formatEntry,
                LeaderEpochCheckpointFile::parse);
    }

    /** The content a checkpoint file holding {@code entries} has (what the remote tier stores per segment). */
    public static String format(List<EpochEntry> entries) {
        return CheckpointFile.format(entries, LeaderEpochCheckpointFile::formatEntry);
    }

    private static String formatEntry(EpochEntry entry) {
        return entry.epoch() + " " + entry.startOffset();
    }

    public Path file() {
        return checkpoint.file();
    }

    /** Replaces the file's content with {@code entries}, atomically. */
    public void write(List<EpochEntry> entries) throws IOException {
        checkpoint.write(entries);
    }

    /** The stored entries in file order; empty when the file does not exist. Fails on a malformed file. */
    public List<EpochEntry> read() throws IOException {
        return List.copyOf(checkpoint.read());
    }

    private static EpochEntry parse(String[] fields) {
        if (fields.length != 2) {
            throw new IllegalArgumentException("expected 2 fields");
        }
        return new EpochEntry(Integer.parseInt(fields[0]), Long.parseLong(fields[1]));
    }
}
