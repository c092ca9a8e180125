package io.strata.storage.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.Crc32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LogValidatorTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final long HOUR = 60L * 60 * 1000;
    /** Offsets in the v2 batch header that kafka-clients does not export. */
    private static final int ATTRIBUTES_OFFSET = 21;
    private static final int MAX_TIMESTAMP_OFFSET = 35;
    private static final int BASE_SEQUENCE_OFFSET = 53;
    private static final int RECORDS_OFFSET = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;

    private final LogConfig createTime = config(TimestampType.CREATE_TIME, 1024 * 1024);

    static Stream<Compression> codecs() {
        return Stream.of(Compression.NONE, Compression.gzip().build(), Compression.snappy().build(),
                Compression.lz4().build(), Compression.zstd().build());
    }

    @Test
    void shouldRejectRecordsWithoutBatchWhenEmpty() {
        // given
        MemoryRecords records = MemoryRecords.EMPTY;

        // when / then
        assertThrows(InvalidRecordException.class, () -> LogValidator.validate(records, createTime, NOW));
    }

    @Test
    void shouldRejectBatchWhenMagicIsNotV2() {
        // given
        MemoryRecords records = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
                new SimpleRecord(NOW, "v".getBytes(StandardCharsets.UTF_8)));

        // when / then
        assertThrows(InvalidRecordException.class, () -> LogValidator.validate(records, createTime, NOW));
    }

    @Test
    void shouldRejectRequestWhenItHoldsMoreThanOneBatch() {
        // given
        MemoryRecords records = concat(batch(Compression.NONE, NOW, NOW), batch(Compression.NONE, NOW));

        // when / then
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> LogValidator.validate(records, createTime, NOW));
        assertTrue(e.getMessage().contains("exactly one record batch"), e.getMessage());
    }

    @Test
    void shouldRejectBatchWhenBaseOffsetIsNotZero() {
        // given
        MemoryRecords records = MemoryRecords.withRecords(42L, Compression.NONE, new SimpleRecord(NOW, value(0)));

        // when / then
        assertThrows(InvalidRecordException.class, () -> LogValidator.validate(records, createTime, NOW));
    }

    @Test
    void shouldRejectBatchWhenLargerThanMaxMessageBytes() {
        // given
        MemoryRecords records = batch(Compression.NONE, NOW, NOW, NOW);
        LogConfig small = config(TimestampType.CREATE_TIME, records.sizeInBytes() - 1);

        // when / then
        assertThrows(RecordTooLargeException.class, () -> LogValidator.validate(records, small, NOW));
        assertDoesNotThrow(() -> LogValidator.validate(records,
                config(TimestampType.CREATE_TIME, records.sizeInBytes()), NOW));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void shouldRejectBatchWhenCrcDoesNotMatch(Compression compression) {
        // given
        MemoryRecords records = batch(compression, NOW, NOW - 1, NOW - 2);
        ByteBuffer buffer = records.buffer();
        int last = buffer.limit() - 1;
        buffer.put(last, (byte) (buffer.get(last) ^ 0x01));

        // when / then
        assertThrows(CorruptRecordException.class, () -> LogValidator.validate(records, createTime, NOW));
    }

    @Test
    void shouldRejectRecordsWhenLastBatchIsTruncated() {
        // given
        MemoryRecords complete = batch(Compression.NONE, NOW);
        ByteBuffer partial = batch(Compression.NONE, NOW).buffer();
        partial.limit(30);
        MemoryRecords records = concat(complete, MemoryRecords.readableRecords(partial.slice()));

        // when / then
        assertThrows(CorruptRecordException.class, () -> LogValidator.validate(records, createTime, NOW));
    }

    @Test
    void shouldRejectRecordsWhenTheOnlyBatchIsTruncated() {
        // given
        ByteBuffer buffer = batch(Compression.NONE, NOW, NOW).buffer();
        buffer.limit(buffer.limit() - 3);
        MemoryRecords records = MemoryRecords.readableRecords(buffer.slice());

        // when / then
        assertThrows(CorruptRecordException.class, () -> LogValidator.validate(records, createTime, NOW));
    }

    @Test
    void shouldRejectControlBatchWhenSentByClient() {
        // given
        MemoryRecords records = MemoryRecords.withEndTransactionMarker(0L, NOW, 0, 7L, (short) 1,
                new EndTransactionMarker(ControlRecordType.COMMIT, 3));

        // when / then
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> LogValidator.validate(records, createTime, NOW));
        assertTrue(e.getMessage().contains("control records"), e.getMessage());
    }

    @Test
    void shouldRejectTransactionalBatchWhenNoTransactionIsOngoing() {
        // given
        MemoryRecords records = MemoryRecords.withTransactionalRecords(Compression.NONE, 7L, (short) 0, 0,
                new SimpleRecord(NOW, value(0)));

        // when / then
        assertThrows(InvalidTxnStateException.class, () -> LogValidator.validate(records, createTime, NOW));
    }

    @Test
    void shouldRejectProducerBatchWhenSequenceIsNegative() {
        // given
        MemoryRecords records = MemoryRecords.withIdempotentRecords(Compression.NONE, 7L, (short) 0, 0,
                new SimpleRecord(NOW, value(0)));
        rewriteHeader(records, buffer -> buffer.putInt(BASE_SEQUENCE_OFFSET, -5));

        // when / then
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> LogValidator.validate(records, createTime, NOW));
        assertTrue(e.getMessage().contains("Invalid sequence number -5"), e.getMessage());
    }

    @Test
    void shouldRejectBatchWhenRecordCountDisagreesWithOffsetRange() {
        // given
        MemoryRecords records = batch(Compression.NONE, NOW, NOW);
        rewriteHeader(records, buffer -> buffer.putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, 3));

        // when / then
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> LogValidator.validate(records, createTime, NOW));
        assertTrue(e.getMessage().contains("Inconsistent batch offset range"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void shouldRejectBatchWhenInnerOffsetDeltasAreNotContiguous(Compression compression) {
        // given: deltas 0 and 2 with a header claiming two records at deltas 0..1
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, compression, TimestampType.CREATE_TIME, 0L);
        builder.appendWithOffset(0L, new SimpleRecord(NOW, value(0)));
        builder.appendWithOffset(2L, new SimpleRecord(NOW, value(1)));
        MemoryRecords records = builder.build();
        rewriteHeader(records, b -> b.putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, 1));

        // when / then
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> LogValidator.validate(records, createTime, NOW));
        assertTrue(e.getMessage().contains("offset delta 2"), e.getMessage());
    }

    @Test
    void shouldRejectBatchWhenCodecIsUnknown() {
        // given: codec id 6 does not exist
        MemoryRecords records = batch(Compression.NONE, NOW);
        rewriteHeader(records, b -> b.putShort(ATTRIBUTES_OFFSET, (short) ((b.getShort(ATTRIBUTES_OFFSET) & ~0x07) | 6)));

        // when / then
        assertThrows(UnsupportedCompressionTypeException.class, () -> LogValidator.validate(records, createTime, NOW));
    }

    @Test
    void shouldRejectBatchWhenCompressedPayloadIsGarbage() {
        // given: a valid CRC over a gzip payload that does not decompress
        MemoryRecords records = batch(Compression.gzip().build(), NOW, NOW, NOW);
        rewriteHeader(records, b -> {
            for (int i = RECORDS_OFFSET; i < b.limit(); i++) {
                b.put(i, (byte) 0x5a);
            }
        });

        // when / then
        assertThrows(InvalidRecordException.class, () -> LogValidator.validate(records, createTime, NOW));
    }

    @Test
    void shouldRejectRecordsWhenTimestampsAreOutOfRange() {
        // given: before.max.ms = after.max.ms = 1 h; records 0 and 2 are outside
        LogConfig bounded = withTimestampBounds(createTime, HOUR, HOUR);
        MemoryRecords records = batch(Compression.lz4().build(), NOW - 2 * HOUR, NOW - HOUR, NOW + 2 * HOUR, NOW + HOUR);

        // when
        LogValidator.InvalidRecordTimestampException e = assertThrows(
                LogValidator.InvalidRecordTimestampException.class,
                () -> LogValidator.validate(records, bounded, NOW));

        // then
        assertTrue(e instanceof InvalidTimestampException);
        assertEquals(List.of(0, 2), e.recordErrors().stream().map(LogValidator.RecordError::batchIndex).toList());
        assertTrue(e.recordErrors().get(0).message().contains("[" + (NOW - HOUR) + ", " + (NOW + HOUR) + "]"),
                e.recordErrors().get(0).message());
    }

    @Test
    void shouldAcceptAnyPastTimestampWhenBeforeMaxIsUnlimited() {
        // given: Kafka's defaults, before.max.ms = Long.MAX_VALUE, after.max.ms = 1 h
        MemoryRecords records = batch(Compression.NONE, 0L, 1L, RecordBatch.NO_TIMESTAMP);

        // when
        LogValidator.ValidatedBatches validated = LogValidator.validate(records, createTime, NOW);

        // then
        assertEquals(3, validated.recordCount());
        assertEquals(1L, validated.maxTimestamp());
    }

    @Test
    void shouldRejectClientBatchWhenItClaimsLogAppendTime() {
        // given
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        MemoryRecordsBuilder builder = MemoryRecords.builder(buffer, Compression.NONE, TimestampType.LOG_APPEND_TIME, 0L);
        builder.append(new SimpleRecord(NOW, value(0)));
        MemoryRecords records = builder.build();

        // when / then
        assertThrows(InvalidTimestampException.class,
                () -> LogValidator.validate(records, config(TimestampType.LOG_APPEND_TIME, 1 << 20), NOW));
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void shouldKeepCompressedBytesWhenAssigningOffsets(Compression compression) {
        // given
        MemoryRecords records = batch(compression, NOW - 30, NOW - 10, NOW - 20);
        LogValidator.ValidatedBatches validated = LogValidator.validate(records, createTime, NOW);
        byte[] payloadBefore = payload(records);

        // when
        LogValidator.OffsetAssignment assigned = LogValidator.assignOffsets(records, 1000L, createTime, NOW, 7);

        // then
        assertEquals(1, validated.batchCount());
        assertEquals(3, validated.recordCount());
        assertEquals(records.sizeInBytes(), validated.sizeInBytes());
        assertArrayEquals(payloadBefore, payload(records));
        MutableRecordBatch batch = records.batches().iterator().next();
        assertDoesNotThrow(batch::ensureValid);
        assertEquals(compression.type(), batch.compressionType());
        assertEquals(1000L, batch.baseOffset());
        assertEquals(1002L, batch.lastOffset());
        assertEquals(7, batch.partitionLeaderEpoch());
        assertEquals(List.of(1000L, 1001L, 1002L), offsets(batch));
        assertEquals(new LogValidator.OffsetAssignment(1002L, NOW - 10, 1001L, RecordBatch.NO_TIMESTAMP), assigned);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void shouldStampAppendTimeWhenTopicUsesLogAppendTime(Compression compression) {
        // given
        LogConfig logAppendTime = config(TimestampType.LOG_APPEND_TIME, 1 << 20);
        MemoryRecords records = batch(compression, NOW - 5000, NOW - 4000);
        LogValidator.validate(records, logAppendTime, NOW);
        byte[] payloadBefore = payload(records);

        // when
        LogValidator.OffsetAssignment assigned = LogValidator.assignOffsets(records, 50L, logAppendTime, NOW, 2);

        // then
        MutableRecordBatch batch = records.batches().iterator().next();
        assertDoesNotThrow(batch::ensureValid);
        assertEquals(TimestampType.LOG_APPEND_TIME, batch.timestampType());
        assertEquals(NOW, batch.maxTimestamp());
        for (Record record : batch) {
            assertEquals(NOW, record.timestamp());
        }
        assertArrayEquals(payloadBefore, payload(records));
        assertEquals(new LogValidator.OffsetAssignment(51L, NOW, 50L, NOW), assigned);
    }

    @Test
    void shouldCorrectMaxTimestampWhenClientHeaderIsWrong() {
        // given: the header claims a max timestamp the records do not have
        MemoryRecords records = batch(Compression.NONE, NOW - 3, NOW - 1, NOW - 1, NOW - 2);
        rewriteHeader(records, b -> b.putLong(MAX_TIMESTAMP_OFFSET, NOW + 99));
        LogValidator.validate(records, createTime, NOW);

        // when
        LogValidator.OffsetAssignment assigned = LogValidator.assignOffsets(records, 0L, createTime, NOW, 0);

        // then
        MutableRecordBatch batch = records.batches().iterator().next();
        assertEquals(NOW - 1, batch.maxTimestamp());
        assertDoesNotThrow(batch::ensureValid);
        assertEquals(NOW - 1, assigned.maxTimestamp());
        assertEquals(1L, assigned.offsetOfMaxTimestamp(), "the first record carrying the max timestamp");
    }

    @Test
    void shouldAssignContiguousOffsetsWhenRecordsHoldSeveralBatches() {
        // given
        MemoryRecords records = concat(batch(Compression.NONE, NOW - 9, NOW - 8, NOW - 7),
                batch(Compression.zstd().build(), NOW - 1, NOW - 6), batch(Compression.gzip().build(), NOW - 5));

        // when
        LogValidator.OffsetAssignment assigned = LogValidator.assignOffsets(records, 200L, createTime, NOW, 3);

        // then
        List<Long> offsets = new ArrayList<>();
        List<Long> baseOffsets = new ArrayList<>();
        for (MutableRecordBatch batch : records.batches()) {
            batch.ensureValid();
            baseOffsets.add(batch.baseOffset());
            offsets.addAll(offsets(batch));
        }
        assertEquals(List.of(200L, 203L, 205L), baseOffsets);
        assertEquals(List.of(200L, 201L, 202L, 203L, 204L, 205L), offsets);
        assertEquals(new LogValidator.OffsetAssignment(205L, NOW - 1, 203L, RecordBatch.NO_TIMESTAMP), assigned);
    }

    @Test
    void shouldAssignSameOffsetsWhenGivenValidationResult() {
        // given
        MemoryRecords first = batch(Compression.snappy().build(), NOW - 2, NOW, NOW - 1);
        MemoryRecords second = batch(Compression.snappy().build(), NOW - 2, NOW, NOW - 1);
        LogValidator.ValidatedBatches validated = LogValidator.validate(first, createTime, NOW);

        // when
        LogValidator.OffsetAssignment withSummary =
                LogValidator.assignOffsets(first, validated, 10L, createTime, NOW, 1);
        LogValidator.OffsetAssignment rescanned = LogValidator.assignOffsets(second, 10L, createTime, NOW, 1);

        // then
        assertEquals(rescanned, withSummary);
        assertEquals(new LogValidator.OffsetAssignment(12L, NOW, 11L, RecordBatch.NO_TIMESTAMP), withSummary);
        assertEquals(second.buffer(), first.buffer());
    }

    @Test
    void shouldRejectValidationResultWhenItDescribesOtherRecords() {
        // given
        LogValidator.ValidatedBatches validated = LogValidator.validate(batch(Compression.NONE, NOW), createTime, NOW);
        MemoryRecords other = batch(Compression.NONE, NOW, NOW);

        // when / then
        assertThrows(IllegalArgumentException.class,
                () -> LogValidator.assignOffsets(other, validated, 0L, createTime, NOW, 0));
    }

    private static LogConfig config(TimestampType timestampType, int maxMessageBytes) {
        LogConfig d = LogConfig.defaults();
        return new LogConfig(d.segmentBytes(), d.segmentMs(), d.retentionMs(), d.retentionBytes(), maxMessageBytes,
                timestampType, d.timestampBeforeMaxMs(), d.timestampAfterMaxMs(), d.indexIntervalBytes(),
                d.segmentIndexBytes(), d.fileDeleteDelayMs(), d.flushMessages(), d.flushMs());
    }

    private static LogConfig withTimestampBounds(LogConfig c, long beforeMaxMs, long afterMaxMs) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(), c.maxMessageBytes(),
                c.timestampType(), beforeMaxMs, afterMaxMs, c.indexIntervalBytes(), c.segmentIndexBytes(),
                c.fileDeleteDelayMs(), c.flushMessages(), c.flushMs());
    }

    private static byte[] value(int i) {
        return ("value-" + i + "-".repeat(40)).getBytes(StandardCharsets.UTF_8);
    }

    private static MemoryRecords batch(Compression compression, long... timestamps) {
        SimpleRecord[] records = new SimpleRecord[timestamps.length];
        for (int i = 0; i < timestamps.length; i++) {
            records[i] = new SimpleRecord(timestamps[i], ("key-" + i).getBytes(StandardCharsets.UTF_8), value(i));
        }
        return MemoryRecords.withRecords(compression, records);
    }

    private static MemoryRecords concat(MemoryRecords... parts) {
        ByteBuffer buffer = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(MemoryRecords::sizeInBytes).sum());
        for (MemoryRecords part : parts) {
            buffer.put(part.buffer().duplicate());
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }

    /** Changes header bytes of the first batch and recomputes its CRC, as a buggy client would send it. */
    private static void rewriteHeader(MemoryRecords records, java.util.function.Consumer<ByteBuffer> change) {
        ByteBuffer buffer = records.buffer();
        change.accept(buffer);
        long crc = Crc32C.compute(buffer, ATTRIBUTES_OFFSET, buffer.limit() - ATTRIBUTES_OFFSET);
        ByteUtils.writeUnsignedInt(buffer, DefaultRecordBatch.CRC_OFFSET, crc);
    }

    private static byte[] payload(MemoryRecords records) {
        ByteBuffer buffer = records.buffer();
        byte[] bytes = new byte[buffer.limit() - RECORDS_OFFSET];
        buffer.get(RECORDS_OFFSET, bytes);
        return bytes;
    }

    private static List<Long> offsets(RecordBatch batch) {
        List<Long> offsets = new ArrayList<>();
        for (Record record : batch) {
            offsets.add(record.offset());
        }
        return offsets;
    }
}
