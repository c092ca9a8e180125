package io.strata.broker.server;

import io.netty.util.HashedWheelTimer;
import io.strata.broker.config.BrokerConfig;
import io.strata.broker.config.RemoteStorageConfigs;
import io.strata.tiering.RemoteLogManager;
import io.strata.broker.dispatch.ApiHandler;
import io.strata.broker.dispatch.DispatchTable;
import io.strata.broker.dispatch.StorageExecutors;
import io.strata.broker.fetch.FetchPurgatory;
import io.strata.broker.fetch.FetchSessionCache;
import io.strata.broker.fetch.RemoteTierReader;
import io.strata.broker.group.GroupCoordinator;
import io.strata.broker.group.GroupCoordinatorConfig;
import io.strata.broker.handler.AlterConfigsHandler;
import io.strata.broker.handler.ApiVersionsHandler;
import io.strata.broker.handler.CreatePartitionsHandler;
import io.strata.broker.handler.CreateTopicsHandler;
import io.strata.broker.handler.DeleteGroupsHandler;
import io.strata.broker.handler.DeleteRecordsHandler;
import io.strata.broker.handler.DeleteTopicsHandler;
import io.strata.broker.handler.DescribeClusterHandler;
import io.strata.broker.handler.DescribeConfigsHandler;
import io.strata.broker.handler.DescribeGroupsHandler;
import io.strata.broker.handler.FetchHandler;
import io.strata.broker.handler.FindCoordinatorHandler;
import io.strata.broker.handler.HeartbeatHandler;
import io.strata.broker.handler.IncrementalAlterConfigsHandler;
import io.strata.broker.handler.InitProducerIdHandler;
import io.strata.broker.handler.JoinGroupHandler;
import io.strata.broker.handler.LeaveGroupHandler;
import io.strata.broker.handler.ListGroupsHandler;
import io.strata.broker.handler.ListOffsetsHandler;
import io.strata.broker.handler.MetadataHandler;
import io.strata.broker.handler.OffsetCommitHandler;
import io.strata.broker.handler.OffsetDeleteHandler;
import io.strata.broker.handler.OffsetFetchHandler;
import io.strata.broker.handler.OffsetForLeaderEpochHandler;
import io.strata.broker.handler.ProduceHandler;
import io.strata.broker.handler.SyncGroupHandler;
import io.strata.broker.metadata.ProducerIdManager;
import io.strata.broker.metadata.TopicRegistry;
import io.strata.broker.metadata.TopicStore;
import io.strata.protocol.server.KafkaServer;
import io.strata.protocol.server.KafkaServerConfig;
import io.strata.protocol.versions.ApiVersionsTable;
import io.strata.storage.log.PartitionLogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Strata broker: opens (and, after a crash, recovers) the local logs, loads the topics, and
 * serves the Kafka protocol on its listener.
 *
 * <pre>
 *   NEW --start()--> STARTING --> STARTED --close()--> STOPPING --> STOPPED
 *                       |                                 ^
 *                       +------- start failure -----------+
 * </pre>
 *
 * <p>Threads it owns: {@code net-N} (Netty event loops), {@code storage-io-N} (disk work),
 * {@code storage-scheduler-N} (retention, checkpoints, delayed deletes), {@code fetch-timer}
 * (long-poll expiry), {@code group-coordinator} (group and offset state) and {@code group-timer}
 * (session, rebalance and offset expiry timeouts). This class is thread-safe.
 */
public final class BrokerServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BrokerServer.class);
    /** Kafka's default {@code max.incremental.fetch.session.cache.slots}. */
    private static final int FETCH_SESSION_SLOTS = 1000;
    /** Idle fetch sessions may be evicted after this long (Kafka: 2 minutes). */
    private static final long FETCH_SESSION_EVICTION_MS = 120_000L;
    /** Kafka's default {@code fetch.max.bytes}. */
    private static final int FETCH_MAX_BYTES = 55 * 1024 * 1024;

    /** Lifecycle states. */
    public enum State { NEW, STARTING, STARTED, STOPPING, STOPPED }

    private final BrokerConfig initialConfig;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private volatile BrokerConfig config;
    private ScheduledExecutorService scheduler;
    private StorageExecutors storage;
    private PartitionLogs partitionLogs;
    private HashedWheelTimer fetchTimer;
    private FetchPurgatory purgatory;
    private HashedWheelTimer groupTimer;
    private GroupCoordinator groupCoordinator;
    private volatile TieredStorage tieredStorage;
    private KafkaServer server;

    public BrokerServer(BrokerConfig config) {
        this.initialConfig = config;
        this.config = config;
    }

    /** Starts the broker; returns once it accepts connections. */
    public synchronized void start() {
        if (!state.compareAndSet(State.NEW, State.STARTING)) {
            throw new IllegalStateException("Broker already started: " + state.get());
        }
        long startNanos = System.nanoTime();
        try {
            TopicStore store = TopicStore.open(initialConfig);
            scheduler = Executors.newScheduledThreadPool(2, daemonThreads("storage-scheduler-"));
            partitionLogs = PartitionLogs.open(initialConfig.logDirs(),
                    TopicRegistry.storedLogConfigs(initialConfig, store), Time.SYSTEM, scheduler);
            storage = new StorageExecutors(initialConfig.numIoThreads());
            TopicRegistry topics = TopicRegistry.open(initialConfig, store, partitionLogs, storage);
            ProducerIdManager producerIds = ProducerIdManager.open(store.metadataDir());
            partitionLogs.startBackgroundTasks(initialConfig.logRetentionCheckIntervalMs(),
                    initialConfig.logFlushOffsetCheckpointIntervalMs());
            RemoteStorageConfigs.Settings settings = RemoteStorageConfigs.settings(initialConfig);
            tieredStorage = TieredStorage.startIfEnabled(settings, topics, partitionLogs, scheduler);
            if (tieredStorage != null && topics.topics().isEmpty()) {
                // An empty data directory: the topics the bucket describes come back before clients do.
                tieredStorage.restoreTopics(topics);
            }
            Supplier<RemoteLogManager> remote = this::remoteLogManager;
            topics.addDeletionListener(deleted -> {
                RemoteLogManager manager = remote.get();
                if (manager != null) {
                    manager.onTopicDeleted(deleted.name());
                }
            });

            fetchTimer = new HashedWheelTimer(daemonThreads("fetch-timer-"), 10, TimeUnit.MILLISECONDS);
            purgatory = FetchPurgatory.onStorageThreads(fetchTimer, storage, RemoteTierReader.of(remote),
                    settings.remoteFetchMaxWaitMs());
            FetchSessionCache sessions = new FetchSessionCache(FETCH_SESSION_SLOTS, FETCH_SESSION_EVICTION_MS, Time.SYSTEM);
            FetchHandler fetch = new FetchHandler(topics, sessions, purgatory, FETCH_MAX_BYTES);

            // Loads an existing __consumer_offsets in the background: start-up does not wait for it.
            groupTimer = new HashedWheelTimer(daemonThreads("group-timer-"), 10, TimeUnit.MILLISECONDS);
            groupCoordinator = GroupCoordinator.create(GroupCoordinatorConfig.from(initialConfig), topics, storage,
                    Time.SYSTEM, groupTimer);
            topics.addDeletionListener(deleted -> groupCoordinator.onTopicDeleted(deleted.name()));
            groupCoordinator.startup();

            // The handlers that report the advertised address need the bound port, which is only
            // known after binding when the listener asks for port 0: bind with a dispatcher that
            // is set right after.
            ApiVersionsTable apiVersions = DispatchTable.apiVersions(
                    handlers(initialConfig, topics, producerIds, fetch, null));
            AtomicReference<DispatchTable> dispatch = new AtomicReference<>();
            server = new KafkaServer(serverConfig(initialConfig),
                    (frame, channel) -> dispatch.get().dispatch(frame, channel), apiVersions);
            dispatch.set(new DispatchTable(handlers(initialConfig, topics, producerIds, fetch, apiVersions)));
            server.start();
            int port = server.boundPort();
            if (initialConfig.listener().port() != port) {
                config = initialConfig.withBoundPort(port);
                dispatch.set(new DispatchTable(handlers(config, topics, producerIds, fetch, apiVersions)));
            }
            state.set(State.STARTED);
            log.info("Strata broker {} started in {} ms: listening on {}:{}, advertised as {}:{}, log dirs {}",
                    config.nodeId(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                    config.listener().host(), port, config.advertisedListener().host(),
                    config.advertisedListener().port(), config.logDirs());
        } catch (IOException e) {
            shutdown();
            throw new UncheckedIOException("Broker failed to start: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            shutdown();
            throw e;
        }
    }

    private List<ApiHandler> handlers(BrokerConfig cfg, TopicRegistry topics, ProducerIdManager producerIds,
                                      FetchHandler fetch, ApiVersionsTable apiVersions) {
        List<ApiHandler> handlers = new ArrayList<>(List.of(
                new MetadataHandler(cfg, topics),
                new ProduceHandler(topics, storage, 0),
                fetch,
                new ListOffsetsHandler(topics, storage, this::remoteLogManager),
                new OffsetForLeaderEpochHandler(topics),
                new InitProducerIdHandler(producerIds, storage),
                new DeleteRecordsHandler(topics, storage),
                new CreateTopicsHandler(cfg, topics),
                new DeleteTopicsHandler(topics),
                new CreatePartitionsHandler(topics),
                new DescribeConfigsHandler(cfg, topics),
                new AlterConfigsHandler(cfg, topics),
                new IncrementalAlterConfigsHandler(cfg, topics),
                new DescribeClusterHandler(cfg, topics),
                new FindCoordinatorHandler(cfg, groupCoordinator),
                new JoinGroupHandler(groupCoordinator),
                new SyncGroupHandler(groupCoordinator),
                new HeartbeatHandler(groupCoordinator),
                new LeaveGroupHandler(groupCoordinator),
                new OffsetCommitHandler(topics, groupCoordinator),
                new OffsetFetchHandler(groupCoordinator),
                new OffsetDeleteHandler(topics, groupCoordinator),
                new ListGroupsHandler(groupCoordinator),
                new DescribeGroupsHandler(groupCoordinator),
                new DeleteGroupsHandler(groupCoordinator)));
        // The first call only collects version ranges (apiVersions is still null); ApiVersions'
        // own range does not depend on the table it answers with.
        handlers.add(new ApiVersionsHandler(apiVersions));
        return handlers;
    }

    private static KafkaServerConfig serverConfig(BrokerConfig config) {
        String host = config.listener().host();
        return new KafkaServerConfig(
                "0.0.0.0".equals(host) ? null : host,
                config.listener().port(),
                config.socketRequestMaxBytes(),
                config.numNetworkThreads(),
                config.queuedMaxRequestsPerConnection(),
                config.socketSendBufferBytes(),
                config.socketReceiveBufferBytes());
    }

    /** The port the listener is bound to (useful with port 0). */
    public int boundPort() {
        if (state.get() != State.STARTED) {
            throw new IllegalStateException("Broker not started: " + state.get());
        }
        return server.boundPort();
    }

    /** The effective configuration (with the bound port when the listener asked for port 0). */
    public BrokerConfig config() {
        return config;
    }

    public State state() {
        return state.get();
    }

    /** The remote log manager, or null without tiered storage (or until it has started). */
    public RemoteLogManager remoteLogManager() {
        TieredStorage tiered = tieredStorage;
        return tiered == null ? null : tiered.remoteLogManager();
    }

    /** Stops serving, then closes the logs cleanly (the next start needs no recovery). */
    @Override
    public synchronized void close() {
        State current = state.get();
        if (current == State.STOPPED || current == State.NEW) {
            state.set(State.STOPPED);
            return;
        }
        shutdown();
    }

    private void shutdown() {
        state.set(State.STOPPING);
        closeQuietly("network", server);
        closeQuietly("fetch purgatory", purgatory);
        if (fetchTimer != null) {
            fetchTimer.stop();
        }
        closeQuietly("group coordinator", groupCoordinator);
        if (groupTimer != null) {
            groupTimer.stop();
        }
        closeQuietly("tiered storage", tieredStorage);
        closeQuietly("storage threads", storage);
        closeQuietly("partition logs", partitionLogs);
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        state.set(State.STOPPED);
        log.info("Strata broker {} stopped", config.nodeId());
    }

    private static void closeQuietly(String what, AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            log.error("Error closing {}", what, e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }
}
