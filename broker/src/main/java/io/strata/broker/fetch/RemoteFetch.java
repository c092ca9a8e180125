package io.strata.broker.fetch;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * A fetch with partitions in the remote tier (Kafka's {@code DelayedRemoteFetch}, without its limit
 * of one remote partition per fetch): every remote partition is read in parallel, and the response
 * goes out when all reads are done or when {@code remote.fetch.max.wait.ms} passes, whichever
 * comes first. A read still running then is not cancelled: it goes on filling the chunk cache, so
 * the client's next fetch finds the data there. Its partition is answered without records.
 *
 * <pre>
 *   local read (storage thread) ──► remote reads started ──► all done ──────► response
 *                                          └── remote.fetch.max.wait.ms ──► response (reads go on)
 * </pre>
 *
 * <p>This class is thread-safe: the response is assembled once, by whoever wins {@code answered}.
 */
final class RemoteFetch {

    private final LinkedHashMap<FetchKey, PartitionData> results;
    private final List<FetchReader.RemoteRead> reads;
    private final List<CompletableFuture<MemoryRecords>> futures;
    private final CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result;
    private final AtomicBoolean answered = new AtomicBoolean();
    private volatile Timeout timeout;

    private RemoteFetch(LinkedHashMap<FetchKey, PartitionData> results, List<FetchReader.RemoteRead> reads,
                        List<CompletableFuture<MemoryRecords>> futures,
                        CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result) {
        this.results = results;
        this.reads = reads;
        this.futures = futures;
        this.result = result;
    }

    /** Starts the remote reads of a first read's remote partitions and answers {@code result} when done. */
    static void start(LinkedHashMap<FetchKey, PartitionData> results, List<FetchReader.RemoteRead> reads,
                      RemoteTierReader remote, Timer timer, long maxWaitMs,
                      CompletableFuture<LinkedHashMap<FetchKey, PartitionData>> result) {
        List<CompletableFuture<MemoryRecords>> futures = reads.stream()
                .map(read -> remote.read(read.target().log(), read.target().fetch().fetchOffset(), read.maxBytes(),
                        read.minOneMessage()))
                .toList();
        RemoteFetch fetch = new RemoteFetch(results, reads, futures, result);
        try {
            fetch.timeout = timer.newTimeout(t -> fetch.answer(), maxWaitMs, TimeUnit.MILLISECONDS);
        } catch (IllegalStateException | RejectedExecutionException e) {
            // Timer stopped (shutting down): answer once the reads end.
            fetch.timeout = null;
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
            Timeout current = fetch.timeout;
            if (current != null) {
                current.cancel();
            }
            fetch.answer();
        });
    }

    /** Fills in the reads that are done and completes the response (once). */
    private void answer() {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        for (int i = 0; i < reads.size(); i++) {
            CompletableFuture<MemoryRecords> future = futures.get(i);
            FetchReader.RemoteRead read = reads.get(i);
            if (!future.isDone()) {
                continue;
            }
            try {
                read.data().setRecords(future.join());
            } catch (RuntimeException e) {
                Throwable cause = Errors.maybeUnwrapException(e);
                results.put(read.target().fetch().key(),
                        FetchResponse.partitionResponse(read.target().fetch().key().partition(),
                                Errors.forException(cause)));
            }
        }
        result.complete(results);
    }
}
