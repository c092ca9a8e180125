package io.strata.broker.group;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The states of a classic group, with Kafka's names (as DescribeGroups and ListGroups report them)
 * and Kafka's allowed transitions.
 *
 * <pre>
 *             +------------------------------------------------------------+
 *             |                                                            v
 *   Empty --join--> PreparingRebalance --all joined / timeout--> CompletingRebalance --leader sync--> Stable
 *     ^  ^                 ^   |  ^                                  |                              |
 *     |  |                 |   |  +-------- member change -----------+                              |
 *     |  +--no member left-+   +<------------------------ join, leave, expiry ---------------------+
 *     |
 *   (Empty/any) --deleted or offsets expired--> Dead
 * </pre>
 *
 * <p>This enum is immutable and thread-safe.
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The states a group may come from into this one. */
    Set<GroupState> validPreviousStates() {
        return switch (this) {
            case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE -> EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
            case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
            case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
            case DEAD -> EnumSet.of(STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD);
        };
    }

    /** The name Kafka reports, for example {@code PreparingRebalance}. */
    @Override
    public String toString() {
        return kafkaName;
    }

    /** The lower-case name ListGroups' states filter matches. */
    String toLowerCaseString() {
        return kafkaName.toLowerCase(Locale.ROOT);
    }
}
