/**
 * Broker and topic configuration with Apache Kafka's names, defaults and validation: {@link
 * io.strata.broker.config.BrokerConfig} (the broker's properties, parsed once at start) and {@link
 * io.strata.broker.config.TopicConfigs} (topic-level overrides and their broker synonyms).
 * Parameters and return values are non-null unless documented otherwise.
 */
package io.strata.broker.config;
