package io.strata.broker.fetch;

/**
 * What a client asks of one partition in a Fetch: where to read and how much.
 *
 * @param key                the partition
 * @param fetchOffset        the offset to read from
 * @param maxBytes           the partition's byte limit ({@code partitionMaxBytes}, KIP-74)
 * @param currentLeaderEpoch the leader epoch the client knows (KIP-320), -1 when it sent none
 * @param lastFetchedEpoch   the epoch of the last record the client fetched, -1 when none
 */
public record PartitionFetch(FetchKey key, long fetchOffset, int maxBytes, int currentLeaderEpoch,
                             int lastFetchedEpoch) {
}
