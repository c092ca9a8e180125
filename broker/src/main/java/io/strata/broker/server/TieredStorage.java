package io.strata.broker.server;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.config.RemoteStorageConfigs;
import io.strata.storage.log.PartitionLog;
import io.strata.storage.log.PartitionLogs;
import io.strata.tiering.RemoteLogManager;
import io.strata.tiering.metadata.ObjectKeys;
import io.strata.tiering.store.EmbeddedS3Server;
import io.strata.tiering.store.S3ObjectStore;
import io.strata.tiering.store.S3ObjectStoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's tiered storage, when {@code remote.log.storage.system.enable} is on: the object
 * store (the embedded S3 server with its S3 client, or an external S3 endpoint) and the
 * {@link RemoteLogManager}, which a reconcile task keeps told of every partition log and its
 * {@code remote.storage.enable} (new topics and config changes are picked up within a second).
 *
 * <p>This class is thread-safe.
 */
final class TieredStorage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TieredStorage.class);
    private static final String EMBEDDED_ACCESS_KEY = "strata";
    private static final String EMBEDDED_SECRET_KEY = "strata-embedded-store";
    private static final long RECONCILE_INTERVAL_MS = 1_000L;

    private final EmbeddedS3Server embedded;
    private final RemoteLogManager remoteLogManager;
    private final ScheduledFuture<?> reconcile;

    private TieredStorage(EmbeddedS3Server embedded, RemoteLogManager remoteLogManager, ScheduledFuture<?> reconcile) {
        this.embedded = embedded;
        this.remoteLogManager = remoteLogManager;
        this.reconcile = reconcile;
    }

    /** Starts tiered storage if the broker enables it; null otherwise. */
    static TieredStorage startIfEnabled(BrokerConfig config, PartitionLogs logs, ScheduledExecutorService scheduler) {
        RemoteStorageConfigs.Settings settings = RemoteStorageConfigs.settings(config);
        if (!settings.systemEnable()) {
            return null;
        }
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
            storeConfig = S3ObjectStoreConfig.forAws(settings.region(), settings.bucket())
                    .withCredentials(settings.accessKey(), settings.secretKey())
                    .withPathStyleAccess(settings.pathStyle());
            if (settings.s3Endpoint() != null) {
                storeConfig = S3ObjectStoreConfig.forEndpoint(settings.s3Endpoint(), settings.bucket(),
                        settings.accessKey(), settings.secretKey())
                        .withRegion(settings.region())
                        .withPathStyleAccess(settings.pathStyle());
            }
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
        ScheduledFuture<?> reconcile = scheduler.scheduleWithFixedDelay(() -> {
            try {
                for (PartitionLog partitionLog : logs.all()) {
                    manager.onLogConfigured(partitionLog);
                }
            } catch (RuntimeException e) {
                log.error("Tiered storage reconcile failed", e);
            }
        }, 0, RECONCILE_INTERVAL_MS, TimeUnit.MILLISECONDS);
        log.info("Tiered storage enabled: {} object store{}, bucket '{}', prefix '{}'", settings.backend(),
                embedded != null ? " at " + embedded.endpoint() + " keeping objects in " + settings.embeddedDir() : "",
                settings.bucket(), settings.prefix());
        return new TieredStorage(embedded, manager, reconcile);
    }

    RemoteLogManager remoteLogManager() {
        return remoteLogManager;
    }

    /** The embedded S3 server, or null with an external store. */
    EmbeddedS3Server embedded() {
        return embedded;
    }

    @Override
    public void close() {
        reconcile.cancel(false);
        remoteLogManager.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
