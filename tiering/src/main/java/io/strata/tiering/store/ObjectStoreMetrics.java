package io.strata.tiering.store;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one object store: requests by type, bytes moved and failures. Requests are counted
 * once per call of the {@link ObjectStore} method (a multipart upload counts its parts as PUTs).
 *
 * <p>This class is thread-safe.
 */
public final class ObjectStoreMetrics {

    private final LongAdder getRequests = new LongAdder();
    private final LongAdder putRequests = new LongAdder();
    private final LongAdder deleteRequests = new LongAdder();
    private final LongAdder listRequests = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder errors = new LongAdder();

    public void recordGet(long bytes) {
        getRequests.increment();
        bytesRead.add(bytes);
    }

    public void recordPut(long bytes) {
        putRequests.increment();
        bytesWritten.add(bytes);
    }

    public void recordDelete() {
        deleteRequests.increment();
    }

    public void recordList() {
        listRequests.increment();
    }

    public void recordError() {
        errors.increment();
    }

    public long getRequests() {
        return getRequests.sum();
    }

    public long putRequests() {
        return putRequests.sum();
    }

    public long deleteRequests() {
        return deleteRequests.sum();
    }

    public long listRequests() {
        return listRequests.sum();
    }

    public long bytesRead() {
        return bytesRead.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }

    public long errors() {
        return errors.sum();
    }
}
