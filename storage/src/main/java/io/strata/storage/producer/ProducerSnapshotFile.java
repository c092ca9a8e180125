package io.strata.storage.producer;

import io.strata.storage.file.AtomicFiles;
import io.strata.storage.file.SegmentFiles;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.Crc32C;

/**
 * Reads and writes producer state snapshots, {@code <offset %020d>.snapshot} in a partition
 * directory, byte for byte in Apache Kafka's format (its {@code ProducerSnapshot} message, version
 * 1, not flexible), so Kafka's {@code DumpLogSegments} and a Kafka broker read our files:
 *
 * <pre>
 *  offset  size  field
 *   0      2     version                  int16, always 1
 *   2      4     crc                      uint32, CRC32C of every byte from offset 6 to the end
 *   6      4     entry count              int32
 *  10      46*n  entries, each:
 *                  producer_id            int64
 *                  epoch                  int16
 *                  last_sequence          int32   -1 if no batch is known
 *                  last_offset            int64   -1 if no batch is known
 *                  offset_delta           int32   last batch's lastOffset - firstOffset
 *                  timestamp              int64   max timestamp of the last batch
 *                  coordinator_epoch      int32   -1 if none
 *                  current_txn_first_offset int64 -1 if no transaction is open
 * </pre>
 *
 * Only the newest batch of each producer is stored, so after a restart a retry of an older batch
 * is no longer recognized as a duplicate (as in Kafka). The file is named after the log end offset
 * at which it was taken: it reflects every batch below that offset.
 *
 * <p>This class is stateless and thread-safe; concurrent writers of the same file must serialize.
 */
public final class ProducerSnapshotFile {

    /** The only snapshot version Kafka has defined. */
    public static final short VERSION = 1;

    private static final int VERSION_OFFSET = 0;
    private static final int CRC_OFFSET = 2;
    private static final int PRODUCER_ENTRIES_OFFSET = 6;
    private static final int HEADER_SIZE = PRODUCER_ENTRIES_OFFSET + 4;
    private static final int ENTRY_SIZE = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;

    private ProducerSnapshotFile() {
    }

    /** The snapshot file of {@code dir} taken at {@code offset}. */
    public static Path file(Path dir, long offset) {
        return SegmentFiles.producerSnapshotFile(dir, offset);
    }

    /** True for a file named {@code <digits>.snapshot}. */
    public static boolean isSnapshotFile(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SegmentFiles.PRODUCER_SNAPSHOT_FILE_SUFFIX)) {
            return false;
        }
        int dot = name.length() - SegmentFiles.PRODUCER_SNAPSHOT_FILE_SUFFIX.length();
        if (dot == 0 || dot > SegmentFiles.OFFSET_DIGITS) {
            return false;
        }
        for (int i = 0; i < dot; i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The offset a snapshot file is named after. */
    public static long offset(Path file) {
        return SegmentFiles.offsetFromFile(file);
    }

    /**
     * Writes {@code entries} to {@code file} atomically and durably: into {@code <file>.tmp}, fsync,
     * rename over {@code file}, fsync of the directory. Entries are written in producer id order.
     */
    public static void write(Path file, Collection<ProducerStateEntry> entries) throws IOException {
        ByteBuffer buffer = serialize(entries);
        Path tmp = file.resolveSibling(file.getFileName() + AtomicFiles.TMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        AtomicFiles.move(tmp, file);
    }

    /**
     * Reads the entries of a snapshot file. An entry with a last offset has exactly one retained batch.
     *
     * @throws CorruptSnapshotException if the version is unknown, the CRC does not match or the
     *         content does not parse
     */
    public static List<ProducerStateEntry> read(Path file) throws IOException {
        return deserialize(ByteBuffer.wrap(Files.readAllBytes(file)), file);
    }

    static ByteBuffer serialize(Collection<ProducerStateEntry> entries) {
        List<ProducerStateEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(ProducerStateEntry::producerId));
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_SIZE + ENTRY_SIZE * sorted.size());
        buffer.putShort(VERSION_OFFSET, VERSION);
        buffer.position(PRODUCER_ENTRIES_OFFSET);
        buffer.putInt(sorted.size());
        for (ProducerStateEntry entry : sorted) {
            buffer.putLong(entry.producerId());
            buffer.putShort(entry.producerEpoch());
            buffer.putInt(entry.lastSeq());
            buffer.putLong(entry.lastDataOffset());
            buffer.putInt(entry.lastOffsetDelta());
            buffer.putLong(entry.lastTimestamp());
            buffer.putInt(entry.coordinatorEpoch());
            buffer.putLong(entry.currentTxnFirstOffset());
        }
        buffer.flip();
        long crc = Crc32C.compute(buffer, PRODUCER_ENTRIES_OFFSET, buffer.limit() - PRODUCER_ENTRIES_OFFSET);
        ByteUtils.writeUnsignedInt(buffer, CRC_OFFSET, crc);
        return buffer;
    }

    static List<ProducerStateEntry> deserialize(ByteBuffer buffer, Path file) {
        if (buffer.remaining() < HEADER_SIZE) {
            throw new CorruptSnapshotException("Snapshot " + file + " is truncated: " + buffer.remaining()
                    + " bytes, a snapshot has at least " + HEADER_SIZE);
        }
        short version = buffer.getShort(VERSION_OFFSET);
        if (version != VERSION) {
            throw new CorruptSnapshotException("Snapshot " + file + " contained an unknown file version " + version);
        }
        long storedCrc = ByteUtils.readUnsignedInt(buffer, CRC_OFFSET);
        long computedCrc = Crc32C.compute(buffer, PRODUCER_ENTRIES_OFFSET, buffer.limit() - PRODUCER_ENTRIES_OFFSET);
        if (storedCrc != computedCrc) {
            throw new CorruptSnapshotException("Snapshot " + file + " is corrupt (CRC is no longer valid). Stored crc: "
                    + storedCrc + ". Computed crc: " + computedCrc);
        }
        buffer.position(PRODUCER_ENTRIES_OFFSET);
        int count = buffer.getInt();
        if (count < 0 || (long) count * ENTRY_SIZE != buffer.remaining()) {
            throw new CorruptSnapshotException("Snapshot " + file + " failed schema validation: " + count
                    + " entries declared in " + buffer.remaining() + " bytes");
        }
        List<ProducerStateEntry> entries = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                long producerId = buffer.getLong();
                short epoch = buffer.getShort();
                int lastSequence = buffer.getInt();
                long lastOffset = buffer.getLong();
                int offsetDelta = buffer.getInt();
                long timestamp = buffer.getLong();
                int coordinatorEpoch = buffer.getInt();
                long currentTxnFirstOffset = buffer.getLong();
                ProducerStateEntry entry = new ProducerStateEntry(producerId, epoch, coordinatorEpoch, timestamp,
                        currentTxnFirstOffset >= 0 ? currentTxnFirstOffset : -1L);
                if (lastOffset >= 0) {
                    entry.addBatch(epoch, lastSequence, lastOffset, offsetDelta, timestamp);
                }
                entries.add(entry);
            }
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            throw new CorruptSnapshotException("Snapshot " + file + " failed schema validation: " + e.getMessage(), e);
        }
        return entries;
    }
}
