package io.strata.storage.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A per-log-dir map from partition to offset in Kafka's checkpoint format, used for
 * {@value #RECOVERY_POINT} (offset below which every segment is flushed) and
 * {@value #LOG_START_OFFSET} (log start offsets raised above the first segment's base offset):
 * <pre>
 * 0                      version
 * 2                      number of entries
 * orders 0 1500          topic partition offset
 * orders 1 1320
 * </pre>
 * Topic names never contain whitespace, so the fields are split on it.
 *
 * <p>This class is thread-safe.
 */
public final class OffsetCheckpointFile {

    /** File name of the recovery-point checkpoint in a log dir. */
    public static final String RECOVERY_POINT = "recovery-point-offset-checkpoint";
    /** File name of the log-start-offset checkpoint in a log dir. */
    public static final String LOG_START_OFFSET = "log-start-offset-checkpoint";

    private final CheckpointFile<Map.Entry<TopicPartition, Long>> checkpoint;

    public OffsetCheckpointFile(Path file) {
        this.checkpoint = new CheckpointFile<>(file,
                entry -> entry.getKey().topic() + ' ' + entry.getKey().partition() + ' ' + entry.getValue(),
                OffsetCheckpointFile::parse);
    }

    public Path file() {
        return checkpoint.file();
    }

    /** Replaces the file's content with {@code offsets}, atomically. */
    public void write(Map<TopicPartition, Long> offsets) throws IOException {
        checkpoint.write(offsets.entrySet());
    }

    /** The stored offsets; empty when the file does not exist. Fails on a malformed file. */
    public Map<TopicPartition, Long> read() throws IOException {
        List<Map.Entry<TopicPartition, Long>> entries = checkpoint.read();
        Map<TopicPartition, Long> offsets = new HashMap<>(entries.size() * 2);
        for (Map.Entry<TopicPartition, Long> entry : entries) {
            offsets.put(entry.getKey(), entry.getValue());
        }
        return offsets;
    }

    private static Map.Entry<TopicPartition, Long> parse(String[] fields) {
        if (fields.length != 3) {
            throw new IllegalArgumentException("expected 3 fields");
        }
        int partition = Integer.parseInt(fields[1]);
        long offset = Long.parseLong(fields[2]);
        if (partition < 0) {
            throw new IllegalArgumentException("negative partition");
        }
        return Map.entry(new TopicPartition(fields[0], partition), offset);
    }
}
