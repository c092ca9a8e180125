/**
 * The cold-replay benchmark: one consumer reading a topic from offset 0 whose sealed segments are
 * all in the bucket (a real S3 API) with the broker's chunk cache empty, against the same records
 * read from local segments, in one run ({@link io.strata.benchmarks.replay.ColdReplayBenchmark}).
 * Parameters and return values are non-null unless documented otherwise.
 */
package io.strata.benchmarks.replay;
