package io.strata.broker.fetch;

import io.strata.storage.log.PartitionLog;

/**
 * A partition of a fetch that exists on this broker: what the client asks and the log to read.
 *
 * @param fetch what the client asks of the partition
 * @param log   the partition's log
 */
public record ReadTarget(PartitionFetch fetch, PartitionLog log) {
}
