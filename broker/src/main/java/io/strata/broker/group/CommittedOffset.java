package io.strata.broker.group;

import java.util.Objects;

/**
 * A committed offset of one partition for one group, as Kafka's {@code OffsetCommitValue} stores it.
 *
 * @param offset            the committed offset (the next record the group will read)
 * @param leaderEpoch       the leader epoch of the last consumed record, -1 when unknown
 * @param metadata          the client's metadata string, never null ({@code ""} for none)
 * @param commitTimestampMs when the coordinator accepted the commit
 * @param expireTimestampMs the explicit expiry of old clients' commits (OffsetCommit v2-v4
 *                          {@code retention_time_ms}), -1 for none: then {@code offsets.retention} rules apply
 *
 * <p>This record is immutable and thread-safe.
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs,
                              long expireTimestampMs) {

    /** The value of {@code leaderEpoch} and {@code expireTimestampMs} meaning "none". */
    public static final int NONE = -1;

    public CommittedOffset {
        Objects.requireNonNull(metadata, "metadata");
    }

    public boolean hasExpireTimestamp() {
        return expireTimestampMs != NONE;
    }
}
