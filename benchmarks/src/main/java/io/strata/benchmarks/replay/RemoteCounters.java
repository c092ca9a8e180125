package io.strata.benchmarks.replay;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A reading of the broker's remote-storage counters ({@code io.strata:type=RemoteStorage} on the
 * platform MBean server of this JVM, where the in-process broker registers them), or the difference
 * of two readings.
 *
 * @param getRequests      GETs sent to the object store (ranged chunk GETs, index GETs, manifests)
 * @param remoteBytesRead  bytes those GETs returned
 * @param chunkHits        chunk requests served from the chunk cache (or joining a GET in flight)
 * @param chunkMisses      chunk requests that started a GET
 * @param indexMisses      offset/time index requests that started a GET
 *
 * <p>Immutable and thread-safe.
 */
public record RemoteCounters(long getRequests, long remoteBytesRead, long chunkHits, long chunkMisses,
                             long indexMisses) {

    static final String MBEAN = "io.strata:type=RemoteStorage";

    /** Reads the counters now; fails if the broker's remote tier has not registered them (yet). */
    public static RemoteCounters read() {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = new ObjectName(MBEAN);
            return new RemoteCounters((Long) jmx.getAttribute(name, "GetRequests"),
                    (Long) jmx.getAttribute(name, "RemoteBytesRead"), (Long) jmx.getAttribute(name, "ChunkCacheHits"),
                    (Long) jmx.getAttribute(name, "ChunkCacheMisses"), (Long) jmx.getAttribute(name, "IndexCacheMisses"));
        } catch (JMException e) {
            throw new IllegalStateException("Could not read " + MBEAN + ": " + e, e);
        }
    }

    /** Whether the broker's remote tier has registered its counters. */
    public static boolean registered() {
        try {
            return ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName(MBEAN));
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Upload lag in segments (sealed segments not yet in the bucket), from the same MBean. */
    public static int uploadLagSegments() {
        try {
            return (Integer) ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName(MBEAN), "UploadLagSegments");
        } catch (JMException e) {
            throw new IllegalStateException("Could not read " + MBEAN + ": " + e, e);
        }
    }

    /** This reading minus an earlier one. */
    public RemoteCounters minus(RemoteCounters earlier) {
        return new RemoteCounters(getRequests - earlier.getRequests, remoteBytesRead - earlier.remoteBytesRead,
                chunkHits - earlier.chunkHits, chunkMisses - earlier.chunkMisses, indexMisses - earlier.indexMisses);
    }

    public static RemoteCounters zero() {
        return new RemoteCounters(0, 0, 0, 0, 0);
    }
}
