package io.strata.benchmarks.replay;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.server.BrokerServer;
import io.strata.tiering.store.EmbeddedS3Server;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;

/**
 * A Strata broker in this JVM ({@link BrokerServer} from {@link BrokerConfig#fromProperties}) that
 * tiers to a real S3 API over HTTP: an {@link EmbeddedS3Server} (S3Proxy, filesystem store) that
 * outlives broker restarts, configured as {@code remote.log.storage.backend=s3}. Its remote-storage
 * counters are read over JMX in the same JVM ({@link RemoteCounters}).
 *
 * <p>{@link #restart()} closes the broker and starts a new one on the same log dir, port and bucket:
 * a new remote log manager, so empty chunk and index caches.
 *
 * <p>This class is not thread-safe.
 */
final class ReplayBroker implements AutoCloseable {

    static final String BUCKET = "cold-replay";
    private static final String ACCESS_KEY = "replay-access";
    private static final String SECRET_KEY = "replay-secret";

    private final EmbeddedS3Server s3;
    private final Path s3Dir;
    private final Path logDir;
    private final Map<String, String> overrides;
    private BrokerServer server;
    private int port;

    private ReplayBroker(EmbeddedS3Server s3, Path s3Dir, Path logDir, Map<String, String> overrides) {
        this.s3 = s3;
        this.s3Dir = s3Dir;
        this.logDir = logDir;
        this.overrides = overrides;
    }

    /**
     * Starts the object store under {@code workDir/s3} and the broker with its log dir in
     * {@code workDir/logs}; {@code overrides} are applied last.
     */
    static ReplayBroker start(Path workDir, Map<String, String> overrides) throws IOException {
        Path s3Dir = workDir.resolve("s3");
        EmbeddedS3Server s3 = EmbeddedS3Server.start(s3Dir, ACCESS_KEY, SECRET_KEY);
        ReplayBroker broker = new ReplayBroker(s3, s3Dir, workDir.resolve("logs"), new LinkedHashMap<>(overrides));
        try {
            broker.startServer(0);
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
        return broker;
    }

    /** The broker configs besides listeners and log dir: tiering on, to the embedded S3 endpoint. */
    Map<String, String> configs(int requestedPort) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + requestedPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + requestedPort);
        props.put("log.dirs", logDir.toString());
        props.put("auto.create.topics.enable", "false");
        props.put("remote.log.storage.system.enable", "true");
        props.put("remote.log.storage.backend", "s3");
        props.put("remote.log.storage.s3.endpoint", s3.endpoint().toString());
        props.put("remote.log.storage.s3.bucket", BUCKET);
        props.put("remote.log.storage.s3.access.key", ACCESS_KEY);
        props.put("remote.log.storage.s3.secret.key", SECRET_KEY);
        // Upload and local deletion soon after a roll, so the set-up does not wait minutes; the read
        // path's settings (remote.log.reader.*, remote.fetch.max.wait.ms) keep their defaults.
        props.put("remote.log.manager.task.interval.ms", "500");
        props.put("log.retention.check.interval.ms", "500");
        props.putAll(overrides);
        return props;
    }

    private void startServer(int requestedPort) {
        server = new BrokerServer(BrokerConfig.fromProperties(configs(requestedPort)));
        server.start();
        port = server.boundPort();
    }

    /** Stops the broker cleanly and starts a new one on the same data, port and bucket. */
    void restart() {
        server.close();
        startServer(port);
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    Path logDir() {
        return logDir;
    }

    /** Where S3Proxy keeps the bucket's objects, one file each. */
    Path bucketDir() {
        return s3Dir.resolve(BUCKET);
    }

    Admin admin() {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            s3.close();
        }
    }
}
