package io.strata.broker.server;

import io.strata.broker.config.RemoteStorageConfigs;
import io.strata.broker.metadata.TopicMetadata;
import io.strata.broker.metadata.TopicRegistry;
import io.strata.storage.log.PartitionLog;
import io.strata.storage.log.PartitionLogs;
import io.strata.tiering.RemoteLogManager;
import io.strata.tiering.RemoteStorageMXBean;
import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.metadata.RemoteTopic;
import io.strata.tiering.store.EmbeddedS3Server;
import io.strata.tiering.store.S3ObjectStore;
import io.strata.tiering.store.S3ObjectStoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.management.JMException;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's tiered storage, when {@code remote.log.storage.system.enable} is on: the object
 * store (the embedded S3 server with its S3 client, or an external S3 endpoint) and the
 * {@link RemoteLogManager}, which a reconcile task keeps told of every partition log and its
 * {@code remote.storage.enable} (new topics and config changes are picked up within a second).
 *
 * <p>It starts on its own thread, so the broker answers requests at once: until it is up (the
 * embedded server takes about a second), reads of the remote tier get KAFKA_STORAGE_ERROR, which
 * clients retry, and nothing is uploaded, so nothing local is deleted.
 *
 * <p>This class is thread-safe.
 */
final class TieredStorage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TieredStorage.class);
    private static final String EMBEDDED_ACCESS_KEY = "strata";
    private static final String EMBEDDED_SECRET_KEY = "strata-embedded-store";
    private static final long RECONCILE_INTERVAL_MS = 1_000L;
    private static final long RESTORE_TIMEOUT_SECONDS = 120L;

    private final CompletableFuture<Started> started;

    /** Where JMX clients find the remote tier's figures. */
    static final String MBEAN_NAME = "io.strata:type=RemoteStorage";

    private record Started(EmbeddedS3Server embedded, RemoteLogManager remoteLogManager, ScheduledFuture<?> reconcile,
                           ObjectName mbean) {
    }

    private TieredStorage(CompletableFuture<Started> started) {
        this.started = started;
    }

    /** Starts tiered storage in the background if the broker enables it; null otherwise. */
    static TieredStorage startIfEnabled(RemoteStorageConfigs.Settings settings, TopicRegistry topics,
                                        PartitionLogs logs, ScheduledExecutorService scheduler) {
        if (!settings.systemEnable()) {
            return null;
        }
        CompletableFuture<Started> started = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                started.complete(start(settings, topics, logs, scheduler));
            } catch (RuntimeException e) {
                log.error("Tiered storage failed to start; the remote tier stays unavailable", e);
                started.completeExceptionally(e);
            }
        }, "tiered-storage-start");
        starter.setDaemon(true);
        starter.start();
        return new TieredStorage(started);
    }

    private static Started start(RemoteStorageConfigs.Settings settings, TopicRegistry topics, PartitionLogs logs,
                                 ScheduledExecutorService scheduler) {
        EmbeddedS3Server embedded = null;
        S3ObjectStoreConfig storeConfig;
        if (RemoteStorageConfigs.BACKEND_EMBEDDED.equals(settings.backend())) {
            String accessKey = settings.accessKey() != null ? settings.accessKey() : EMBEDDED_ACCESS_KEY;
            String secretKey = settings.secretKey() != null ? settings.secretKey() : EMBEDDED_SECRET_KEY;
            try {
                embedded = EmbeddedS3Server.start(settings.embeddedDir(), accessKey, secretKey);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start the embedded object store in "
                        + settings.embeddedDir() + ": " + e.getMessage(), e);
            }
            storeConfig = S3ObjectStoreConfig.forEndpoint(embedded.endpoint(), settings.bucket(), accessKey, secretKey);
        } else {
            // No keys in the config (both null): the AWS SDK's default credentials, with or without an
            // endpoint (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles...).
            storeConfig = S3ObjectStoreConfig.forAws(settings.region(), settings.bucket())
                    .withEndpoint(settings.s3Endpoint())
                    .withCredentials(settings.accessKey(), settings.secretKey())
                    .withPathStyleAccess(settings.pathStyle());
        }
        S3ObjectStore store = S3ObjectStore.create(storeConfig);
        try {
            store.createBucketIfMissing().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // The tiering tasks retry; the broker serves its local data meanwhile.
            log.warn("Could not check or create bucket '{}' at start-up (tiering retries): {}", settings.bucket(),
                    e.getCause() != null ? e.getCause().toString() : e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RemoteLogManager manager = new RemoteLogManager(settings.manager(), store, new ObjectKeys(settings.prefix()),
                Time.SYSTEM);
        Map<String, RemoteTopic> published = new ConcurrentHashMap<>();
        ScheduledFuture<?> reconcile = scheduler.scheduleWithFixedDelay(() -> {
            try {
                for (PartitionLog partitionLog : logs.all()) {
                    manager.onLogConfigured(partitionLog);
                }
                publishTopics(topics, manager, published);
            } catch (RuntimeException e) {
                log.error("Tiered storage reconcile failed", e);
            }
        }, 0, RECONCILE_INTERVAL_MS, TimeUnit.MILLISECONDS);
        log.info("Tiered storage enabled: {} object store{}, bucket '{}', prefix '{}'", settings.backend(),
                embedded != null ? " at " + embedded.endpoint() + " keeping objects in " + settings.embeddedDir() : "",
                settings.bucket(), settings.prefix());
        return new Started(embedded, manager, reconcile, registerMBean(manager));
    }

    /**
     * Writes the description of every tiered topic that changed (created, partitions added, configs
     * altered) to the bucket, so that a restore can recreate it; a failed write is retried next time.
     */
    private static void publishTopics(TopicRegistry topics, RemoteLogManager manager,
                                      Map<String, RemoteTopic> published) {
        for (TopicMetadata topic : topics.topics()) {
            if (!topics.logConfig(topic.name()).remoteStorageEnable()) {
                continue;
            }
            RemoteTopic remote = new RemoteTopic(topic.name(), topic.topicId(), topic.partitions(), topic.configs());
            if (remote.equals(published.put(topic.name(), remote))) {
                continue;
            }
            manager.publishTopic(remote).whenComplete((done, failure) -> {
                if (failure != null) {
                    published.remove(topic.name(), remote);
                    log.warn("Could not describe topic {} in the bucket (retried): {}", topic.name(), failure.toString());
                }
            });
        }
        published.keySet().removeIf(name -> topics.topic(name).isEmpty());
    }

    /**
     * Restore, for a broker started on an empty data directory: recreates every tiered topic the
     * bucket describes (same id, partitions and configs) and makes each partition continue where its
     * remote log ends. Waits for tiered storage to start; call before the broker serves requests.
     *
     * @return the topics restored
     * @throws IllegalStateException if the bucket cannot be read: the broker must not start empty and
     *         then write offsets the bucket already holds
     */
    List<String> restoreTopics(TopicRegistry topics) {
        try {
            return restore(topics);
        } catch (Exception e) {
            throw new IllegalStateException("Could not restore the tiered topics from the bucket: " + e, e);
        }
    }

    private List<String> restore(TopicRegistry topics) throws Exception {
        RemoteLogManager manager = started.get(RESTORE_TIMEOUT_SECONDS, TimeUnit.SECONDS).remoteLogManager();
        List<String> restored = new ArrayList<>();
        for (RemoteTopic remote : manager.remoteTopics().get(RESTORE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            if (topics.topic(remote.name()).isPresent()) {
                continue;
            }
            topics.restoreTopic(new TopicMetadata(remote.name(), remote.topicId(), remote.partitions(),
                    remote.configs())).toCompletableFuture().get(RESTORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (int partition = 0; partition < remote.partitions(); partition++) {
                PartitionLog partitionLog = topics.log(new TopicPartition(remote.name(), partition)).orElseThrow();
                manager.restore(partitionLog);
            }
            restored.add(remote.name());
        }
        log.info("Restored {} topic(s) from the bucket: {}", restored.size(), restored);
        return restored;
    }

    /** Publishes the manager's figures over JMX; null if another broker in this JVM has the name. */
    private static ObjectName registerMBean(RemoteLogManager manager) {
        try {
            ObjectName name = new ObjectName(MBEAN_NAME);
            ManagementFactory.getPlatformMBeanServer().registerMBean(
                    new StandardMBean(manager.mxBean(), RemoteStorageMXBean.class, true), name);
            return name;
        } catch (JMException e) {
            log.warn("Remote storage metrics not published over JMX: {}", e.toString());
            return null;
        }
    }

    /** The remote log manager once started; null before (or if it failed to start). */
    RemoteLogManager remoteLogManager() {
        Started current = started.getNow(null);
        return current == null ? null : current.remoteLogManager();
    }


    @Override
    public void close() {
        Started current;
        try {
            current = started.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("Tiered storage had not started when the broker stopped: {}", e.toString());
            return;
        }
        current.reconcile().cancel(false);
        if (current.mbean() != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(current.mbean());
            } catch (JMException e) {
                log.warn("Could not unregister {}: {}", current.mbean(), e.toString());
            }
        }
        current.remoteLogManager().close();
        if (current.embedded() != null) {
            current.embedded().close();
        }
    }
}
