package io.strata.benchmarks.jmh;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.strata.protocol.frame.ResponseFrame;
import io.strata.protocol.send.ResponseWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding one Fetch response v{@code latest} whose {@code partitions} partitions each carry a
 * {@value #SLICE_BYTES}-byte {@code FileRecords} slice of its own segment file (as a consumer's fetch
 * with max.partition.fetch.bytes 1 MiB gets them): size computation, header and body
 * serialization, and the list of pieces to write, with the record bytes left in the files.
 *
 * <ul>
 *   <li>{@link #strata}: {@code ResponseFrame.of} and {@code ResponseWriter(fileRegions = true).write}
 *       with Netty's default (pooled) allocator, exactly as {@code ResponseEncoder} does for a
 *       plaintext channel: a pooled buffer for the non-record bytes, sliced around one
 *       {@code SegmentFileRegion} per partition; then the release of every piece, which Netty does
 *       once they are written;</li>
 *   <li>{@link #kafka}: Apache Kafka's broker path, {@code FetchResponse.of(data).toSend(header, version)}
 *       ({@code SendBuilder}: a heap buffer for the non-record bytes and one records send per
 *       partition).</li>
 * </ul>
 * Neither writes to a socket. One difference stays outside the benchmark: Strata locates each slice's
 * file range at encode time ({@code FileRecords.writeTo} into a capturing channel, which checks the
 * file size with an {@code fstat}), Kafka does the same check later, when the send is written.
 *
 * <p>Not thread-safe: run with one benchmark thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dlogback.configurationFile=jmh-logback.xml"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FetchResponseEncodeBenchmark {

    static final short VERSION = ApiKeys.FETCH.latestVersion();
    static final int SLICE_BYTES = 1024 * 1024;
    private static final int BATCHES_PER_FILE = 20;
    private static final int CORRELATION_ID = 42;
    private static final int SESSION_ID = 1_234_567;

    /** Segment files with one slice per partition, and the response body over them. */
    @State(Scope.Benchmark)
    public static class Response {
        @Param({"1", "6"})
        int partitions;

        Path dir;
        List<FileRecords> files;
        FetchResponseData data;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = BenchmarkDirs.create("fetch-encode-");
            files = new ArrayList<>(partitions);
            Random random = new Random(BenchmarkRecords.SEED);
            long now = System.currentTimeMillis();
            List<PartitionData> partitionData = new ArrayList<>(partitions);
            for (int partition = 0; partition < partitions; partition++) {
                Path partitionDir = Files.createDirectories(dir.resolve("bench-" + partition));
                FileRecords file = FileRecords.open(partitionDir.resolve("00000000000000000000.log").toFile());
                files.add(file);
                long highWatermark = 0;
                for (int i = 0; i < BATCHES_PER_FILE; i++) {
                    MemoryRecords batch = BenchmarkRecords.batch(random, now);
                    for (MutableRecordBatch header : batch.batches()) {
                        header.setLastOffset(highWatermark + header.lastOffset());
                        highWatermark = header.lastOffset() + 1;
                    }
                    file.append(batch);
                }
                partitionData.add(new PartitionData()
                        .setPartitionIndex(partition)
                        .setErrorCode(Errors.NONE.code())
                        .setHighWatermark(highWatermark)
                        .setLastStableOffset(highWatermark)
                        .setLogStartOffset(0L)
                        .setAbortedTransactions(null)
                        .setPreferredReadReplica(FetchResponse.INVALID_PREFERRED_REPLICA_ID)
                        .setRecords(file.slice(0, SLICE_BYTES)));
            }
            data = new FetchResponseData()
                    .setErrorCode(Errors.NONE.code())
                    .setSessionId(SESSION_ID)
                    .setResponses(List.of(new FetchableTopicResponse()
                            .setTopic(BenchmarkLogs.PARTITION.topic())
                            .setTopicId(BenchmarkLogs.TOPIC_ID)
                            .setPartitions(partitionData)));
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            for (FileRecords file : files) {
                file.close();
            }
            BenchmarkDirs.deleteRecursively(dir);
        }
    }

    /** Strata's writer as {@code ResponseEncoder} uses it on a plaintext channel. */
    @State(Scope.Benchmark)
    public static class StrataWriter {
        final ResponseWriter writer = new ResponseWriter(true);
        final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;

        @Setup(Level.Trial)
        public void check(Response response) {
            List<Object> parts = new ArrayList<>(4);
            writer.write(ResponseFrame.of(ApiKeys.FETCH, VERSION, CORRELATION_ID, response.data), allocator, parts);
            int expected = 2 * response.partitions + 1;
            parts.forEach(ReferenceCountUtil::release);
            if (parts.size() != expected) {
                throw new IllegalStateException("Expected " + expected + " pieces, got " + parts.size());
            }
        }
    }

    @Benchmark
    public void strata(Response response, StrataWriter state, Blackhole blackhole) {
        ResponseFrame frame = ResponseFrame.of(ApiKeys.FETCH, VERSION, CORRELATION_ID, response.data);
        List<Object> parts = new ArrayList<>(4);
        state.writer.write(frame, state.allocator, parts);
        for (Object part : parts) {
            blackhole.consume(part);
            ReferenceCountUtil.release(part);
        }
    }

    @Benchmark
    public void kafka(Response response, Blackhole blackhole) {
        ResponseHeader header = new ResponseHeader(CORRELATION_ID, ApiKeys.FETCH.responseHeaderVersion(VERSION));
        Send send = FetchResponse.of(response.data).toSend(header, VERSION);
        blackhole.consume(send);
        blackhole.consume(send.size());
    }
}
