package io.strata.storage.producer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.Crc32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerSnapshotFileTest {

    /**
     * A snapshot written by Apache Kafka 4.3.1's {@code ProducerStateManager.writeSnapshot} for the
     * three entries of {@link #kafkaEntries()}: a producer with one batch, one with an open
     * transaction and a coordinator epoch, one with an epoch but no batch.
     */
    private static final String KAFKA_SNAPSHOT_HEX = "0001bc6b15eb00000003"
            + "00000000000003e8" + "0003" + "00000029" + "00000000000004d2" + "00000009" + "0000018bcfe56800"
            + "ffffffff" + "ffffffffffffffff"
            + "00000000000007d0" + "0000" + "00000004" + "0000000000000230" + "00000004" + "0000018bcfe57b88"
            + "00000007" + "000000000000022b"
            + "0000000000000bb8" + "0005" + "ffffffff" + "ffffffffffffffff" + "00000000" + "ffffffffffffffff"
            + "ffffffff" + "ffffffffffffffff";

    @TempDir
    Path dir;

    @Test
    void shouldWriteKafkaBytesWhenSerializingEntries() throws IOException {
        // given
        Path file = ProducerSnapshotFile.file(dir, 1235L);

        // when
        ProducerSnapshotFile.write(file, kafkaEntries());

        // then
        assertEquals(dir.resolve("00000000000000001235.snapshot"), file);
        assertArrayEquals(HexFormat.of().parseHex(KAFKA_SNAPSHOT_HEX), Files.readAllBytes(file));
        assertFalse(Files.exists(dir.resolve("00000000000000001235.snapshot.tmp")));
    }

    @Test
    void shouldReadEntriesWhenFileWasWrittenByKafka() throws IOException {
        // given
        Path file = ProducerSnapshotFile.file(dir, 1235L);
        Files.write(file, HexFormat.of().parseHex(KAFKA_SNAPSHOT_HEX));

        // when
        List<ProducerStateEntry> entries = ProducerSnapshotFile.read(file);

        // then
        assertEquals(3, entries.size());
        ProducerStateEntry withBatch = entries.get(0);
        assertEquals(1000L, withBatch.producerId());
        assertEquals(3, withBatch.producerEpoch());
        assertEquals(List.of(new BatchMetadata(41, 1234L, 9, 1_700_000_000_000L)), withBatch.batchMetadata());
        assertEquals(32, withBatch.firstSeq());
        assertEquals(1225L, withBatch.firstDataOffset());
        ProducerStateEntry inTransaction = entries.get(1);
        assertEquals(555L, inTransaction.currentTxnFirstOffset());
        assertEquals(7, inTransaction.coordinatorEpoch());
        ProducerStateEntry withoutBatch = entries.get(2);
        assertEquals(5, withoutBatch.producerEpoch());
        assertTrue(withoutBatch.isEmpty());
        assertEquals(-1, withoutBatch.lastSeq());
        assertEquals(-1L, withoutBatch.lastTimestamp());
    }

    @Test
    void shouldWriteEmptyListWhenNoProducerIsKnown() throws IOException {
        // given
        Path file = ProducerSnapshotFile.file(dir, 0L);

        // when
        ProducerSnapshotFile.write(file, List.of());

        // then
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        assertEquals(10, bytes.length);
        assertEquals(1, buffer.getShort(0));
        assertEquals(Crc32C.compute(bytes, 6, 4), ByteUtils.readUnsignedInt(buffer, 2));
        assertEquals(0, buffer.getInt(6));
        assertEquals(List.of(), ProducerSnapshotFile.read(file));
    }

    @Test
    void shouldRejectFileWhenVersionIsUnknown() throws IOException {
        // given
        byte[] bytes = HexFormat.of().parseHex(KAFKA_SNAPSHOT_HEX);
        bytes[1] = 2;
        Path file = dir.resolve("00000000000000000001.snapshot");
        Files.write(file, bytes);

        // when / then
        CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> ProducerSnapshotFile.read(file));
        assertTrue(e.getMessage().contains("unknown file version 2"), e.getMessage());
    }

    @Test
    void shouldRejectFileWhenCrcDoesNotMatch() throws IOException {
        // given
        byte[] bytes = HexFormat.of().parseHex(KAFKA_SNAPSHOT_HEX);
        bytes[20] ^= 0x01;
        Path file = dir.resolve("00000000000000000001.snapshot");
        Files.write(file, bytes);

        // when / then
        assertThrows(CorruptSnapshotException.class, () -> ProducerSnapshotFile.read(file));
    }

    @Test
    void shouldRejectFileWhenTruncated() throws IOException {
        // given: the CRC matches the remaining bytes, but an entry is cut
        byte[] bytes = HexFormat.of().parseHex(KAFKA_SNAPSHOT_HEX.substring(0, KAFKA_SNAPSHOT_HEX.length() - 20));
        ByteUtils.writeUnsignedInt(ByteBuffer.wrap(bytes), 2, Crc32C.compute(bytes, 6, bytes.length - 6));
        Path file = dir.resolve("00000000000000000001.snapshot");
        Files.write(file, bytes);
        Path tiny = dir.resolve("00000000000000000002.snapshot");
        Files.write(tiny, new byte[] {0, 1, 0});

        // when / then
        assertThrows(CorruptSnapshotException.class, () -> ProducerSnapshotFile.read(file));
        assertThrows(CorruptSnapshotException.class, () -> ProducerSnapshotFile.read(tiny));
    }

    @Test
    void shouldRecognizeSnapshotFilesWhenNamedAfterAnOffset() {
        // given
        Path snapshot = dir.resolve("00000000000000000042.snapshot");

        // when / then
        assertTrue(ProducerSnapshotFile.isSnapshotFile(snapshot));
        assertEquals(42L, ProducerSnapshotFile.offset(snapshot));
        assertFalse(ProducerSnapshotFile.isSnapshotFile(dir.resolve("00000000000000000042.snapshot.tmp")));
        assertFalse(ProducerSnapshotFile.isSnapshotFile(dir.resolve("00000000000000000042.snapshot.deleted")));
        assertFalse(ProducerSnapshotFile.isSnapshotFile(dir.resolve("leader.snapshot")));
        assertFalse(ProducerSnapshotFile.isSnapshotFile(dir.resolve(".snapshot")));
    }

    private static List<ProducerStateEntry> kafkaEntries() {
        ProducerStateEntry withBatch = new ProducerStateEntry(1000L, (short) 3, -1, 1_700_000_000_000L, -1L);
        withBatch.addBatch((short) 3, 41, 1234L, 9, 1_700_000_000_000L);
        ProducerStateEntry inTransaction = new ProducerStateEntry(2000L, (short) 0, 7, 1_700_000_005_000L, 555L);
        inTransaction.addBatch((short) 0, 4, 560L, 4, 1_700_000_005_000L);
        ProducerStateEntry withoutBatch = new ProducerStateEntry(3000L, (short) 5, -1, -1L, -1L);
        // written out of order: the file lists producers by id
        return List.of(inTransaction, withoutBatch, withBatch);
    }
}
