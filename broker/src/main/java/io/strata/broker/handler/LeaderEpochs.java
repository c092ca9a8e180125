package io.strata.broker.handler;

import org.apache.kafka.common.protocol.Errors;

/**
 * Leader-epoch checks shared by the partition-level APIs. A single broker leads every partition
 * in epoch {@link #CURRENT}; clients that send a current leader epoch (KIP-320) are checked
 * against it exactly as Apache Kafka does.
 */
final class LeaderEpochs {

    /** The leader epoch of every partition on a single node. */
    static final int CURRENT = 0;

    private LeaderEpochs() {
    }

    /** NONE when the client sent no epoch (-1) or ours; FENCED when theirs is older; UNKNOWN when newer. */
    static Errors check(int clientCurrentLeaderEpoch) {
        if (clientCurrentLeaderEpoch < 0 || clientCurrentLeaderEpoch == CURRENT) {
            return Errors.NONE;
        }
        return clientCurrentLeaderEpoch < CURRENT ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH;
    }
}
