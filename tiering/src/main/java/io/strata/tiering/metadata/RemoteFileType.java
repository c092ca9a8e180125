package io.strata.tiering.metadata;

/** The objects one uploaded segment consists of, with Kafka's file suffixes. */
public enum RemoteFileType {
    /** The segment's record batches, byte for byte as in the local {@code .log} file. */
    LOG(".log"),
    /** The sparse offset index (relative offset, position), trimmed to its entries. */
    OFFSET_INDEX(".index"),
    /** The sparse time index (timestamp, relative offset), trimmed to its entries. */
    TIME_INDEX(".timeindex"),
    /** The producer-state snapshot taken at the segment's next offset (may be absent). */
    PRODUCER_SNAPSHOT(".snapshot"),
    /** The leader epochs of the segment, in the leader-epoch-checkpoint text format. */
    LEADER_EPOCH_CHECKPOINT(".leader-epoch-checkpoint");

    private final String suffix;

    RemoteFileType(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }
}
