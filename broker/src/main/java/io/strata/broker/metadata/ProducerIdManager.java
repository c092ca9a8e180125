package io.strata.broker.metadata;

import io.strata.storage.file.AtomicFiles;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.UnknownServerException;

/**
 * Hands out producer ids for InitProducerId so that no id is ever given twice, across restarts and
 * crashes: ids are taken from blocks of {@value #BLOCK_SIZE}, and a block is reserved durably in
 * {@value #FILE_NAME} (under {@code __strata_metadata}) before its first id is handed out. After a
 * restart allocation continues after the last reserved block, so the unused rest of that block is
 * skipped, like Kafka's producer id blocks.
 *
 * <p>File format (properties, replaced atomically): {@code version=1}, {@code block.start} and
 * {@code block.end} (inclusive) of the last reserved block.
 *
 * <p>{@link #generateProducerId()} may write and fsync a file: call it on a storage thread.
 *
 * <p>This class is thread-safe.
 */
public final class ProducerIdManager {

    /** Ids reserved per durable write. */
    public static final int BLOCK_SIZE = 1000;
    /** The file, in the metadata dir, recording the last reserved block. */
    public static final String FILE_NAME = "producer-id-block";

    private static final String VERSION = "version";
    private static final String CURRENT_VERSION = "1";
    private static final String BLOCK_START = "block.start";
    private static final String BLOCK_END = "block.end";

    private final Path file;
    private long nextProducerId;
    private long blockEnd;

    private ProducerIdManager(Path file, long lastReservedEnd) {
        this.file = file;
        this.blockEnd = lastReservedEnd;
        this.nextProducerId = lastReservedEnd + 1;
    }

    /**
     * Reads the last reserved block from {@code metadataDir} (none on first start: ids start at 0).
     *
     * @throws IOException if the file cannot be read or is corrupt
     */
    public static ProducerIdManager open(Path metadataDir) throws IOException {
        Files.createDirectories(metadataDir);
        Path file = metadataDir.resolve(FILE_NAME);
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new ProducerIdManager(file, -1L);
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(content));
            if (!CURRENT_VERSION.equals(properties.getProperty(VERSION))) {
                throw new IOException("Unsupported version " + properties.getProperty(VERSION) + " of " + file);
            }
            long start = Long.parseLong(String.valueOf(properties.getProperty(BLOCK_START)));
            long end = Long.parseLong(String.valueOf(properties.getProperty(BLOCK_END)));
            if (start < 0 || end < start) {
                throw new IOException("Corrupt producer id block file " + file + ": block " + start + ".." + end);
            }
            return new ProducerIdManager(file, end);
        } catch (IllegalArgumentException e) {
            throw new IOException("Corrupt producer id block file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The next producer id, never handed out before by this broker.
     *
     * @throws KafkaStorageException  if a new block cannot be reserved durably (no id is handed out)
     * @throws UnknownServerException if every producer id has been used
     */
    public synchronized long generateProducerId() {
        if (nextProducerId > blockEnd) {
            reserveNextBlock();
        }
        return nextProducerId++;
    }

    private void reserveNextBlock() {
        long start = blockEnd + 1;
        if (start < 0 || start > Long.MAX_VALUE - BLOCK_SIZE) {
            throw new UnknownServerException("All producer ids have been used");
        }
        long end = start + BLOCK_SIZE - 1;
        try {
            AtomicFiles.write(file, VERSION + "=" + CURRENT_VERSION + "\n" + BLOCK_START + "=" + start + "\n"
                    + BLOCK_END + "=" + end + "\n");
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to reserve producer ids " + start + ".." + end + " in " + file, e);
        }
        nextProducerId = start;
        blockEnd = end;
    }
}
