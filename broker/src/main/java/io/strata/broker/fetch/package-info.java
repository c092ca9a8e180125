/**
 * The Fetch API's machinery: fetch sessions (KIP-227, {@link io.strata.broker.fetch.FetchSessionCache}),
 * the per-partition read decision ({@link io.strata.broker.fetch.FetchPlanner}), the KIP-74 read loop
 * ({@link io.strata.broker.fetch.FetchReader}) and long polls parked without a thread
 * ({@link io.strata.broker.fetch.FetchPurgatory}). Parameters and return values are non-null
 * unless documented otherwise.
 */
package io.strata.broker.fetch;
