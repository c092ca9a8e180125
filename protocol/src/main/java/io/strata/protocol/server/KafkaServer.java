package io.strata.protocol.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.strata.protocol.codec.KafkaFrameDecoder;
import io.strata.protocol.codec.RequestDecoder;
import io.strata.protocol.codec.ResponseEncoder;
import io.strata.protocol.versions.ApiVersionsTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the Kafka protocol on one TCP listener: a Netty server whose connections each run
 * {@code KafkaFrameDecoder -> RequestDecoder -> ResponseEncoder -> KafkaRequestHandler}.
 *
 * <p>It uses the native epoll transport when {@link Epoll#isAvailable()} (the broker puts
 * {@code netty-transport-native-epoll} on the runtime class path) and NIO otherwise, with
 * {@code ioThreads} event-loop threads named {@code net-0}, {@code net-1}, ... that also accept
 * connections. Sockets use {@code TCP_NODELAY}, the listening socket {@code SO_REUSEADDR}, and the
 * configured send and receive buffer sizes.
 *
 * <p>Lifecycle: {@link #start()} binds (once), {@link #boundPort()} reports the port (useful with
 * port 0), {@link #close()} stops accepting, closes every connection and shuts the event loops
 * down, waiting for them; it is idempotent.
 *
 * <p>Thread-safe.
 */
public final class KafkaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaServer.class);
    private static final long SHUTDOWN_TIMEOUT_SECONDS = 10;

    private enum State { NEW, STARTED, CLOSED }

    private final KafkaServerConfig config;
    private final RequestDispatcher dispatcher;
    private final RequestDecoder requestDecoder;
    private final ResponseEncoder responseEncoder = new ResponseEncoder();

    private State state = State.NEW;
    private EventLoopGroup eventLoops;
    private ChannelGroup connections;
    private Channel serverChannel;

    /** Creates a server for {@code config} that answers requests through {@code dispatcher}. */
    public KafkaServer(KafkaServerConfig config, RequestDispatcher dispatcher, ApiVersionsTable apiVersions) {
        this.config = Objects.requireNonNull(config, "config");
        this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        this.requestDecoder = new RequestDecoder(Objects.requireNonNull(apiVersions, "apiVersions"));
    }

    /**
     * Binds the listener and starts serving; returns once the socket is bound.
     *
     * @throws IOException           if the address cannot be bound (a {@code BindException} when in use)
     * @throws IllegalStateException if the server was already started or closed
     */
    public synchronized void start() throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException("KafkaServer cannot start: it is " + state);
        }
        boolean epoll = Epoll.isAvailable();
        ThreadFactory threads = new NetThreadFactory();
        eventLoops = epoll ? new EpollEventLoopGroup(config.ioThreads(), threads) : new NioEventLoopGroup(config.ioThreads(), threads);
        connections = new DefaultChannelGroup("kafka-connections", GlobalEventExecutor.INSTANCE);
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;

        ServerBootstrap bootstrap = new ServerBootstrap()
            .group(eventLoops)
            .channel(channelType)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel channel) {
                    connections.add(channel);
                    channel.pipeline()
                        .addLast("frameDecoder", new KafkaFrameDecoder(config.maxFrameBytes()))
                        .addLast("requestDecoder", requestDecoder)
                        .addLast("responseEncoder", responseEncoder)
                        .addLast("requestHandler", new KafkaRequestHandler(dispatcher, config.maxInFlightPerConnection()));
                }
            });
        if (config.receiveBufferBytes() != KafkaServerConfig.OS_DEFAULT) {
            // Set on the listening socket too, so that accepted sockets start with it (TCP window scaling).
            bootstrap.option(ChannelOption.SO_RCVBUF, config.receiveBufferBytes());
            bootstrap.childOption(ChannelOption.SO_RCVBUF, config.receiveBufferBytes());
        }
        if (config.sendBufferBytes() != KafkaServerConfig.OS_DEFAULT) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, config.sendBufferBytes());
        }

        InetSocketAddress address = config.host() == null || config.host().isEmpty()
            ? new InetSocketAddress(config.port())
            : new InetSocketAddress(config.host(), config.port());
        ChannelFuture bind = bootstrap.bind(address).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            state = State.CLOSED;
            eventLoops.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS).awaitUninterruptibly();
            Throwable cause = bind.cause();
            if (cause instanceof IOException ioException) {
                throw ioException;
            }
            throw new IOException("Cannot bind the Kafka listener to " + address, cause);
        }
        serverChannel = bind.channel();
        state = State.STARTED;
        log.info("Kafka listener bound to {} ({} transport, {} net threads)", serverChannel.localAddress(),
            epoll ? "epoll" : "nio", config.ioThreads());
    }

    /**
     * The port the listener is bound to (the ephemeral port when configured with port 0).
     *
     * @throws IllegalStateException if the server is not started
     */
    public synchronized int boundPort() {
        if (state != State.STARTED) {
            throw new IllegalStateException("KafkaServer is not started: it is " + state);
        }
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops accepting, closes every connection and shuts down the {@code net-N} threads. */
    @Override
    public synchronized void close() {
        State previous = state;
        state = State.CLOSED;
        if (previous != State.STARTED) {
            return;
        }
        Object address = serverChannel.localAddress();
        serverChannel.close().awaitUninterruptibly();
        connections.close().awaitUninterruptibly();
        eventLoops.shutdownGracefully(0, SHUTDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS).awaitUninterruptibly();
        log.info("Kafka listener on {} closed", address);
    }

    /** Names event-loop threads {@code net-0}, {@code net-1}, ... */
    private static final class NetThreadFactory implements ThreadFactory {

        private final AtomicInteger next = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new FastThreadLocalThread(task, "net-" + next.getAndIncrement());
            thread.setDaemon(false);
            return thread;
        }
    }
}
