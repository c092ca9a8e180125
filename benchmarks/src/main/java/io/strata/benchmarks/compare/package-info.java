/**
 * The side-by-side comparison of Strata and Apache Kafka run by {@code benchmarks/compare.sh}:
 * {@link io.strata.benchmarks.compare.Comparison} (rounds, results), {@link
 * io.strata.benchmarks.compare.BrokerRunner} (one broker through all workloads), the two brokers
 * ({@link io.strata.benchmarks.compare.ApacheKafkaBroker}, {@link io.strata.benchmarks.compare.StrataBroker}),
 * Kafka's tools ({@link io.strata.benchmarks.compare.KafkaTools}, {@link
 * io.strata.benchmarks.compare.ToolOutputs}) and the report ({@link
 * io.strata.benchmarks.compare.ReportRenderer}, {@link io.strata.benchmarks.compare.ResultsFile},
 * {@link io.strata.benchmarks.compare.RawResults}). Parameters and return values are non-null unless
 * documented otherwise.
 */
package io.strata.benchmarks.compare;
