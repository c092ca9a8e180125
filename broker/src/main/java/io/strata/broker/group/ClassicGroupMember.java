package io.strata.broker.group;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One member of a classic group: its identity, timeouts, the protocols it supports (in its order of
 * preference, with its metadata for each), its assignment, and the JoinGroup or SyncGroup answer it
 * is waiting for.
 *
 * <p>This class is not thread-safe: it belongs to the {@code group-coordinator} thread.
 */
final class ClassicGroupMember {

    static final byte[] EMPTY_ASSIGNMENT = new byte[0];

    /** One protocol a member supports, with the member's metadata for it (a consumer's subscription). */
    record Protocol(String name, byte[] metadata) {
        Protocol {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(metadata, "metadata");
        }
    }

    private final String memberId;
    private final String groupInstanceId;
    private final String clientId;
    private final String clientHost;
    private final String protocolType;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private List<Protocol> protocols;
    private byte[] assignment = EMPTY_ASSIGNMENT;
    private CompletableFuture<JoinGroupResponseData> awaitingJoin;
    private CompletableFuture<SyncGroupResponseData> awaitingSync;
    private boolean isNew;

    ClassicGroupMember(String memberId, String groupInstanceId, String clientId, String clientHost,
                       int rebalanceTimeoutMs, int sessionTimeoutMs, String protocolType, List<Protocol> protocols) {
        this.memberId = Objects.requireNonNull(memberId, "memberId");
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    /** A copy of {@code member} under a new member id (a static member replaced by its new instance). */
    static ClassicGroupMember withNewId(ClassicGroupMember member, String newMemberId) {
        ClassicGroupMember copy = new ClassicGroupMember(newMemberId, member.groupInstanceId, member.clientId,
                member.clientHost, member.rebalanceTimeoutMs, member.sessionTimeoutMs, member.protocolType,
                member.protocols);
        copy.assignment = member.assignment;
        return copy;
    }

    String memberId() {
        return memberId;
    }

    /** The static member's instance id, null for a dynamic member. */
    String groupInstanceId() {
        return groupInstanceId;
    }

    boolean isStaticMember() {
        return groupInstanceId != null;
    }

    String clientId() {
        return clientId;
    }

    String clientHost() {
        return clientHost;
    }

    String protocolType() {
        return protocolType;
    }

    int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    List<Protocol> protocols() {
        return protocols;
    }

    byte[] assignment() {
        return assignment;
    }

    void setAssignment(byte[] assignment) {
        this.assignment = assignment == null ? EMPTY_ASSIGNMENT : assignment;
    }

    boolean hasAssignment() {
        return assignment.length > 0;
    }

    boolean isNew() {
        return isNew;
    }

    void setNew(boolean isNew) {
        this.isNew = isNew;
    }

    CompletableFuture<JoinGroupResponseData> awaitingJoin() {
        return awaitingJoin;
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    CompletableFuture<SyncGroupResponseData> awaitingSync() {
        return awaitingSync;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    void setAwaitingSync(CompletableFuture<SyncGroupResponseData> future) {
        this.awaitingSync = future;
    }

    /** Package seam for {@link ClassicGroup}, which keeps the count of members awaiting a join answer. */
    void setAwaitingJoin(CompletableFuture<JoinGroupResponseData> future) {
        this.awaitingJoin = future;
    }

    void update(List<Protocol> newProtocols, int newRebalanceTimeoutMs, int newSessionTimeoutMs) {
        this.protocols = List.copyOf(newProtocols);
        this.rebalanceTimeoutMs = newRebalanceTimeoutMs;
        this.sessionTimeoutMs = newSessionTimeoutMs;
    }

    /** The metadata this member gave for {@code protocolName}. */
    byte[] metadata(String protocolName) {
        for (Protocol protocol : protocols) {
            if (protocol.name().equals(protocolName)) {
                return protocol.metadata();
            }
        }
        throw new IllegalArgumentException("Member " + memberId + " does not support protocol " + protocolName);
    }

    /** The first protocol in this member's order of preference that is among {@code candidates}. */
    String vote(Set<String> candidates) {
        for (Protocol protocol : protocols) {
            if (candidates.contains(protocol.name())) {
                return protocol.name();
            }
        }
        throw new IllegalArgumentException("Member " + memberId + " does not support any of " + candidates);
    }

    /** Whether {@code other} names the same protocols, in the same order, with the same metadata. */
    boolean matches(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            Protocol mine = protocols.get(i);
            Protocol theirs = other.get(i);
            if (!mine.name().equals(theirs.name()) || !Arrays.equals(mine.metadata(), theirs.metadata())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether this member may stay when its session timer fires: a new member may not (its JoinGroup
     * waited too long); one waiting for a join or sync answer is covered by the rebalance.
     */
    boolean hasSatisfiedHeartbeat() {
        if (isNew) {
            return false;
        }
        return isAwaitingJoin() || isAwaitingSync();
    }

    @Override
    public String toString() {
        return "ClassicGroupMember(memberId=" + memberId + ", groupInstanceId=" + groupInstanceId
                + ", clientId=" + clientId + ", clientHost=" + clientHost + ")";
    }
}
