package io.strata.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Log segment files for tests: a {@link FileRecords} with a few batches, and heap copies of
 * slices of it.
 *
 * <p>Stateless and thread-safe.
 */
public final class TestSegments {

    private TestSegments() {
    }

    /** A segment file in {@code dir} holding {@code batches} batches of two records each. */
    public static FileRecords segment(Path dir, int batches) throws IOException {
        FileRecords segment = FileRecords.open(dir.resolve("00000000000000000000.log").toFile());
        for (int i = 0; i < batches; i++) {
            segment.append(MemoryRecords.withRecords(2L * i, Compression.NONE,
                new SimpleRecord(1_700_000_000_000L + i, ("key-" + i).getBytes(), ("value-" + i).getBytes()),
                new SimpleRecord(1_700_000_000_001L + i, ("key-" + i).getBytes(), ("other-" + i).getBytes())));
        }
        segment.flush();
        return segment;
    }

    /** The bytes of {@code slice}, read into the heap, as {@code MemoryRecords}. */
    public static MemoryRecords heapCopy(FileRecords slice) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
        slice.readInto(buffer, 0); // reads and flips
        return MemoryRecords.readableRecords(buffer);
    }

    /** The position in the segment where batch {@code index} starts. */
    public static int batchPosition(FileRecords segment, int index) {
        int position = 0;
        int i = 0;
        for (var batch : segment.batches()) {
            if (i++ == index) {
                return position;
            }
            position += batch.sizeInBytes();
        }
        throw new IllegalArgumentException("No batch " + index);
    }
}
