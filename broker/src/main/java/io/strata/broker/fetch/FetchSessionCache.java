package io.strata.broker.fetch;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's incremental fetch sessions (KIP-227), and the rules that turn a request's session id
 * and epoch into a {@link FetchContext}.
 *
 * <p>A full request with epoch 0 opens a session when there is room: at most {@code maxEntries}
 * sessions ({@code max.incremental.fetch.session.cache.slots}, default 1000). When the cache is
 * full a new session may evict, as in Kafka: first the least recently used session if it has been
 * idle for more than {@code evictionMs} (120 s in Kafka); otherwise the smallest session created
 * more than {@code evictionMs} ago, if the new session has more partitions. Otherwise the response
 * carries session id 0 and the client keeps sending full requests. A single broker has no
 * followers, so no session is privileged.
 *
 * <p>Each incremental request must carry the session's current epoch; accepting it advances the
 * epoch (wrapping from {@code Integer.MAX_VALUE} to 1) before any read, so a duplicate or
 * reordered request is refused with {@code INVALID_FETCH_SESSION_EPOCH}.
 *
 * <p>This class is thread-safe: its methods hold the cache lock, taken before a session's lock.
 */
public final class FetchSessionCache {

    /** Kafka's default {@code max.incremental.fetch.session.cache.slots}. */
    public static final int DEFAULT_MAX_ENTRIES = 1000;
    /** Kafka's minimum idle time (and age) before a session may be evicted. */
    public static final long DEFAULT_EVICTION_MS = 120_000L;

    private static final Logger log = LoggerFactory.getLogger(FetchSessionCache.class);

    /** Smallest value (last-used time, or size) first; ties broken by id. */
    private static final Comparator<SessionKey> ORDER =
            Comparator.comparingLong(SessionKey::value).thenComparingInt(SessionKey::id);

    private final int maxEntries;
    private final long evictionMs;
    private final Time time;
    private final Map<Integer, FetchSession> sessions = new HashMap<>();
    private final TreeMap<SessionKey, FetchSession> lastUsed = new TreeMap<>(ORDER);
    /** Sessions older than evictionMs, which a larger new session may evict. */
    private final TreeMap<SessionKey, FetchSession> evictable = new TreeMap<>(ORDER);
    private long numPartitions;
    private long evictions;

    public FetchSessionCache(int maxEntries, long evictionMs, Time time) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must be >= 0: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.evictionMs = evictionMs;
        this.time = time;
    }

    /**
     * Resolves a request's session id and epoch into its context, applying an incremental
     * request's added, changed and forgotten partitions to its session.
     *
     * @param metadata     the request's session id and epoch
     * @param usesTopicIds whether the request names topics by id (version 13 or later)
     * @param fetchData    the partitions the request lists, in request order
     * @param toForget     the partitions an incremental request removes from its session
     */
    public FetchContext newContext(FetchMetadata metadata, boolean usesTopicIds,
                                   LinkedHashMap<FetchKey, PartitionFetch> fetchData, List<FetchKey> toForget) {
        if (metadata.isFull()) {
            if (metadata.sessionId() != FetchMetadata.INVALID_SESSION_ID) {
                // A full request closes the session it names.
                remove(metadata.sessionId());
            }
            if (metadata.epoch() == FetchMetadata.FINAL_EPOCH) {
                return new FetchContext.Sessionless(fetchData);
            }
            return new FetchContext.Full(this, fetchData, usesTopicIds);
        }
        synchronized (this) {
            FetchSession session = sessions.get(metadata.sessionId());
            if (session == null) {
                log.debug("Fetch session {} not found", metadata.sessionId());
                return new FetchContext.SessionError(Errors.FETCH_SESSION_ID_NOT_FOUND);
            }
            synchronized (session) {
                if (session.epoch() != metadata.epoch()) {
                    log.debug("Fetch session {} expected epoch {} but got {}", session.id(), session.epoch(),
                            metadata.epoch());
                    return new FetchContext.SessionError(Errors.INVALID_FETCH_SESSION_EPOCH);
                }
                if (session.usesTopicIds() != usesTopicIds) {
                    return new FetchContext.SessionError(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
                }
                session.update(fetchData, toForget);
                if (session.isEmpty()) {
                    remove(session);
                    return new FetchContext.Sessionless(fetchData);
                }
                touch(session, time.milliseconds());
                int nextEpoch = FetchMetadata.nextEpoch(session.epoch());
                session.epoch(nextEpoch);
                return new FetchContext.Incremental(session, nextEpoch, session.partitionFetches());
            }
        }
    }

    /** The number of sessions (Kafka's NumIncrementalFetchSessions). */
    public synchronized int size() {
        return sessions.size();
    }

    /** The partitions cached over all sessions (Kafka's NumIncrementalFetchPartitionsCached). */
    public synchronized long totalPartitions() {
        return numPartitions;
    }

    /** How many sessions were evicted to make room for new ones. */
    public synchronized long evictions() {
        return evictions;
    }

    /**
     * Opens a session for a full response when there is room or a session can be evicted.
     *
     * @return the new session's id, or 0 ({@code INVALID_SESSION_ID}) when none was created
     */
    synchronized int maybeCreateSession(boolean usesTopicIds, int size,
                                        Supplier<LinkedHashMap<FetchKey, FetchSession.CachedPartition>> partitions) {
        long now = time.milliseconds();
        if (sessions.size() >= maxEntries && !tryEvict(size, now)) {
            log.debug("No fetch session created for {} partitions: the cache is full", size);
            return FetchMetadata.INVALID_SESSION_ID;
        }
        FetchSession session = new FetchSession(newSessionId(), usesTopicIds, now,
                FetchMetadata.nextEpoch(FetchMetadata.INITIAL_EPOCH), partitions.get());
        sessions.put(session.id(), session);
        touch(session, now);
        log.debug("Created {}", session);
        return session.id();
    }

    private boolean tryEvict(int size, long now) {
        Map.Entry<SessionKey, FetchSession> leastRecent = lastUsed.firstEntry();
        if (leastRecent == null) {
            return false;
        }
        if (now - leastRecent.getKey().value() > evictionMs) {
            log.debug("Evicting stale {}", leastRecent.getValue());
            remove(leastRecent.getValue());
            evictions++;
            return true;
        }
        Map.Entry<SessionKey, FetchSession> smallest = evictable.firstEntry();
        // A new session has the lowest possible id, so it must have strictly more partitions.
        if (smallest == null || size <= smallest.getKey().value()) {
            return false;
        }
        log.debug("Evicting {} for a session of {} partitions", smallest.getValue(), size);
        remove(smallest.getValue());
        evictions++;
        return true;
    }

    private synchronized void remove(int sessionId) {
        FetchSession session = sessions.get(sessionId);
        if (session != null) {
            remove(session);
        }
    }

    private void remove(FetchSession session) {
        lastUsed.remove(new SessionKey(session.lastUsedMs(), session.id()));
        evictable.remove(new SessionKey(session.cachedSize(), session.id()));
        if (sessions.remove(session.id()) != null) {
            numPartitions -= session.cachedSize();
        }
    }

    /** Re-files a session under its new last-used time and size. */
    private void touch(FetchSession session, long now) {
        synchronized (session) {
            lastUsed.remove(new SessionKey(session.lastUsedMs(), session.id()));
            session.lastUsedMs(now);
            lastUsed.put(new SessionKey(now, session.id()), session);
            int oldSize = session.cachedSize();
            if (oldSize != -1) {
                evictable.remove(new SessionKey(oldSize, session.id()));
                numPartitions -= oldSize;
            }
            int size = session.size();
            session.cachedSize(size);
            if (now - session.creationMs() > evictionMs) {
                evictable.put(new SessionKey(size, session.id()), session);
            }
            numPartitions += size;
        }
    }

    private int newSessionId() {
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        return id;
    }

    /** An ordering key: a last-used time or a size, then the session id. */
    private record SessionKey(long value, int id) {
    }
}
