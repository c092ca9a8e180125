package io.strata.tiering.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** The metadata object of a remote segment, its bucket keys and the in-memory remote log. */
class RemoteSegmentMetadataCodecTest {

    private static final Uuid TOPIC_ID = Uuid.randomUuid();
    private static final TopicPartition TP = new TopicPartition("orders.v2_eu-1", 7);

    private static RemoteSegmentMetadata segment(long base, long end) {
        return new RemoteSegmentMetadata(TOPIC_ID, TP, Uuid.randomUuid(), base, end, 1_700_000_000_123L,
                1_048_576, 1_700_000_001_000L, new TreeMap<>(Map.of(0, base, 3, base + 5)), true);
    }

    @Test
    void shouldRoundTripEveryField() {
        RemoteSegmentMetadata segment = segment(100, 199);
        assertEquals(segment, RemoteSegmentMetadataCodec.decode(RemoteSegmentMetadataCodec.encode(segment)));
        RemoteSegmentMetadata noEpochs = new RemoteSegmentMetadata(TOPIC_ID, TP, Uuid.randomUuid(), 0, 0, -1, 0, 0,
                new TreeMap<>(), false);
        assertEquals(noEpochs, RemoteSegmentMetadataCodec.decode(RemoteSegmentMetadataCodec.encode(noEpochs)));
    }

    @Test
    void shouldRejectMalformedMetadata() {
        String valid = StandardCharsets.UTF_8.decode(RemoteSegmentMetadataCodec.encode(segment(0, 9))).toString();
        for (String bad : new String[] {
            "",
            valid.replace("version=1", "version=2"),
            valid.replace("endOffset=9", "endOffset=x"),
            valid.replaceAll("segmentId=.*\n", ""),
            valid.replace("leaderEpochs=0:0,3:5", "leaderEpochs=0-0"),
            valid.replace("endOffset=9", "endOffset=-5"),
        }) {
            assertThrows(IllegalArgumentException.class, () -> RemoteSegmentMetadataCodec.decode(
                    ByteBuffer.wrap(bad.getBytes(StandardCharsets.UTF_8))), bad);
        }
    }

    @Test
    void shouldNameEveryObjectOfASegmentWithItsIdAndFindTheIdBack() {
        ObjectKeys keys = new ObjectKeys("cluster-a");
        RemoteSegmentMetadata segment = segment(42, 99);
        String log = keys.segmentObject(segment, RemoteFileType.LOG);
        assertEquals("cluster-a/orders.v2_eu-1-" + TOPIC_ID + "/7/segments/00000000000000000042-"
                + segment.segmentId() + ".log", log);
        assertEquals(segment.segmentId(), ObjectKeys.segmentIdOf(log));
        assertEquals(segment.segmentId(), ObjectKeys.segmentIdOf(keys.metadataObject(segment)));
        assertNull(ObjectKeys.segmentIdOf("cluster-a/orders-x/7/segments/notes.txt"));
        assertNull(ObjectKeys.segmentIdOf("00000000000000000042-not-a-uuid.log"));
        assertEquals("", new ObjectKeys("").prefix());
    }

    @Test
    void shouldFindTheSegmentHoldingAnOffsetAcrossGaps() {
        RemoteLogSegments segments = new RemoteLogSegments();
        RemoteSegmentMetadata first = segment(0, 99);
        RemoteSegmentMetadata second = segment(150, 199);
        segments.add(second);
        segments.add(first);
        assertEquals(first, segments.segmentFor(50));
        assertEquals(second, segments.segmentFor(120), "offsets deleted before the upload: the next segment");
        assertNull(segments.segmentFor(200));
        assertEquals(second, segments.next(first));
        assertEquals(0L, segments.logStartOffset().getAsLong());
        assertEquals(199L, segments.highestOffset());
        assertEquals(2L * 1_048_576, segments.sizeInBytes());
        RemoteSegmentMetadata shorterRetry = segment(150, 180);
        assertEquals(shorterRetry, segments.add(shorterRetry), "the segment reaching further stays");
        assertEquals(second, segments.segmentFor(190));
    }

    @Test
    void shouldRoundTripATopicDescriptionWhateverItsConfigValuesHold() {
        RemoteTopic topic = new RemoteTopic("orders", TOPIC_ID, 12, Map.of("remote.storage.enable", "true",
                "cleanup.policy", "delete", "odd", "a=b:c#d!e\\f\nnext line"));
        assertEquals(topic, RemoteTopic.decode(topic.encode()));
        assertThrows(IllegalArgumentException.class, () -> RemoteTopic.decode(ByteBuffer.wrap(
                "version=1\ntopic=orders\n".getBytes(StandardCharsets.UTF_8))));
        assertThrows(IllegalArgumentException.class, () -> new RemoteTopic("orders", TOPIC_ID, 0, Map.of()));
    }
}
