package io.strata.tiering.metadata;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * What a restore needs to recreate a tiered topic, kept in the bucket as
 * {@code {prefix}{topic}-{topicId}/topic.properties}: UTF-8 {@code key=value} lines
 * {@code version=1}, {@code topic}, {@code topicId}, {@code partitions} and one
 * {@code config.<name>=<value>} per config override of the topic.
 *
 * @param name       the topic name
 * @param topicId    the topic id (kept by the restore, so clients fetching by id keep working)
 * @param partitions the partition count
 * @param configs    the topic's config overrides
 */
public record RemoteTopic(String name, Uuid topicId, int partitions, Map<String, String> configs) {

    private static final String CONFIG_PREFIX = "config.";

    public RemoteTopic {
        if (partitions <= 0) {
            throw new IllegalArgumentException("A topic has at least one partition: " + partitions);
        }
        configs = Map.copyOf(configs);
    }

    public ByteBuffer encode() {
        StringBuilder text = new StringBuilder("version=1\n")
                .append("topic=").append(name).append('\n')
                .append("topicId=").append(topicId).append('\n')
                .append("partitions=").append(partitions).append('\n');
        new TreeMap<>(configs).forEach((key, value) -> text.append(CONFIG_PREFIX).append(escape(key)).append('=')
                .append(escape(value)).append('\n'));
        return ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException if the bytes are not a version-1 topic object */
    public static RemoteTopic decode(ByteBuffer bytes) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(StandardCharsets.UTF_8.decode(bytes.duplicate()).toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!"1".equals(p.getProperty("version"))) {
            throw new IllegalArgumentException("Unsupported remote topic version " + p.getProperty("version"));
        }
        Map<String, String> configs = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(CONFIG_PREFIX)) {
                configs.put(key.substring(CONFIG_PREFIX.length()), p.getProperty(key));
            }
        }
        String name = p.getProperty("topic");
        String id = p.getProperty("topicId");
        String partitions = p.getProperty("partitions");
        if (name == null || id == null || partitions == null) {
            throw new IllegalArgumentException("Remote topic object lacks topic, topicId or partitions");
        }
        try {
            return new RemoteTopic(name, Uuid.fromString(id), Integer.parseInt(partitions.trim()), configs);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Malformed remote topic partitions '" + partitions + "'", e);
        }
    }

    /** Properties escapes for values that may hold any character (config values, e.g. lists). */
    private static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\', '=', ':', '#', '!' -> escaped.append('\\').append(c);
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
