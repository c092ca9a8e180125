package io.strata.benchmarks.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.strata.protocol.codec.RequestDecoder;
import io.strata.protocol.frame.RequestFrame;
import io.strata.protocol.versions.ApiVersionsTable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
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
 * Decoding one Produce request v{@value #VERSION} frame (acks=-1, one topic, {@code partitions}
 * partitions of one 64 KiB batch of random 1 KiB records each) into a request header and a
 * {@code ProduceRequest}.
 *
 * <ul>
 *   <li>{@link #strata}: the frame as {@code KafkaFrameDecoder} hands it on, a retained derived
 *       buffer of pooled direct memory, through {@code RequestDecoder.channelRead} on a channel
 *       context: the version checks, {@code RequestHeader.parse} and
 *       {@code AbstractRequest.parseRequest} in place on the network buffer, the {@code RequestFrame}
 *       that keeps it, the hand-off to the next handler (a sink here) and the release the request
 *       handler makes once the request is answered;</li>
 *   <li>{@link #kafka}: what Apache Kafka's broker does with the heap buffer its
 *       {@code NetworkReceive} read the frame into, {@code RequestHeader.parse} and
 *       {@code AbstractRequest.parseRequest}. The copy from the socket into that buffer (which the
 *       JDK makes through a temporary direct buffer) happens in Kafka's network layer and is not
 *       part of this benchmark; Strata has no such copy.</li>
 * </ul>
 *
 * <p>Not thread-safe: run with one benchmark thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dlogback.configurationFile=jmh-logback.xml"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ProduceRequestDecodeBenchmark {

    static final short VERSION = 12;
    private static final int CORRELATION_ID = 42;

    /** Strata's decoder on a channel whose next handler keeps the last message. */
    @State(Scope.Benchmark)
    public static class StrataState {
        @Param({"1", "6"})
        int partitions;

        ByteBuf frame;
        EmbeddedChannel channel;
        RequestDecoder decoder;
        ChannelHandlerContext context;
        LastMessage sink;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            byte[] bytes = produceFrame(partitions);
            frame = ByteBufAllocator.DEFAULT.directBuffer(bytes.length, bytes.length).writeBytes(bytes);
            decoder = new RequestDecoder(ApiVersionsTable.builder()
                    .add(ApiKeys.PRODUCE, ApiKeys.PRODUCE.oldestVersion(), ApiKeys.PRODUCE.latestVersion())
                    .build());
            sink = new LastMessage();
            channel = new EmbeddedChannel(decoder, sink);
            context = channel.pipeline().context(decoder);
            decoder.channelRead(context, frame.retainedDuplicate());
            if (!(sink.take() instanceof RequestFrame decoded) || !(decoded.request() instanceof ProduceRequest produce)
                    || partitionCount(produce) != partitions) {
                throw new IllegalStateException("The frame did not decode into a Produce request of " + partitions
                        + " partitions");
            }
            decoded.release();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            channel.finishAndReleaseAll();
            frame.release();
        }
    }

    /** The same frame as Kafka's network layer hands it to request parsing. */
    @State(Scope.Benchmark)
    public static class KafkaState {
        @Param({"1", "6"})
        int partitions;

        ByteBuffer frame;

        @Setup(Level.Trial)
        public void setUp() {
            frame = ByteBuffer.wrap(produceFrame(partitions));
            ByteBuffer buffer = frame.duplicate();
            RequestHeader header = RequestHeader.parse(buffer);
            AbstractRequest request = AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(),
                    new ByteBufferAccessor(buffer)).request;
            if (!(request instanceof ProduceRequest produce) || partitionCount(produce) != partitions) {
                throw new IllegalStateException("The frame did not parse into a Produce request of " + partitions
                        + " partitions");
            }
        }
    }

    @Benchmark
    public void strata(StrataState state, Blackhole blackhole) throws Exception {
        state.decoder.channelRead(state.context, state.frame.retainedDuplicate());
        RequestFrame decoded = (RequestFrame) state.sink.take();
        blackhole.consume(decoded);
        decoded.release(); // what the request handler does once the request is answered
    }

    @Benchmark
    public void kafka(KafkaState state, Blackhole blackhole) {
        ByteBuffer buffer = state.frame.duplicate();
        RequestHeader header = RequestHeader.parse(buffer);
        AbstractRequest request = AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(),
                new ByteBufferAccessor(buffer)).request;
        blackhole.consume(header);
        blackhole.consume(request);
    }

    /** The bytes of a Produce request frame (header and body, without the 4-byte size prefix). */
    static byte[] produceFrame(int partitions) {
        Random random = new Random(BenchmarkRecords.SEED);
        long now = System.currentTimeMillis();
        List<PartitionProduceData> partitionData = new ArrayList<>(partitions);
        for (int partition = 0; partition < partitions; partition++) {
            partitionData.add(new PartitionProduceData()
                    .setIndex(partition)
                    .setRecords(BenchmarkRecords.batch(random, now)));
        }
        TopicProduceDataCollection topics = new TopicProduceDataCollection();
        topics.add(new TopicProduceData().setName(BenchmarkLogs.PARTITION.topic()).setPartitionData(partitionData));
        ProduceRequestData data = new ProduceRequestData()
                .setAcks((short) -1)
                .setTimeoutMs(30_000)
                .setTopicData(topics);
        ProduceRequest request = new ProduceRequest.Builder(VERSION, VERSION, data).build(VERSION);
        ByteBuffer serialized = request.serializeWithHeader(
                new RequestHeader(ApiKeys.PRODUCE, VERSION, "producer-1", CORRELATION_ID));
        byte[] bytes = new byte[serialized.remaining()];
        serialized.get(bytes);
        return bytes;
    }

    private static int partitionCount(ProduceRequest request) {
        int count = 0;
        for (TopicProduceData topic : request.data().topicData()) {
            count += topic.partitionData().size();
        }
        return count;
    }

    /** The last inbound message that reached the end of the pipeline. Not thread-safe. */
    static final class LastMessage extends ChannelInboundHandlerAdapter {
        private Object message;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            message = msg;
        }

        Object take() {
            Object taken = message;
            message = null;
            return taken;
        }
    }
}
