/**
 * Idempotent-producer state of a partition, Apache Kafka's model: per producer id the epoch and the
 * last appended batches ({@link io.strata.storage.producer.ProducerStateManager}), persisted as
 * {@code .snapshot} files in Kafka's producer snapshot format ({@link
 * io.strata.storage.producer.ProducerSnapshotFile}). Parameters and return values are non-null
 * unless documented otherwise.
 */
package io.strata.storage.producer;
