package io.strata.broker.fetch;

import io.strata.broker.metadata.TopicMetadata;
import io.strata.storage.log.PartitionLog;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * The topic lookups a Fetch needs, answered from memory on the event loop. Production passes the
 * broker's {@code TopicRegistry}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface PartitionLookup {

    /** The topic with this id, if it exists. */
    Optional<TopicMetadata> topic(Uuid topicId);

    /** The log of this partition, if the topic and partition exist. */
    Optional<PartitionLog> log(TopicPartition topicPartition);
}
