package io.strata.broker.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * One configuration entry as DescribeConfigs and CreateTopics report it, before it is mapped to a
 * wire message.
 *
 * @param name          the config name
 * @param value         the effective value as a string; null when the config has no value (or is sensitive)
 * @param source        where the value comes from: the topic override, the broker's properties or the default
 * @param readOnly      whether the value cannot be altered at run time
 * @param sensitive     whether the value is secret (never shown)
 * @param type          the config's type; null for a key the broker does not know
 * @param documentation the config's documentation; null unless asked for
 * @param synonyms      where the value could come from, highest precedence first; empty unless asked for
 *
 * <p>This record is immutable.
 */
public record DescribedConfig(String name, String value, ConfigSource source, boolean readOnly, boolean sensitive,
                              ConfigDef.Type type, String documentation, List<Synonym> synonyms) {

    public DescribedConfig {
        synonyms = List.copyOf(synonyms);
    }

    /**
     * A config (of the topic or the broker) the value could come from.
     *
     * @param name   the synonym's name, e.g. {@code log.retention.hours} for {@code retention.ms}
     * @param value  its value as a string; null when sensitive
     * @param source where it is set
     */
    public record Synonym(String name, String value, ConfigSource source) {
    }
}
