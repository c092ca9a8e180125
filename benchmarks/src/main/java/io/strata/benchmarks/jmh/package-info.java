/**
 * JMH microbenchmarks of Strata's hot paths, each next to Apache Kafka's own implementation of the
 * same step where Kafka has one: appending a 64 KiB batch ({@link io.strata.benchmarks.jmh.LogAppendBenchmark}),
 * an offset index lookup ({@link io.strata.benchmarks.jmh.OffsetIndexLookupBenchmark}), reading a range for
 * a fetch ({@link io.strata.benchmarks.jmh.LogReadBenchmark}), decoding a Produce request
 * ({@link io.strata.benchmarks.jmh.ProduceRequestDecodeBenchmark}) and encoding a Fetch response
 * ({@link io.strata.benchmarks.jmh.FetchResponseEncodeBenchmark}). {@link io.strata.benchmarks.jmh.HotPathComparison}
 * runs them and prints Strata/Kafka ratios. Parameters and return values are non-null unless
 * documented otherwise.
 */
package io.strata.benchmarks.jmh;
