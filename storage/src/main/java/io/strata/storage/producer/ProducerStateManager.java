package io.strata.storage.producer;

import io.strata.storage.file.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The idempotent-producer state of one partition (Kafka's {@code ProducerStateManager}): per
 * producer id the epoch and the last {@value ProducerStateEntry#NUM_BATCHES_TO_RETAIN} batches,
 * used to reject out-of-order and fenced appends and to answer retries with their original offsets.
 *
 * <pre>
 *  append:    check(records)  -> duplicate? answer with the original offsets, write nothing
 *             (assign offsets, write)
 *             update(records)
 *  roll/close: takeSnapshot(logEndOffset)          -> 00000000000000001234.snapshot
 *  recovery:  loadLatestSnapshot(recoveryEnd) = s  -> replay(batch) for every batch from s (or the log start)
 *  retention: deleteSnapshotsBefore(newLogStartSegmentBase); removeExpiredProducers(now) periodically
 * </pre>
 *
 * <p>Sequence rules, as Kafka 4 applies them to client appends: a batch whose epoch is below the
 * producer's is rejected ({@link InvalidProducerEpochException}); a batch of a newer epoch must start
 * at sequence 0; a batch of the same epoch must continue the last sequence by one (wrapping from
 * {@code Integer.MAX_VALUE} to 0), else {@link OutOfOrderSequenceException}. A producer id the
 * partition does not know is accepted at any sequence: its state may have been removed by retention,
 * DeleteRecords or expiration while the producer lived on. Transactional state (coordinator epoch,
 * open transaction) is carried through snapshots and replay for compatibility with Kafka's files;
 * transactional appends themselves are refused earlier by the log validator.
 *
 * <p>A snapshot holds the state of every batch below the offset in its name. Failures to read or
 * write snapshot files surface as {@link IOException}s for the caller to wrap.
 *
 * <p>This class is not thread-safe: the owning log calls it under its write lock.
 */
public final class ProducerStateManager {

    private static final Logger log = LoggerFactory.getLogger(ProducerStateManager.class);

    private final Time time;
    private final long producerIdExpirationMs;
    private final Map<Long, ProducerStateEntry> producers = new HashMap<>();
    private final NavigableSet<Long> snapshotOffsets = new TreeSet<>();
    private Path partitionDir;

    /**
     * Creates the state of the partition in {@code partitionDir}, empty, and takes note of the
     * snapshot files already there (none is read until {@link #loadLatestSnapshot}). Leftover
     * temporary snapshot files of an interrupted write are deleted.
     *
     * @param producerIdExpirationMs producer.id.expiration.ms (Kafka's default: 86400000)
     */
    public ProducerStateManager(Path partitionDir, Time time, long producerIdExpirationMs) throws IOException {
        if (producerIdExpirationMs < 0) {
            throw new IllegalArgumentException("producer.id.expiration.ms must not be negative: "
                    + producerIdExpirationMs);
        }
        this.partitionDir = partitionDir;
        this.time = time;
        this.producerIdExpirationMs = producerIdExpirationMs;
        scanSnapshotFiles();
    }

    /**
     * Checks the producer batches of {@code records} before offsets are assigned. Batches without a
     * producer id pass. For each producer batch, in order (several batches of one producer chain):
     * a batch equal to a retained one (same epoch, first and last sequence) makes the whole append a
     * duplicate of it; otherwise the epoch and sequence rules of the class apply. The state is not
     * changed: call {@link #update} once the records are appended.
     *
     * @throws InvalidProducerEpochException if a batch's epoch is older than the producer's
     * @throws OutOfOrderSequenceException   if a batch's sequence does not continue the producer's
     */
    public AppendCheck check(MemoryRecords records) {
        Map<Long, PendingBatch> pending = null;
        for (RecordBatch batch : records.batches()) {
            if (!batch.hasProducerId()) {
                continue;
            }
            long producerId = batch.producerId();
            ProducerStateEntry current = producers.get(producerId);
            if (current != null) {
                Optional<BatchMetadata> duplicate = current.findDuplicateBatch(batch);
                if (duplicate.isPresent()) {
                    return AppendCheck.duplicateOf(duplicate.get());
                }
            }
            PendingBatch earlier = pending == null ? null : pending.get(producerId);
            checkBatch(batch, current, earlier);
            if (pending == null) {
                pending = new HashMap<>();
            }
            pending.put(producerId, new PendingBatch(batch.producerEpoch(), batch.lastSequence()));
        }
        return AppendCheck.accepted();
    }

    /** Records the producer batches of {@code records}, whose offsets have been assigned and which are in the log. */
    public void update(MemoryRecords recordsWithOffsetsAssigned) {
        for (RecordBatch batch : recordsWithOffsetsAssigned.batches()) {
            replay(batch);
        }
    }

    /**
     * Applies a batch read back from the log during recovery, without checks. Batches without a
     * producer id are ignored; a transaction marker closes the producer's transaction.
     */
    public void replay(RecordBatch batch) {
        if (!batch.hasProducerId()) {
            return;
        }
        ProducerStateEntry entry = producers.computeIfAbsent(batch.producerId(), ProducerStateEntry::empty);
        if (batch.isControlBatch()) {
            applyControlBatch(entry, batch);
            return;
        }
        int offsetDelta = (int) (batch.lastOffset() - batch.baseOffset());
        entry.addBatch(batch.producerEpoch(), batch.lastSequence(), batch.lastOffset(), offsetDelta,
                batch.maxTimestamp());
        if (batch.isTransactional() && entry.currentTxnFirstOffset() < 0) {
            entry.setCurrentTxnFirstOffset(batch.baseOffset());
        }
    }

    /**
     * Writes the current state as the snapshot at {@code offset} (the log end offset: the state of
     * every batch below it), replacing a snapshot already there.
     */
    public void takeSnapshot(long offset) throws IOException {
        long startNanos = time.nanoseconds();
        ProducerSnapshotFile.write(ProducerSnapshotFile.file(partitionDir, offset), producers.values());
        snapshotOffsets.add(offset);
        log.debug("Wrote producer snapshot at offset {} with {} producer ids in {} ms", offset, producers.size(),
                (time.nanoseconds() - startNanos) / 1_000_000);
    }

    /**
     * Replaces the state by the newest readable snapshot at or below {@code maxOffset}. Unreadable
     * snapshots are logged, deleted and skipped in favour of older ones. Producers that expired while
     * the snapshot lay on disk are not loaded.
     *
     * @return the loaded snapshot's offset, from which the caller replays the log; -1 when there is
     *         none (the state is then empty and the caller replays from the log start)
     */
    public long loadLatestSnapshot(long maxOffset) throws IOException {
        producers.clear();
        List<Long> candidates = new ArrayList<>(snapshotOffsets.headSet(maxOffset, true).descendingSet());
        long nowMs = time.milliseconds();
        for (long offset : candidates) {
            Path file = ProducerSnapshotFile.file(partitionDir, offset);
            List<ProducerStateEntry> entries;
            try {
                entries = ProducerSnapshotFile.read(file);
            } catch (CorruptSnapshotException e) {
                log.warn("Failed to load producer snapshot from '{}', deleting it: {}", file, e.getMessage());
                deleteSnapshot(offset);
                continue;
            } catch (NoSuchFileException e) {
                log.warn("Producer snapshot '{}' disappeared before it could be loaded", file);
                snapshotOffsets.remove(offset);
                continue;
            }
            for (ProducerStateEntry entry : entries) {
                if (!isExpired(entry, nowMs)) {
                    producers.put(entry.producerId(), entry);
                }
            }
            log.debug("Loaded producer state with {} producer ids from snapshot '{}'", producers.size(), file);
            return offset;
        }
        return -1L;
    }

    /**
     * Forgets every producer, then takes {@code snapshot} (a snapshot file's bytes, from the remote
     * tier) as the snapshot at {@code offset} and loads it: the log now starts empty at {@code offset}
     * with the producers of the log before it.
     *
     * @throws CorruptSnapshotException if the bytes are not a valid snapshot (the state stays empty)
     */
    public void restoreSnapshot(long offset, ByteBuffer snapshot) throws IOException {
        truncateFullyAndStartAt(offset);
        Path file = ProducerSnapshotFile.file(partitionDir, offset);
        AtomicFiles.write(file, snapshot);
        try {
            ProducerSnapshotFile.read(file);
        } catch (CorruptSnapshotException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        snapshotOffsets.add(offset);
        loadLatestSnapshot(offset);
    }

    /** Forgets every producer and deletes every snapshot: the log now starts empty at {@code offset}. */
    public void truncateFullyAndStartAt(long offset) throws IOException {
        producers.clear();
        for (long snapshotOffset : new ArrayList<>(snapshotOffsets)) {
            deleteSnapshot(snapshotOffset);
        }
        log.debug("Producer state truncated fully; log restarts at offset {}", offset);
    }

    /**
     * Deletes the snapshots outside {@code [logStartOffset, logEndOffset]} and reloads the state
     * from the newest remaining one (after a truncation or on recovery).
     *
     * @return the loaded snapshot's offset, from which the caller replays the log, or -1 if none
     */
    public long truncateAndReload(long logStartOffset, long logEndOffset) throws IOException {
        for (long offset : new ArrayList<>(snapshotOffsets)) {
            if (offset < logStartOffset || offset > logEndOffset) {
                deleteSnapshot(offset);
            }
        }
        return loadLatestSnapshot(logEndOffset);
    }

    /** Deletes the snapshots taken below {@code offset} (their segments are gone). */
    public void deleteSnapshotsBefore(long offset) throws IOException {
        for (long snapshotOffset : new ArrayList<>(snapshotOffsets.headSet(offset, false))) {
            deleteSnapshot(snapshotOffset);
        }
    }

    /**
     * Forgets the producers without an open transaction whose last batch's timestamp is at least
     * producer.id.expiration.ms before {@code nowMs}.
     */
    public void removeExpiredProducers(long nowMs) {
        Iterator<ProducerStateEntry> it = producers.values().iterator();
        int removed = 0;
        while (it.hasNext()) {
            if (isExpired(it.next(), nowMs)) {
                it.remove();
                removed++;
            }
        }
        if (removed > 0) {
            log.debug("Expired {} producer ids, {} remain", removed, producers.size());
        }
    }

    /** Points at the partition's directory after it was renamed; the snapshot files moved with it. */
    public void updateParentDir(Path newPartitionDir) {
        partitionDir = newPartitionDir;
    }

    /** Offset of the newest snapshot on disk. */
    public OptionalLong latestSnapshotOffset() {
        return snapshotOffsets.isEmpty() ? OptionalLong.empty() : OptionalLong.of(snapshotOffsets.last());
    }

    /** Offset of the oldest snapshot on disk. */
    public OptionalLong oldestSnapshotOffset() {
        return snapshotOffsets.isEmpty() ? OptionalLong.empty() : OptionalLong.of(snapshotOffsets.first());
    }

    public int activeProducerCount() {
        return producers.size();
    }

    /** The live state of {@code producerId}; do not keep it across calls that change the state. */
    public Optional<ProducerStateEntry> lastEntry(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    /** Every known producer by id, a read-only view of the live state. */
    public Map<Long, ProducerStateEntry> activeProducers() {
        return Collections.unmodifiableMap(producers);
    }

    private void checkBatch(RecordBatch batch, ProducerStateEntry current, PendingBatch earlier) {
        short currentEpoch = current == null ? RecordBatch.NO_PRODUCER_EPOCH : current.producerEpoch();
        short updatedEpoch = earlier == null ? currentEpoch : earlier.epoch();
        short epoch = batch.producerEpoch();
        int firstSeq = batch.baseSequence();
        if (epoch < updatedEpoch) {
            throw new InvalidProducerEpochException("Epoch of producer " + batch.producerId() + " is " + epoch
                    + ", which is smaller than the last seen epoch " + updatedEpoch);
        }
        if (epoch != updatedEpoch) {
            if (firstSeq != 0 && updatedEpoch != RecordBatch.NO_PRODUCER_EPOCH) {
                throw new OutOfOrderSequenceException("Invalid sequence number for new epoch of producer "
                        + batch.producerId() + ": " + epoch + " (request epoch), " + firstSeq + " (seq. number), "
                        + updatedEpoch + " (current producer epoch)");
            }
            return;
        }
        int lastSeq;
        if (earlier != null) {
            lastSeq = earlier.lastSeq();
        } else if (current != null) {
            lastSeq = current.lastSeq();
        } else {
            lastSeq = RecordBatch.NO_SEQUENCE;
        }
        // Without a known epoch the state was removed (retention, DeleteRecords, expiration): accept any sequence.
        if (currentEpoch != RecordBatch.NO_PRODUCER_EPOCH && !inSequence(lastSeq, firstSeq)) {
            throw new OutOfOrderSequenceException("Out of order sequence number for producer " + batch.producerId()
                    + ": " + firstSeq + " (incoming seq. number), " + lastSeq + " (current end sequence number)");
        }
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }

    private void applyControlBatch(ProducerStateEntry entry, RecordBatch batch) {
        Record marker;
        try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            if (!records.hasNext()) {
                return;
            }
            marker = records.next();
        }
        EndTransactionMarker endTxn = EndTransactionMarker.deserialize(marker);
        entry.maybeUpdateProducerEpoch(batch.producerEpoch());
        entry.setCoordinatorEpoch(endTxn.coordinatorEpoch());
        entry.setCurrentTxnFirstOffset(-1L);
        entry.setLastTimestamp(marker.timestamp());
    }

    private boolean isExpired(ProducerStateEntry entry, long nowMs) {
        return entry.currentTxnFirstOffset() < 0 && nowMs - entry.lastTimestamp() >= producerIdExpirationMs;
    }

    private void deleteSnapshot(long offset) throws IOException {
        snapshotOffsets.remove(offset);
        Files.deleteIfExists(ProducerSnapshotFile.file(partitionDir, offset));
    }

    private void scanSnapshotFiles() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(partitionDir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (ProducerSnapshotFile.isSnapshotFile(file)) {
                    snapshotOffsets.add(ProducerSnapshotFile.offset(file));
                } else if (name.endsWith(".snapshot" + AtomicFiles.TMP_SUFFIX)) {
                    log.info("Deleting temporary producer snapshot '{}' left by an interrupted write", file);
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** What the batches checked so far in one request leave a producer at. */
    private record PendingBatch(short epoch, int lastSeq) {
    }
}
