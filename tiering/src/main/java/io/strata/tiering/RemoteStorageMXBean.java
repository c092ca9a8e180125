package io.strata.tiering;

/**
 * The remote tier's figures over JMX, as {@code io.strata:type=RemoteStorage}: uploads, upload lag,
 * deletions, object-store requests and bytes, cache hit rates and errors. Counters are totals since
 * the broker started.
 */
public interface RemoteStorageMXBean {

    long getSegmentsUploaded();

    long getBytesUploaded();

    long getSegmentsDeleted();

    long getUploadFailures();

    /** Bytes of sealed segments of tiered partitions not uploaded yet. */
    long getUploadLagBytes();

    /** Sealed segments of tiered partitions not uploaded yet. */
    int getUploadLagSegments();

    long getRemoteReadErrors();

    /** Record bytes served to fetches from the remote tier. */
    long getRemoteBytesServed();

    /** Bytes downloaded from the object store (GET bodies). */
    long getRemoteBytesRead();

    long getGetRequests();

    long getPutRequests();

    long getDeleteRequests();

    long getListRequests();

    long getObjectStoreErrors();

    long getChunkCacheHits();

    long getChunkCacheMisses();

    /** Chunk requests served without a GET, over all chunk requests; 0 before the first. */
    double getChunkCacheHitRate();

    long getIndexCacheHits();

    long getIndexCacheMisses();
}
