package io.strata.broker.fetch;

import org.apache.kafka.common.IsolationLevel;

/**
 * The request-wide parameters of one Fetch, already capped by the broker.
 *
 * @param maxWaitMs      how long the fetch may wait for {@code minBytes} (0: answer at once)
 * @param minBytes       the bytes of records that answer the fetch before {@code maxWaitMs}
 * @param maxBytes       the response's byte limit (KIP-74: the first records always fit)
 * @param isolationLevel read_uncommitted or read_committed
 * @param leaderEpoch    the leader epoch of every partition on this broker
 */
public record FetchParams(int maxWaitMs, int minBytes, int maxBytes, IsolationLevel isolationLevel,
                          int leaderEpoch) {
}
