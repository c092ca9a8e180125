package io.strata.benchmarks.replay;

/**
 * One measured read of a topic from offset 0 to the end of its remote range.
 *
 * @param round         1-based round
 * @param kind          {@link Kind#LOCAL} or {@link Kind#COLD_REMOTE}
 * @param records       records read
 * @param bytes         bytes of the records' keys and values
 * @param nanos         wall time from the first poll to the last record
 * @param remote        the remote-storage counters' change over the read
 * @param fetchLatencyAvgMs the consumer's {@code fetch-latency-avg}
 * @param fetchSizeAvg  the consumer's {@code fetch-size-avg} (bytes per fetch response)
 *
 * <p>Immutable and thread-safe.
 */
public record ReplayRead(int round, Kind kind, long records, long bytes, long nanos, RemoteCounters remote,
                         double fetchLatencyAvgMs, double fetchSizeAvg) {

    private static final double MIB = 1024.0 * 1024.0;
    private static final double GIB = MIB * 1024.0;

    /** Which copy of the records was read. */
    public enum Kind { LOCAL, COLD_REMOTE }

    /** MiB of record bytes per second. */
    public double mibPerSecond() {
        return bytes / MIB / (nanos / 1e9);
    }

    /** Object store GETs per GiB of record bytes read. */
    public double getsPerGib() {
        return remote.getRequests() / (bytes / GIB);
    }
}
