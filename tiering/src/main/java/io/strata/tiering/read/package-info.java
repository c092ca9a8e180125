/**
 * Serving Fetch and ListOffsets from segments in the bucket: {@link io.strata.tiering.read.RemoteReader}
 * reads record batches through a {@link io.strata.tiering.read.ChunkCache} of fixed-size ranges of a
 * segment's {@code .log} object, positioned by the segment's offset and time indexes, which a
 * {@link io.strata.tiering.read.RemoteIndexCache} keeps in memory. The index cache is a Caffeine
 * {@code AsyncCache}, the chunk cache a least-recently-used map (a replay's chunk loaded last must
 * not be the first evicted); in both, concurrent misses share one GET and failed loads are not kept.
 *
 * <p>Corrupt data (a record batch failing its CRC or lying outside its segment, an index whose
 * entries are not increasing) is always reported as
 * {@link org.apache.kafka.common.errors.CorruptRecordException}, which maps to Kafka's
 * {@code CORRUPT_MESSAGE} error, naming the object key. Parameters and return values are non-null
 * unless marked {@code @Nullable}.
 */
@NullMarked
package io.strata.tiering.read;

import org.jspecify.annotations.NullMarked;
