/**
 * The broker's durable metadata: topics ({@link io.strata.broker.metadata.TopicStore}, with the
 * log dirs' {@code meta.properties}), the façade handlers use to look up and change topics ({@link
 * io.strata.broker.metadata.TopicRegistry}) and producer id allocation ({@link
 * io.strata.broker.metadata.ProducerIdManager}). Parameters and return values are non-null unless
 * documented otherwise.
 */
package io.strata.broker.metadata;
