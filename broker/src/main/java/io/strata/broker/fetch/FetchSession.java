package io.strata.broker.fetch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * One incremental fetch session (KIP-227): the partitions a client fetches, with the request
 * parameters it last sent for each and the partition state it was last told, so that a request
 * need only name what changed and a response need only carry what changed.
 *
 * <p>The partitions keep an order: reads follow it, and a partition that returned records moves to
 * the end so that, under a response byte limit, every partition gets its turn (Kafka's order).
 *
 * <p>This class is thread-safe: every method holds the session's lock. {@link FetchSessionCache}
 * takes its own lock before a session's, never the reverse.
 */
final class FetchSession {

    private final int id;
    private final boolean usesTopicIds;
    private final long creationMs;
    private final LinkedHashMap<FetchKey, CachedPartition> partitions;
    private long lastUsedMs;
    private int epoch;
    /** The size last recorded by the cache, -1 when not in the cache. */
    private int cachedSize = -1;

    FetchSession(int id, boolean usesTopicIds, long creationMs, int epoch,
                 LinkedHashMap<FetchKey, CachedPartition> partitions) {
        this.id = id;
        this.usesTopicIds = usesTopicIds;
        this.creationMs = creationMs;
        this.lastUsedMs = creationMs;
        this.epoch = epoch;
        this.partitions = partitions;
    }

    int id() {
        return id;
    }

    boolean usesTopicIds() {
        return usesTopicIds;
    }

    long creationMs() {
        return creationMs;
    }

    synchronized long lastUsedMs() {
        return lastUsedMs;
    }

    synchronized void lastUsedMs(long now) {
        this.lastUsedMs = now;
    }

    synchronized int epoch() {
        return epoch;
    }

    synchronized void epoch(int newEpoch) {
        this.epoch = newEpoch;
    }

    synchronized int cachedSize() {
        return cachedSize;
    }

    synchronized void cachedSize(int size) {
        this.cachedSize = size;
    }

    synchronized int size() {
        return partitions.size();
    }

    synchronized boolean isEmpty() {
        return partitions.isEmpty();
    }

    /** The partitions to read, in session order, with the parameters last requested. */
    synchronized List<PartitionFetch> partitionFetches() {
        List<PartitionFetch> fetches = new ArrayList<>(partitions.size());
        for (CachedPartition cached : partitions.values()) {
            fetches.add(cached.fetch());
        }
        return fetches;
    }

    /**
     * Applies an incremental request: a named partition is added, or its request parameters are
     * replaced; a forgotten partition is removed.
     */
    synchronized void update(Map<FetchKey, PartitionFetch> fetchData, List<FetchKey> toForget) {
        for (PartitionFetch fetch : fetchData.values()) {
            CachedPartition cached = partitions.get(fetch.key());
            if (cached == null) {
                partitions.put(fetch.key(), new CachedPartition(fetch, -1L, -1L));
            } else {
                cached.updateRequest(fetch);
            }
        }
        for (FetchKey key : toForget) {
            partitions.remove(key);
        }
    }

    /**
     * Keeps in {@code results} only what an incremental response must carry and records it as
     * told: new records, a changed high watermark or log start offset, an error, a diverging
     * epoch. A partition that returned records moves to the end of the session order.
     *
     * @return false, changing nothing, when the session is no longer at {@code expectedEpoch}
     *         (another request of the session overtook this one)
     */
    synchronized boolean selectAndUpdate(int expectedEpoch, LinkedHashMap<FetchKey, PartitionData> results) {
        if (epoch != expectedEpoch) {
            return false;
        }
        Iterator<Map.Entry<FetchKey, PartitionData>> entries = results.entrySet().iterator();
        List<CachedPartition> rotated = new ArrayList<>();
        while (entries.hasNext()) {
            Map.Entry<FetchKey, PartitionData> entry = entries.next();
            CachedPartition cached = partitions.get(entry.getKey());
            if (cached == null || !cached.maybeUpdateResponseData(entry.getValue())) {
                entries.remove();
            } else if (FetchResponse.recordsSize(entry.getValue()) > 0) {
                rotated.add(cached);
            }
        }
        for (CachedPartition cached : rotated) {
            partitions.remove(cached.key);
            partitions.put(cached.key, cached);
        }
        return true;
    }

    @Override
    public synchronized String toString() {
        return "FetchSession(id=" + id + ", partitions=" + partitions.size() + ", usesTopicIds=" + usesTopicIds
                + ", creationMs=" + creationMs + ", lastUsedMs=" + lastUsedMs + ", epoch=" + epoch + ")";
    }

    /**
     * A partition of a session: its last request parameters and the high watermark and log start
     * offset its client was last sent.
     *
     * <p>This class is not thread-safe: it is guarded by its session's lock.
     */
    static final class CachedPartition {

        private final FetchKey key;
        private long fetchOffset;
        private int maxBytes;
        private int currentLeaderEpoch;
        private int lastFetchedEpoch;
        private long highWatermark;
        private long logStartOffset;

        CachedPartition(PartitionFetch fetch, long highWatermark, long logStartOffset) {
            this.key = fetch.key();
            updateRequest(fetch);
            this.highWatermark = highWatermark;
            this.logStartOffset = logStartOffset;
        }

        PartitionFetch fetch() {
            return new PartitionFetch(key, fetchOffset, maxBytes, currentLeaderEpoch, lastFetchedEpoch);
        }

        void updateRequest(PartitionFetch fetch) {
            this.fetchOffset = fetch.fetchOffset();
            this.maxBytes = fetch.maxBytes();
            this.currentLeaderEpoch = fetch.currentLeaderEpoch();
            this.lastFetchedEpoch = fetch.lastFetchedEpoch();
        }

        /** Whether an incremental response must include {@code data}; records what it tells the client. */
        boolean maybeUpdateResponseData(PartitionData data) {
            boolean mustRespond = FetchResponse.recordsSize(data) > 0;
            if (highWatermark != data.highWatermark()) {
                mustRespond = true;
                highWatermark = data.highWatermark();
            }
            if (logStartOffset != data.logStartOffset()) {
                mustRespond = true;
                logStartOffset = data.logStartOffset();
            }
            if (FetchResponse.isPreferredReplica(data) || FetchResponse.isDivergingEpoch(data)) {
                mustRespond = true;
            }
            if (data.errorCode() != Errors.NONE.code()) {
                // Forget the high watermark so that the partition is sent again once the error clears.
                highWatermark = -1L;
                mustRespond = true;
            }
            return mustRespond;
        }
    }
}
