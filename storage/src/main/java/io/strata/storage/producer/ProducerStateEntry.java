package io.strata.storage.producer;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What a partition knows about one idempotent producer (Kafka's {@code ProducerStateEntry}): its
 * current epoch, the metadata of its last {@value #NUM_BATCHES_TO_RETAIN} appended batches (enough
 * to recognize a retry of any batch a producer may have in flight, since a producer sends at most
 * five unacknowledged batches per partition), the max timestamp of its last batch (which drives
 * producer id expiration), the epoch of the transaction coordinator that last wrote a marker for it
 * ({@code -1} if none) and the first offset of its open transaction ({@code -1} if none).
 *
 * <p>A bump of the producer epoch forgets the retained batches: sequence numbers restart at 0 in
 * a new epoch.
 *
 * <p>Only {@link ProducerStateManager} changes an entry. This class is not thread-safe.
 */
public final class ProducerStateEntry {

    /** How many of a producer's most recent batches are retained for duplicate detection. */
    public static final int NUM_BATCHES_TO_RETAIN = 5;

    private final long producerId;
    private final ArrayDeque<BatchMetadata> batchMetadata = new ArrayDeque<>(NUM_BATCHES_TO_RETAIN);
    private short producerEpoch;
    private int coordinatorEpoch;
    private long lastTimestamp;
    private long currentTxnFirstOffset;

    ProducerStateEntry(long producerId, short producerEpoch, int coordinatorEpoch, long lastTimestamp,
                       long currentTxnFirstOffset) {
        this.producerId = producerId;
        this.producerEpoch = producerEpoch;
        this.coordinatorEpoch = coordinatorEpoch;
        this.lastTimestamp = lastTimestamp;
        this.currentTxnFirstOffset = currentTxnFirstOffset;
    }

    /** An entry for a producer that has appended nothing yet: no epoch, no batches. */
    static ProducerStateEntry empty(long producerId) {
        return new ProducerStateEntry(producerId, RecordBatch.NO_PRODUCER_EPOCH, -1, RecordBatch.NO_TIMESTAMP, -1L);
    }

    public long producerId() {
        return producerId;
    }

    /** The producer's current epoch, {@link RecordBatch#NO_PRODUCER_EPOCH} if not known. */
    public short producerEpoch() {
        return producerEpoch;
    }

    /** Epoch of the transaction coordinator that last wrote a marker for this producer, -1 if none. */
    public int coordinatorEpoch() {
        return coordinatorEpoch;
    }

    /** Max timestamp of the producer's last batch, {@link RecordBatch#NO_TIMESTAMP} if none. */
    public long lastTimestamp() {
        return lastTimestamp;
    }

    /** First offset of the producer's ongoing transaction, -1 if none. */
    public long currentTxnFirstOffset() {
        return currentTxnFirstOffset;
    }

    /** The retained batches, oldest first (at most {@value #NUM_BATCHES_TO_RETAIN}). */
    public List<BatchMetadata> batchMetadata() {
        return List.copyOf(batchMetadata);
    }

    /** True when no batch of the current epoch is retained. */
    public boolean isEmpty() {
        return batchMetadata.isEmpty();
    }

    /** First sequence of the oldest retained batch, -1 if none. */
    public int firstSeq() {
        return isEmpty() ? RecordBatch.NO_SEQUENCE : batchMetadata.peekFirst().firstSeq();
    }

    /** Last sequence of the newest retained batch, -1 if none. */
    public int lastSeq() {
        return isEmpty() ? RecordBatch.NO_SEQUENCE : batchMetadata.peekLast().lastSeq();
    }

    /** First offset of the oldest retained batch, -1 if none. */
    public long firstDataOffset() {
        return isEmpty() ? -1L : batchMetadata.peekFirst().firstOffset();
    }

    /** Last offset of the newest retained batch, -1 if none. */
    public long lastDataOffset() {
        return isEmpty() ? -1L : batchMetadata.peekLast().lastOffset();
    }

    /** Offset delta of the newest retained batch, 0 if none. */
    public int lastOffsetDelta() {
        return isEmpty() ? 0 : batchMetadata.peekLast().offsetDelta();
    }

    /**
     * Finds the retained batch that {@code batch} repeats: same producer epoch, same first and last
     * sequence.
     */
    public Optional<BatchMetadata> findDuplicateBatch(RecordBatch batch) {
        if (batch.producerEpoch() != producerEpoch) {
            return Optional.empty();
        }
        int firstSeq = batch.baseSequence();
        int lastSeq = batch.lastSequence();
        for (BatchMetadata retained : batchMetadata) {
            if (retained.firstSeq() == firstSeq && retained.lastSeq() == lastSeq) {
                return Optional.of(retained);
            }
        }
        return Optional.empty();
    }

    /** Records an appended batch of {@code epoch}, dropping the oldest retained batch when full. */
    void addBatch(short epoch, int lastSeq, long lastOffset, int offsetDelta, long timestamp) {
        maybeUpdateProducerEpoch(epoch);
        if (batchMetadata.size() == NUM_BATCHES_TO_RETAIN) {
            batchMetadata.removeFirst();
        }
        batchMetadata.addLast(new BatchMetadata(lastSeq, lastOffset, offsetDelta, timestamp));
        lastTimestamp = timestamp;
    }

    /** Moves to {@code epoch}, forgetting the batches of the previous one; false if already there. */
    boolean maybeUpdateProducerEpoch(short epoch) {
        if (producerEpoch == epoch) {
            return false;
        }
        batchMetadata.clear();
        producerEpoch = epoch;
        return true;
    }

    void setCoordinatorEpoch(int coordinatorEpoch) {
        this.coordinatorEpoch = coordinatorEpoch;
    }

    void setLastTimestamp(long lastTimestamp) {
        this.lastTimestamp = lastTimestamp;
    }

    void setCurrentTxnFirstOffset(long currentTxnFirstOffset) {
        this.currentTxnFirstOffset = currentTxnFirstOffset;
    }

    @Override
    public String toString() {
        return "ProducerStateEntry(producerId=" + producerId
                + ", producerEpoch=" + producerEpoch
                + ", currentTxnFirstOffset=" + currentTxnFirstOffset
                + ", coordinatorEpoch=" + coordinatorEpoch
                + ", lastTimestamp=" + lastTimestamp
                + ", batchMetadata=" + batchMetadata + ')';
    }
}
