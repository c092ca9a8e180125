package io.strata.broker.handler;

import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.RequestContext;
import io.strata.broker.dispatch.StorageExecutors;
import io.strata.broker.metadata.ProducerIdManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * InitProducerId for idempotent producers: every call gets a fresh producer id with epoch 0, as
 * Apache Kafka answers a producer without a transactional id. Transactional ids need the
 * transaction coordinator, which this broker does not have yet: they are refused with
 * UNSUPPORTED_VERSION, which the Java producer reports at once instead of retrying.
 *
 * <p>This class is thread-safe.
 */
public final class InitProducerIdHandler implements ApiHandler {

    private final ProducerIdManager producerIds;
    private final StorageExecutors storage;

    public InitProducerIdHandler(ProducerIdManager producerIds, StorageExecutors storage) {
        this.producerIds = producerIds;
        this.storage = storage;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public short minVersion() {
        return ApiKeys.INIT_PRODUCER_ID.oldestVersion();
    }

    @Override
    public short maxVersion() {
        return ApiKeys.INIT_PRODUCER_ID.latestVersion();
    }

    @Override
    public CompletionStage<ApiMessage> handle(RequestContext ctx) {
        InitProducerIdRequestData request = ctx.data();
        if (request.transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponseData()
                    .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                    .setProducerId(-1L)
                    .setProducerEpoch((short) -1));
        }
        // Allocating may reserve a new block of ids durably (a file write): not on the event loop.
        return storage.onAny(() -> (ApiMessage) new InitProducerIdResponseData()
                .setErrorCode(Errors.NONE.code())
                .setProducerId(producerIds.generateProducerId())
                .setProducerEpoch((short) 0));
    }
}
