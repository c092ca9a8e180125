/**
 * The object-store SPI of remote (tiered) storage ({@link io.strata.tiering.store.ObjectStore}), its S3
 * implementation on the AWS SDK's async client ({@link io.strata.tiering.store.S3ObjectStore}), the one
 * place where S3 failures are classified ({@link io.strata.tiering.store.ObjectStoreErrors}) and an
 * in-process S3 server for tests and single-node setups ({@link io.strata.tiering.store.EmbeddedS3Server}).
 * Parameters and return values are non-null unless documented otherwise.
 */
package io.strata.tiering.store;
