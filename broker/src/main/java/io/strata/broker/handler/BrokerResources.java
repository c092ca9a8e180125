package io.strata.broker.handler;

import java.util.Collection;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * Checks shared by the config handlers for BROKER resources: the name must be this node's id (or
 * empty, for cluster-wide defaults), and no broker config can change at run time.
 *
 * <p>This class is thread-safe (stateless).
 */
final class BrokerResources {

    private BrokerResources() {
    }

    /**
     * Accepts this node's id, or the empty name (cluster-wide defaults).
     *
     * @throws InvalidRequestException for another id or a name that is not a number
     */
    static void checkName(String name, int nodeId) {
        if (name == null || name.isEmpty()) {
            return;
        }
        int brokerId;
        try {
            brokerId = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Broker id must be an integer, but it is: " + name);
        }
        if (brokerId != nodeId) {
            throw new InvalidRequestException("Unexpected broker id, expected " + nodeId
                    + " or empty string, but received " + name);
        }
    }

    /**
     * Refuses changes to broker configs, as Kafka refuses its static (read-only) ones: every
     * broker config of this broker is static.
     *
     * @throws InvalidRequestException when {@code keys} is not empty
     */
    static void refuseChanges(Collection<String> keys) {
        if (!keys.isEmpty()) {
            throw new InvalidRequestException("Cannot update these configs dynamically: " + keys
                    + ". Broker configs are read-only at run time: set them in the broker's properties and restart.");
        }
    }
}
