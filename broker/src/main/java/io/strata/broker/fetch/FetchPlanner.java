package io.strata.broker.fetch;

import org.apache.kafka.common.protocol.Errors;

/**
 * Decides, from a partition's in-memory offsets and before any disk read, what a fetch of it does:
 * read, fail with a partition error, or report a diverging epoch. The checks and their order are
 * Kafka's: the client's current leader epoch (KIP-320), then its last fetched epoch, then the
 * offset range {@code [logStartOffset, logEndOffset]}.
 *
 * <p>A single broker has led every partition in one epoch since offset 0, so the end offset of
 * that epoch is the log end offset and no other epoch has a known end offset.
 *
 * <p>This class is thread-safe (stateless).
 */
public final class FetchPlanner {

    private static final Plan READ = new Read();

    private FetchPlanner() {
    }

    /** The decision for one partition. */
    public sealed interface Plan {
    }

    /** Read the log from the fetch offset. */
    public record Read() implements Plan {
    }

    /** Answer with this partition error and no records. */
    public record Fail(Errors error) implements Plan {
    }

    /** The client's log diverges from ours after {@code endOffset}; it must truncate (KIP-595 style). */
    public record Diverging(int epoch, long endOffset) implements Plan {
    }

    /**
     * @param fetch          what the client asks
     * @param leaderEpoch    the partition's current leader epoch
     * @param logStartOffset the partition's log start offset
     * @param logEndOffset   the partition's log end offset
     */
    public static Plan plan(PartitionFetch fetch, int leaderEpoch, long logStartOffset, long logEndOffset) {
        int clientEpoch = fetch.currentLeaderEpoch();
        if (clientEpoch >= 0 && clientEpoch != leaderEpoch) {
            return new Fail(clientEpoch < leaderEpoch ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH);
        }
        int lastFetchedEpoch = fetch.lastFetchedEpoch();
        if (lastFetchedEpoch >= 0) {
            if (lastFetchedEpoch != leaderEpoch) {
                // No end offset is known for that epoch: Kafka answers OFFSET_OUT_OF_RANGE.
                return new Fail(Errors.OFFSET_OUT_OF_RANGE);
            }
            if (logEndOffset < fetch.fetchOffset()) {
                return new Diverging(leaderEpoch, logEndOffset);
            }
        }
        if (fetch.fetchOffset() < logStartOffset || fetch.fetchOffset() > logEndOffset) {
            return new Fail(Errors.OFFSET_OUT_OF_RANGE);
        }
        return READ;
    }
}
