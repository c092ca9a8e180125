package io.strata.tiering.metadata;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The format of a segment's metadata object: UTF-8 {@code key=value} lines (readable with any S3
 * browser), version 1:
 *
 * <pre>
 * version=1
 * topic=orders
 * topicId=3p9hbQeZTbCNSl5ItLwQ5Q
 * partition=0
 * segmentId=...
 * baseOffset=0
 * endOffset=9999
 * maxTimestamp=1700000000000
 * segmentSizeInBytes=1048576
 * uploadedMs=1700000000000
 * leaderEpochs=0:0,3:5000        (epoch:startOffset, ascending)
 * producerSnapshot=true
 * </pre>
 *
 * <p>This class is stateless and thread-safe.
 */
public final class RemoteSegmentMetadataCodec {

    private static final int VERSION = 1;

    private RemoteSegmentMetadataCodec() {
    }

    public static ByteBuffer encode(RemoteSegmentMetadata m) {
        StringBuilder text = new StringBuilder(256)
                .append("version=").append(VERSION).append('\n')
                .append("topic=").append(m.topicPartition().topic()).append('\n')
                .append("topicId=").append(m.topicId()).append('\n')
                .append("partition=").append(m.topicPartition().partition()).append('\n')
                .append("segmentId=").append(m.segmentId()).append('\n')
                .append("baseOffset=").append(m.baseOffset()).append('\n')
                .append("endOffset=").append(m.endOffset()).append('\n')
                .append("maxTimestamp=").append(m.maxTimestamp()).append('\n')
                .append("segmentSizeInBytes=").append(m.segmentSizeInBytes()).append('\n')
                .append("uploadedMs=").append(m.uploadedMs()).append('\n')
                .append("leaderEpochs=");
        String separator = "";
        for (var entry : m.segmentLeaderEpochs().entrySet()) {
            text.append(separator).append(entry.getKey()).append(':').append(entry.getValue());
            separator = ",";
        }
        text.append('\n').append("producerSnapshot=").append(m.hasProducerSnapshot()).append('\n');
        return ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @throws IllegalArgumentException if the bytes are not a version-1 metadata object
     */
    public static RemoteSegmentMetadata decode(ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        byte[] raw = new byte[copy.remaining()];
        copy.get(raw);
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(raw, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int version = Integer.parseInt(required(p, "version"));
        if (version != VERSION) {
            throw new IllegalArgumentException("Unsupported remote segment metadata version " + version);
        }
        TreeMap<Integer, Long> epochs = new TreeMap<>();
        String epochText = p.getProperty("leaderEpochs", "");
        if (!epochText.isEmpty()) {
            for (String pair : epochText.split(",")) {
                int colon = pair.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("Malformed leader epoch entry '" + pair + "'");
                }
                epochs.put(Integer.parseInt(pair.substring(0, colon)), Long.parseLong(pair.substring(colon + 1)));
            }
        }
        try {
            return new RemoteSegmentMetadata(
                    Uuid.fromString(required(p, "topicId")),
                    new TopicPartition(required(p, "topic"), Integer.parseInt(required(p, "partition"))),
                    Uuid.fromString(required(p, "segmentId")),
                    Long.parseLong(required(p, "baseOffset")),
                    Long.parseLong(required(p, "endOffset")),
                    Long.parseLong(required(p, "maxTimestamp")),
                    Integer.parseInt(required(p, "segmentSizeInBytes")),
                    Long.parseLong(required(p, "uploadedMs")),
                    epochs,
                    Boolean.parseBoolean(required(p, "producerSnapshot")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Malformed remote segment metadata: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("Remote segment metadata lacks '" + key + "'");
        }
        return value.trim();
    }
}
