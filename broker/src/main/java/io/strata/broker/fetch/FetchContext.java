package io.strata.broker.fetch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;

/**
 * How one Fetch request relates to fetch sessions (KIP-227), decided by {@link
 * FetchSessionCache#newContext}: which partitions to read, and how the read results become the
 * response.
 *
 * <pre>
 *  sessionId  epoch   context
 *  0          -1      Sessionless   full request, full response, no session
 *  any        0       Full          full request, full response, new session (closes the named one)
 *  id         -1      Sessionless   closes session id
 *  id         n > 0   Incremental   request lists changes, response lists changes
 *                     SessionError  unknown id, wrong epoch, or topic names/ids mixed
 * </pre>
 *
 * <p>Implementations are thread-safe; {@link #response} is called once, on any thread.
 */
public sealed interface FetchContext {

    /** The partitions to read, in the order to read them. */
    List<PartitionFetch> partitions();

    /**
     * Builds the response from the result of every partition of {@link #partitions()}, in that
     * order, and records in the session what the response tells the client.
     */
    FetchResponseData response(LinkedHashMap<FetchKey, PartitionData> results);

    private static FetchResponseData toResponse(Errors error, int sessionId,
                                                LinkedHashMap<FetchKey, PartitionData> partitions) {
        FetchResponseData response = new FetchResponseData()
                .setThrottleTimeMs(0)
                .setErrorCode(error.code())
                .setSessionId(sessionId);
        FetchableTopicResponse current = null;
        for (Map.Entry<FetchKey, PartitionData> entry : partitions.entrySet()) {
            FetchKey key = entry.getKey();
            // Group consecutive partitions of one topic, keeping the partition order.
            if (current == null || !current.topic().equals(key.topic()) || !current.topicId().equals(key.topicId())) {
                current = new FetchableTopicResponse().setTopic(key.topic()).setTopicId(key.topicId());
                response.responses().add(current);
            }
            current.partitions().add(entry.getValue().setPartitionIndex(key.partition()));
        }
        return response;
    }

    /** A session error: nothing is read and the response carries only the top-level error. */
    final class SessionError implements FetchContext {

        private final Errors error;

        SessionError(Errors error) {
            this.error = error;
        }

        public Errors error() {
            return error;
        }

        @Override
        public List<PartitionFetch> partitions() {
            return List.of();
        }

        @Override
        public FetchResponseData response(LinkedHashMap<FetchKey, PartitionData> results) {
            return toResponse(error, FetchMetadata.INVALID_SESSION_ID, new LinkedHashMap<>());
        }
    }

    /** A full fetch outside any session. */
    final class Sessionless implements FetchContext {

        private final List<PartitionFetch> partitions;

        Sessionless(Map<FetchKey, PartitionFetch> fetchData) {
            this.partitions = List.copyOf(fetchData.values());
        }

        @Override
        public List<PartitionFetch> partitions() {
            return partitions;
        }

        @Override
        public FetchResponseData response(LinkedHashMap<FetchKey, PartitionData> results) {
            return toResponse(Errors.NONE, FetchMetadata.INVALID_SESSION_ID, results);
        }
    }

    /** A full fetch that opens a new session if the cache has (or can make) room for it. */
    final class Full implements FetchContext {

        private final FetchSessionCache cache;
        private final Map<FetchKey, PartitionFetch> fetchData;
        private final List<PartitionFetch> partitions;
        private final boolean usesTopicIds;

        Full(FetchSessionCache cache, Map<FetchKey, PartitionFetch> fetchData, boolean usesTopicIds) {
            this.cache = cache;
            this.fetchData = Map.copyOf(fetchData);
            this.partitions = List.copyOf(fetchData.values());
            this.usesTopicIds = usesTopicIds;
        }

        @Override
        public List<PartitionFetch> partitions() {
            return partitions;
        }

        @Override
        public FetchResponseData response(LinkedHashMap<FetchKey, PartitionData> results) {
            Supplier<LinkedHashMap<FetchKey, FetchSession.CachedPartition>> cached = () -> {
                LinkedHashMap<FetchKey, FetchSession.CachedPartition> partitions = new LinkedHashMap<>();
                for (Map.Entry<FetchKey, PartitionData> entry : results.entrySet()) {
                    PartitionFetch fetch = fetchData.get(entry.getKey());
                    if (fetch != null) {
                        PartitionData data = entry.getValue();
                        partitions.put(entry.getKey(),
                                new FetchSession.CachedPartition(fetch, data.highWatermark(), data.logStartOffset()));
                    }
                }
                return partitions;
            };
            int sessionId = cache.maybeCreateSession(usesTopicIds, results.size(), cached);
            return toResponse(Errors.NONE, sessionId, results);
        }
    }

    /** An incremental fetch in an existing session, whose epoch has already been advanced. */
    final class Incremental implements FetchContext {

        private final FetchSession session;
        private final int expectedEpoch;
        private final List<PartitionFetch> partitions;

        Incremental(FetchSession session, int expectedEpoch, List<PartitionFetch> partitions) {
            this.session = session;
            this.expectedEpoch = expectedEpoch;
            this.partitions = List.copyOf(partitions);
        }

        public int sessionId() {
            return session.id();
        }

        @Override
        public List<PartitionFetch> partitions() {
            return partitions;
        }

        @Override
        public FetchResponseData response(LinkedHashMap<FetchKey, PartitionData> results) {
            LinkedHashMap<FetchKey, PartitionData> selected = new LinkedHashMap<>(results);
            if (!session.selectAndUpdate(expectedEpoch, selected)) {
                // A later request of this session was accepted meanwhile: this one is a duplicate.
                return toResponse(Errors.INVALID_FETCH_SESSION_EPOCH, session.id(), new LinkedHashMap<>());
            }
            return toResponse(Errors.NONE, session.id(), selected);
        }
    }
}
