/**
 * Memory-mapped sparse indexes of a log segment in Apache Kafka's file formats: {@link
 * io.strata.storage.index.OffsetIndex} ({@code .index}) and {@link io.strata.storage.index.TimeIndex}
 * ({@code .timeindex}). Parameters and return values are non-null unless documented otherwise.
 */
package io.strata.storage.index;
