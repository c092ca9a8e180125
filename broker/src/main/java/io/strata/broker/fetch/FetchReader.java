package io.strata.broker.fetch;

import io.strata.storage.log.FetchDataInfo;
import io.strata.storage.log.PartitionLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchResponseData.EpochEndOffset;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the partitions of one fetch, in order, into response partition data (Kafka's
 * {@code ReplicaManager.readFromLog}). The response limit is shared (KIP-74): each partition reads
 * at most {@code min(partitionMaxBytes, bytes left)}, and until some partition has returned records
 * a read returns at least one whole batch even if it is larger than both limits, so that a batch
 * bigger than the limits cannot stall a consumer. Records are the log's {@code FileRecords} slices,
 * never copied.
 *
 * <p>Partition failures become partition errors with high watermark, last stable offset and log
 * start offset -1, as in Kafka. There are no transactions yet: the last stable offset is the high
 * watermark, and read_committed reads the same records with an empty aborted-transaction list.
 *
 * <p>Reads touch disk: run them on a storage thread, never on an event loop. This class is
 * thread-safe (stateless).
 */
public final class FetchReader {

    private static final Logger log = LoggerFactory.getLogger(FetchReader.class);

    private FetchReader() {
    }

    /** Reads every target in order under the request's byte limit; partitions in the remote tier read empty. */
    public static LinkedHashMap<FetchKey, PartitionData> read(List<ReadTarget> targets, FetchParams params) {
        return read(targets, params, null);
    }

    /**
     * Reads every target in order under the request's byte limit. A partition whose fetch offset is
     * in the remote tier gets partition data without records, and, when {@code remoteReads} is given,
     * an entry there saying what to read remotely: its share of the byte limit is reserved whole, so
     * the response never exceeds the limit whatever the remote reads return.
     */
    public static LinkedHashMap<FetchKey, PartitionData> read(List<ReadTarget> targets, FetchParams params,
                                                              List<RemoteRead> remoteReads) {
        LinkedHashMap<FetchKey, PartitionData> results = new LinkedHashMap<>();
        int bytesLeft = Math.max(0, params.maxBytes());
        boolean minOneMessage = true;
        for (ReadTarget target : targets) {
            int maxBytes = Math.max(0, Math.min(target.fetch().maxBytes(), bytesLeft));
            PartitionData data = readPartition(target, maxBytes, minOneMessage, params);
            int size = 0;
            if (data != REMOTE_MARKER) {
                size = FetchResponse.recordsSize(data);
            } else {
                PartitionLog partitionLog = target.log();
                data = partitionData(target.fetch(), partitionLog.highWatermark(), partitionLog.logStartOffset(),
                        params).setRecords(MemoryRecords.EMPTY);
                if (remoteReads != null && maxBytes > 0) {
                    remoteReads.add(new RemoteRead(target, data, maxBytes, minOneMessage));
                    minOneMessage = false;
                    size = maxBytes;
                }
            }
            if (size > 0) {
                minOneMessage = false;
            }
            bytesLeft = Math.max(0, bytesLeft - size);
            results.put(target.fetch().key(), data);
        }
        return results;
    }

    /**
     * A partition of a fetch to read from the remote tier.
     *
     * @param target        the partition and its log
     * @param data          its partition data in the response (records to be set)
     * @param maxBytes      the bytes reserved for it
     * @param minOneMessage whether it may return one batch larger than {@code maxBytes}
     */
    public record RemoteRead(ReadTarget target, PartitionData data, int maxBytes, boolean minOneMessage) {
    }

    /** Returned by readPartition for a fetch offset in the remote tier; never leaves this class. */
    private static final PartitionData REMOTE_MARKER = new PartitionData();

    /**
     * Whether results answer a fetch now: they carry {@code minBytes} of records, or a partition
     * failed, or a partition diverged (Kafka answers the last two at once).
     */
    public static boolean isSatisfied(Map<FetchKey, PartitionData> results, int minBytes) {
        long bytes = 0;
        for (PartitionData data : results.values()) {
            if (data.errorCode() != Errors.NONE.code() || FetchResponse.isDivergingEpoch(data)) {
                return true;
            }
            bytes += FetchResponse.recordsSize(data);
        }
        return bytes >= minBytes;
    }

    private static PartitionData readPartition(ReadTarget target, int maxBytes, boolean minOneMessage,
                                               FetchParams params) {
        PartitionFetch fetch = target.fetch();
        PartitionLog partitionLog = target.log();
        try {
            FetchPlanner.Plan plan = FetchPlanner.plan(fetch, params.leaderEpoch(),
                    partitionLog.logStartOffset(), partitionLog.logEndOffset());
            if (plan instanceof FetchPlanner.Fail fail) {
                return FetchResponse.partitionResponse(fetch.key().partition(), fail.error());
            }
            if (plan instanceof FetchPlanner.Diverging diverging) {
                long highWatermark = partitionLog.highWatermark();
                return partitionData(fetch, highWatermark, partitionLog.logStartOffset(), params)
                        .setRecords(MemoryRecords.EMPTY)
                        .setDivergingEpoch(new EpochEndOffset()
                                .setEpoch(diverging.epoch())
                                .setEndOffset(diverging.endOffset()));
            }
            FetchDataInfo info = partitionLog.read(fetch.fetchOffset(), maxBytes, minOneMessage);
            if (info.inRemoteTier()) {
                return REMOTE_MARKER;
            }
            return partitionData(fetch, info.highWatermark(), info.logStartOffset(), params)
                    .setRecords(info.records());
        } catch (RuntimeException e) {
            // OffsetOutOfRangeException here means the log start moved between the plan and the read.
            if (!(e instanceof ApiException)) {
                log.error("Unexpected error reading {} at offset {}", fetch.key(), fetch.fetchOffset(), e);
            }
            return FetchResponse.partitionResponse(fetch.key().partition(), Errors.forException(e));
        }
    }

    private static PartitionData partitionData(PartitionFetch fetch, long highWatermark, long logStartOffset,
                                               FetchParams params) {
        return new PartitionData()
                .setPartitionIndex(fetch.key().partition())
                .setErrorCode(Errors.NONE.code())
                .setHighWatermark(highWatermark)
                .setLastStableOffset(highWatermark)
                .setLogStartOffset(logStartOffset)
                .setAbortedTransactions(params.isolationLevel() == IsolationLevel.READ_COMMITTED
                        ? new ArrayList<>(0) : null)
                .setPreferredReadReplica(FetchResponse.INVALID_PREFERRED_REPLICA_ID);
    }
}
