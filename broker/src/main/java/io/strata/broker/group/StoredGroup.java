package io.strata.broker.group;

import java.util.List;
import java.util.Objects;

/**
 * A classic group as Kafka's {@code GroupMetadataValue} record stores it: what the coordinator needs
 * to restore the group after a restart.
 *
 * @param groupId                 the group id
 * @param protocolType            the protocol type ({@code consumer} for Kafka consumers), {@code ""} for none
 * @param generationId            the generation
 * @param protocolName            the selected protocol (assignor), null for none
 * @param leaderId                the leader's member id, null for none
 * @param currentStateTimestampMs when the group entered its state, -1 when unknown
 * @param members                 the members with their subscription and assignment
 *
 * <p>This record is thread-safe as long as nobody changes the byte arrays it holds (nobody does:
 * they are written once, from a request or a record, and only read afterwards).
 */
public record StoredGroup(String groupId, String protocolType, int generationId, String protocolName,
                          String leaderId, long currentStateTimestampMs, List<StoredMember> members) {

    public StoredGroup {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(protocolType, "protocolType");
        members = List.copyOf(members);
    }

    /**
     * One member of a stored group.
     *
     * @param groupInstanceId the static member's instance id, null for a dynamic member
     * @param subscription    the member's metadata for the selected protocol
     * @param assignment      the member's assignment from the leader
     */
    public record StoredMember(String memberId, String groupInstanceId, String clientId, String clientHost,
                               int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription,
                               byte[] assignment) {

        public StoredMember {
            Objects.requireNonNull(memberId, "memberId");
            Objects.requireNonNull(subscription, "subscription");
            Objects.requireNonNull(assignment, "assignment");
        }
    }
}
