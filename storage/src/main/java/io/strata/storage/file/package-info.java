/**
 * Naming of the files in a partition directory, in Apache Kafka's layout ({@link
 * io.strata.storage.file.SegmentFiles}). Parameters and return values are non-null unless documented
 * otherwise.
 */
package io.strata.storage.file;
