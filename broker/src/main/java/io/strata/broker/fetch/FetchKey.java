package io.strata.broker.fetch;

import org.apache.kafka.common.Uuid;

/**
 * A partition as a Fetch request names it: by topic name below version 13 and by topic id from
 * version 13 on (KIP-516). The half a version does not use holds its wire default ({@link
 * Uuid#ZERO_UUID} or {@code ""}), so one key serves every version and a fetch session keeps the
 * identity its client uses.
 *
 * @param topicId   the topic id, {@link Uuid#ZERO_UUID} below version 13
 * @param topic     the topic name, {@code ""} from version 13 on
 * @param partition the partition index
 */
public record FetchKey(Uuid topicId, String topic, int partition) {

    /** A partition of a request below version 13. */
    public static FetchKey byName(String topic, int partition) {
        return new FetchKey(Uuid.ZERO_UUID, topic, partition);
    }

    /** A partition of a request at version 13 or later. */
    public static FetchKey byId(Uuid topicId, int partition) {
        return new FetchKey(topicId, "", partition);
    }

    @Override
    public String toString() {
        return (topic.isEmpty() ? topicId.toString() : topic) + "-" + partition;
    }
}
