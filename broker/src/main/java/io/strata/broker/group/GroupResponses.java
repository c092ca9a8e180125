package io.strata.broker.group;

import io.strata.broker.group.ClassicGroupMember.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupRequest;

/**
 * The JoinGroup and SyncGroup answers the rebalance gives, version-independent (the handlers fit
 * them to the request's version), and request conversions shared by the membership classes.
 *
 * <p>This class is thread-safe (stateless).
 */
final class GroupResponses {

    private GroupResponses() {
    }

    static JoinGroupResponseData currentGeneration(ClassicGroup group, String memberId, boolean withMembers,
                                                           String leader) {
        return new JoinGroupResponseData()
                .setMembers(withMembers ? group.currentMemberMetadata() : new ArrayList<>())
                .setMemberId(memberId)
                .setGenerationId(group.generationId())
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setLeader(leader == null ? "" : leader)
                .setSkipAssignment(false);
    }

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData()
                .setMemberId(memberId)
                .setGenerationId(JoinGroupRequest.UNKNOWN_GENERATION_ID)
                .setProtocolType(null)
                .setProtocolName(null)
                .setLeader("")
                .setErrorCode(error.code());
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData()
                .setProtocolType(null)
                .setProtocolName(null)
                .setAssignment(ClassicGroupMember.EMPTY_ASSIGNMENT)
                .setErrorCode(error.code());
    }

    /** Kafka's mapping of a failed metadata write to the error the members get. */
    static Errors appendErrorToResponseError(Throwable failure) {
        Errors error = Errors.forException(Errors.maybeUnwrapException(failure));
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT -> Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> error;
        };
    }

    static List<Protocol> protocols(JoinGroupRequestData request) {
        List<Protocol> protocols = new ArrayList<>();
        for (JoinGroupRequestProtocol protocol : request.protocols()) {
            protocols.add(new Protocol(protocol.name(), protocol.metadata()));
        }
        return protocols;
    }

    static Set<String> protocolNames(JoinGroupRequestData request) {
        Set<String> names = new LinkedHashSet<>();
        request.protocols().forEach(protocol -> names.add(protocol.name()));
        return names;
    }
}
