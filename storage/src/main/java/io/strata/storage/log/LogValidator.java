package io.strata.storage.log;

import java.nio.BufferUnderflowException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Validates the record batches of a client's produce request and assigns their offsets in place,
 * as Apache Kafka's {@code LogValidator} (with the produce-request and {@code UnifiedLog} checks
 * that precede it) does for a produce request of version 3 or later.
 *
 * <p>{@link #validate} rejects, with the kafka-clients exception (and so the error code) Kafka uses:
 * <ul>
 *   <li>no batch at all, a batch whose magic is not 2, more than one batch (a v3+ produce request
 *       carries exactly one batch per partition), a batch whose baseOffset is not 0, an offset
 *       range that does not match the record count, a control batch, a producer batch with a
 *       negative sequence, a record whose offset delta is not its position in the batch, a
 *       malformed or undecompressable payload: {@link InvalidRecordException};</li>
 *   <li>a batch larger than max.message.bytes: {@link RecordTooLargeException};</li>
 *   <li>a CRC32C mismatch, an impossible batch length, bytes after the last complete batch:
 *       {@link CorruptRecordException} (Kafka silently drops a trailing partial batch; we reject
 *       the request, which a real client never produces);</li>
 *   <li>an unknown compression codec: {@link UnsupportedCompressionTypeException};</li>
 *   <li>for CreateTime topics, a record timestamp outside {@code [now - message.timestamp.before.max.ms,
 *       now + message.timestamp.after.max.ms]}, and a client batch claiming LogAppendTime:
 *       {@link InvalidRecordTimestampException}, an {@link InvalidTimestampException} carrying the
 *       per-record errors for the produce response;</li>
 *   <li>a transactional batch: {@link InvalidTxnStateException}, the error Kafka 4 returns for a
 *       transactional write to a partition that is not part of an ongoing transaction. This broker
 *       has no transaction coordinator, so no transaction is ever ongoing.</li>
 * </ul>
 *
 * <p>{@link #assignOffsets} then rewrites only batch headers: the baseOffset (via the last offset),
 * the partition leader epoch and the max timestamp (recomputed from the records for CreateTime,
 * the append time for LogAppendTime; changing it recomputes the batch CRC). Compressed payloads are
 * never rewritten, so they are stored and served exactly as the producer compressed them; a batch
 * whose inner offsets would need rewriting is rejected by {@link #validate} instead.
 *
 * <p>This class is stateless and thread-safe (each thread keeps its own decompression buffers).
 */
public final class LogValidator {

    private static final ThreadLocal<BufferSupplier> BUFFER_SUPPLIER = ThreadLocal.withInitial(BufferSupplier::create);

    private LogValidator() {
    }

    /**
     * What {@link #validate} found.
     *
     * @param batchCount   number of batches
     * @param recordCount  number of records in all batches
     * @param sizeInBytes  size of all batches
     * @param maxTimestamp largest record timestamp as sent by the client, -1 if none
     * @param batches      per batch, in order, what {@link #assignOffsets(MemoryRecords, ValidatedBatches,
     *                     long, LogConfig, long, int)} needs so it need not decompress again
     */
    public record ValidatedBatches(int batchCount, int recordCount, int sizeInBytes, long maxTimestamp,
                                   List<BatchSummary> batches) {
        public ValidatedBatches {
            batches = List.copyOf(batches);
        }
    }

    /**
     * Record count and largest record timestamp of one batch.
     *
     * @param recordCount               number of records
     * @param maxTimestamp              largest record timestamp, -1 if none
     * @param offsetDeltaOfMaxTimestamp offset delta of the first record with that timestamp, -1 if none
     */
    public record BatchSummary(int recordCount, long maxTimestamp, int offsetDeltaOfMaxTimestamp) {
    }

    /**
     * Where {@link #assignOffsets} put the records.
     *
     * @param lastOffset           offset of the last record
     * @param maxTimestamp         largest timestamp after assignment (the append time for LogAppendTime), -1 if none
     * @param offsetOfMaxTimestamp offset of the first record carrying {@code maxTimestamp} (KIP-734; the
     *                             first offset for LogAppendTime), -1 if no record has a timestamp
     * @param logAppendTime        the append time stamped on LogAppendTime batches, -1 for CreateTime
     */
    public record OffsetAssignment(long lastOffset, long maxTimestamp, long offsetOfMaxTimestamp, long logAppendTime) {
    }

    /**
     * Why one record of a batch was rejected, for the produce response's {@code record_errors}.
     *
     * @param batchIndex position of the record in its batch
     * @param message    what is wrong with it
     */
    public record RecordError(int batchIndex, String message) {
    }

    /**
     * {@link InvalidTimestampException} (INVALID_TIMESTAMP) that names every rejected record, as
     * Kafka's produce response does in {@code record_errors}.
     *
     * <p>Instances are immutable and thread-safe.
     */
    public static final class InvalidRecordTimestampException extends InvalidTimestampException {

        private final transient List<RecordError> recordErrors;

        public InvalidRecordTimestampException(String message, List<RecordError> recordErrors) {
            super(message);
            this.recordErrors = List.copyOf(recordErrors);
        }

        public List<RecordError> recordErrors() {
            return recordErrors;
        }
    }

    /**
     * Checks that {@code records} are a valid client produce for a log with {@code config}, without
     * changing them.
     *
     * @param nowMs the broker time timestamps are checked against
     * @throws ApiException as listed on the class
     */
    public static ValidatedBatches validate(MemoryRecords records, LogConfig config, long nowMs) {
        int sizeInBytes = records.sizeInBytes();
        if (sizeInBytes == 0) {
            throw new InvalidRecordException("Produce requests must have at least one record batch per partition");
        }
        List<BatchSummary> summaries = new ArrayList<>(1);
        int validBytes = 0;
        int recordCount = 0;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        for (MutableRecordBatch batch : records.batches()) {
            if (!summaries.isEmpty()) {
                throw new InvalidRecordException(
                        "Produce requests are only allowed to contain exactly one record batch per partition");
            }
            validateBatch(batch, config);
            BatchSummary summary = validateRecords(batch, config, nowMs);
            summaries.add(summary);
            validBytes += batch.sizeInBytes();
            recordCount += summary.recordCount();
            maxTimestamp = Math.max(maxTimestamp, summary.maxTimestamp());
        }
        if (validBytes != sizeInBytes) {
            throw new CorruptRecordException("Record batches are truncated or followed by garbage: only "
                    + validBytes + " of " + sizeInBytes + " bytes form complete batches");
        }
        return new ValidatedBatches(summaries.size(), recordCount, sizeInBytes, maxTimestamp, summaries);
    }

    /**
     * Assigns offsets from {@code firstOffset} to validated {@code records}, in place: per batch the
     * baseOffset, the partition leader epoch and the max timestamp (see the class comment). Reads
     * the records of CreateTime batches again to find their max timestamp; use {@link
     * #assignOffsets(MemoryRecords, ValidatedBatches, long, LogConfig, long, int)} to avoid that.
     *
     * @throws IllegalArgumentException if {@code records} hold no batch
     */
    public static OffsetAssignment assignOffsets(MemoryRecords records, long firstOffset, LogConfig config,
                                                 long nowMs, int leaderEpoch) {
        return assign(records, null, firstOffset, config, nowMs, leaderEpoch);
    }

    /**
     * {@link #assignOffsets(MemoryRecords, long, LogConfig, long, int)} with the record timestamps
     * that {@link #validate} found in these same {@code records}.
     *
     * @throws IllegalArgumentException if {@code validated} does not describe {@code records}
     */
    public static OffsetAssignment assignOffsets(MemoryRecords records, ValidatedBatches validated, long firstOffset,
                                                 LogConfig config, long nowMs, int leaderEpoch) {
        Objects.requireNonNull(validated, "validated");
        if (validated.sizeInBytes() != records.sizeInBytes()) {
            throw new IllegalArgumentException("Validated " + validated.sizeInBytes() + " bytes, but the records have "
                    + records.sizeInBytes());
        }
        return assign(records, validated.batches(), firstOffset, config, nowMs, leaderEpoch);
    }

    private static OffsetAssignment assign(MemoryRecords records, List<BatchSummary> summaries, long firstOffset,
                                           LogConfig config, long nowMs, int leaderEpoch) {
        boolean logAppendTime = config.timestampType() == TimestampType.LOG_APPEND_TIME;
        long nextOffset = firstOffset;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        long offsetOfMaxTimestamp = -1L;
        int batchIndex = 0;
        for (MutableRecordBatch batch : records.batches()) {
            int lastOffsetDelta = (int) (batch.lastOffset() - batch.baseOffset());
            long batchFirstOffset = nextOffset;
            long batchMaxTimestamp;
            long batchOffsetOfMaxTimestamp;
            if (logAppendTime) {
                batchMaxTimestamp = nowMs;
                batchOffsetOfMaxTimestamp = batchFirstOffset;
            } else {
                BatchSummary summary;
                if (summaries == null) {
                    summary = summarize(batch);
                } else if (batchIndex < summaries.size()) {
                    summary = summaries.get(batchIndex);
                } else {
                    throw new IllegalArgumentException("The records hold more batches than were validated");
                }
                batchMaxTimestamp = summary.maxTimestamp();
                batchOffsetOfMaxTimestamp = summary.offsetDeltaOfMaxTimestamp() < 0
                        ? -1L : batchFirstOffset + summary.offsetDeltaOfMaxTimestamp();
            }
            batch.setLastOffset(batchFirstOffset + lastOffsetDelta);
            batch.setPartitionLeaderEpoch(leaderEpoch);
            batch.setMaxTimestamp(config.timestampType(), batchMaxTimestamp);
            if (batchMaxTimestamp > maxTimestamp) {
                maxTimestamp = batchMaxTimestamp;
                offsetOfMaxTimestamp = batchOffsetOfMaxTimestamp;
            }
            nextOffset = batchFirstOffset + lastOffsetDelta + 1;
            batchIndex++;
        }
        if (batchIndex == 0) {
            throw new IllegalArgumentException("No record batch to assign offsets to");
        }
        return new OffsetAssignment(nextOffset - 1, maxTimestamp, offsetOfMaxTimestamp,
                logAppendTime ? nowMs : RecordBatch.NO_TIMESTAMP);
    }

    /** The checks on a batch's header and CRC, in the order Kafka applies them. */
    private static void validateBatch(MutableRecordBatch batch, LogConfig config) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new InvalidRecordException("Produce requests are only allowed to contain record batches with "
                    + "magic version 2, but found magic " + batch.magic());
        }
        if (batch.baseOffset() != 0) {
            throw new InvalidRecordException("The baseOffset of the record batch in the append should be 0, but it is "
                    + batch.baseOffset());
        }
        if (batch.sizeInBytes() > config.maxMessageBytes()) {
            throw new RecordTooLargeException("The record batch size in the append is " + batch.sizeInBytes()
                    + " bytes which exceeds the maximum configured value of " + config.maxMessageBytes() + ".");
        }
        batch.ensureValid();
        try {
            batch.compressionType();
        } catch (IllegalArgumentException e) {
            throw new UnsupportedCompressionTypeException("Record batch uses an unknown compression codec: "
                    + e.getMessage());
        }
        long countFromOffsets = batch.lastOffset() - batch.baseOffset() + 1;
        if (countFromOffsets <= 0) {
            throw new InvalidRecordException("Batch has an invalid offset range: [" + batch.baseOffset() + ", "
                    + batch.lastOffset() + "]");
        }
        int count = batch.countOrNull();
        if (count <= 0) {
            throw new InvalidRecordException("Invalid reported count for record batch: " + count);
        }
        if (countFromOffsets != count) {
            throw new InvalidRecordException("Inconsistent batch offset range [" + batch.baseOffset() + ", "
                    + batch.lastOffset() + "] and count of records " + count);
        }
        if (batch.isControlBatch()) {
            throw new InvalidRecordException("Clients are not allowed to write control records");
        }
        if (batch.hasProducerId() && batch.baseSequence() < 0) {
            throw new InvalidRecordException("Invalid sequence number " + batch.baseSequence()
                    + " in record batch with producerId " + batch.producerId());
        }
        if (batch.isTransactional()) {
            throw new InvalidTxnStateException("Record was not part of an ongoing transaction: transactional batch of "
                    + "producerId " + batch.producerId() + " rejected, this broker has no transaction coordinator");
        }
    }

    /** Reads every record of a batch (decompressing it): offset deltas, count and timestamps. */
    private static BatchSummary validateRecords(MutableRecordBatch batch, LogConfig config, long nowMs) {
        int declaredCount = batch.countOrNull();
        boolean checkCreateTime = config.timestampType() == TimestampType.CREATE_TIME;
        long lowerBound = saturatedSubtract(nowMs, config.timestampBeforeMaxMs());
        long upperBound = saturatedAdd(nowMs, config.timestampAfterMaxMs());
        List<RecordError> errors = null;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int offsetDeltaOfMaxTimestamp = -1;
        int index = 0;
        try (CloseableIterator<Record> records = batch.skipKeyValueIterator(BUFFER_SUPPLIER.get())) {
            while (records.hasNext()) {
                Record record = records.next();
                if (index >= declaredCount) {
                    throw new InvalidRecordException("Record batch holds more records than its count " + declaredCount);
                }
                long offsetDelta = record.offset() - batch.baseOffset();
                if (offsetDelta != index) {
                    throw new InvalidRecordException("Record " + index + " of the batch has offset delta "
                            + offsetDelta + ", expected " + index);
                }
                long timestamp = record.timestamp();
                String error = null;
                if (checkCreateTime && timestamp != RecordBatch.NO_TIMESTAMP) {
                    if (timestamp < lowerBound || timestamp > upperBound) {
                        error = "Timestamp " + timestamp + " of message with offset " + record.offset()
                                + " is out of range. The timestamp should be within [" + lowerBound + ", "
                                + upperBound + "]";
                    }
                } else if (batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
                    error = "Invalid timestamp type in message with offset " + record.offset()
                            + ". Producer should not set timestamp type to LogAppendTime.";
                }
                if (error != null) {
                    if (errors == null) {
                        errors = new ArrayList<>();
                    }
                    errors.add(new RecordError(index, error));
                }
                if (timestamp > maxTimestamp) {
                    maxTimestamp = timestamp;
                    offsetDeltaOfMaxTimestamp = index;
                }
                index++;
            }
        } catch (ApiException e) {
            throw e;
        } catch (KafkaException | BufferUnderflowException | IllegalArgumentException | IllegalStateException
                | IndexOutOfBoundsException e) {
            throw new InvalidRecordException("Record batch is malformed: " + e.getMessage(), e);
        }
        if (index != declaredCount) {
            throw new InvalidRecordException("Record batch declares " + declaredCount + " records but holds " + index);
        }
        if (errors != null) {
            throw new InvalidRecordTimestampException("One or more records have been rejected due to invalid timestamp",
                    errors);
        }
        return new BatchSummary(index, maxTimestamp, offsetDeltaOfMaxTimestamp);
    }

    /** Largest record timestamp of an already validated batch and the offset delta of its first record. */
    private static BatchSummary summarize(MutableRecordBatch batch) {
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int offsetDeltaOfMaxTimestamp = -1;
        int index = 0;
        try (CloseableIterator<Record> records = batch.skipKeyValueIterator(BUFFER_SUPPLIER.get())) {
            while (records.hasNext()) {
                long timestamp = records.next().timestamp();
                if (timestamp > maxTimestamp) {
                    maxTimestamp = timestamp;
                    offsetDeltaOfMaxTimestamp = index;
                }
                index++;
            }
        }
        return new BatchSummary(index, maxTimestamp, offsetDeltaOfMaxTimestamp);
    }

    private static long saturatedSubtract(long a, long b) {
        long result = a - b;
        return ((a ^ b) & (a ^ result)) < 0 ? Long.MIN_VALUE : result;
    }

    private static long saturatedAdd(long a, long b) {
        long result = a + b;
        return ((a ^ result) & (b ^ result)) < 0 ? Long.MAX_VALUE : result;
    }
}
