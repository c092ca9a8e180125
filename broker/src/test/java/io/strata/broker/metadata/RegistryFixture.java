package io.strata.broker.metadata;

import static org.junit.jupiter.api.Assertions.fail;

import io.strata.broker.config.BrokerConfig;
import io.strata.broker.dispatch.StorageExecutors;
import io.strata.storage.log.PartitionLogs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.utils.Time;

/**
 * A real topic registry for tests: a broker config whose log dir is a test directory, the topic
 * store, real partition logs and two storage threads, opened the way the broker opens them.
 *
 * <p>This class is not thread-safe.
 */
public final class RegistryFixture implements AutoCloseable {

    private final Path logDir;
    private final Map<String, String> properties;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final BrokerConfig config;
    private final TopicStore store;
    private final PartitionLogs partitionLogs;
    private final StorageExecutors storage = new StorageExecutors(2);
    private final TopicRegistry registry;

    private RegistryFixture(Path logDir, Map<String, String> properties) throws IOException {
        this.logDir = logDir;
        this.properties = properties;
        this.config = BrokerConfig.fromProperties(properties);
        this.store = TopicStore.open(config);
        this.partitionLogs = PartitionLogs.open(config.logDirs(), TopicRegistry.storedLogConfigs(config, store),
                Time.SYSTEM, scheduler);
        this.registry = TopicRegistry.open(config, store, partitionLogs, storage);
    }

    /** Opens a registry on {@code logDir} with the given broker properties (log.dirs is set here). */
    public static RegistryFixture open(Path logDir, Map<String, String> brokerProperties) throws IOException {
        Map<String, String> properties = new HashMap<>(brokerProperties);
        properties.put(BrokerConfig.LOG_DIRS_CONFIG, logDir.toString());
        properties.putIfAbsent(BrokerConfig.LISTENERS_CONFIG, "PLAINTEXT://localhost:9092");
        return new RegistryFixture(logDir, properties);
    }

    /** Closes everything and opens the same log dir again, like a broker restart. */
    public RegistryFixture restart() throws IOException {
        close();
        return new RegistryFixture(logDir, properties);
    }

    public BrokerConfig config() {
        return config;
    }

    public TopicStore store() {
        return store;
    }

    public PartitionLogs partitionLogs() {
        return partitionLogs;
    }

    public TopicRegistry registry() {
        return registry;
    }

    /** The stage's value, failing the test if it fails or takes over ten seconds. */
    public static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("Stage failed", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("Stage did not complete", e);
        }
    }

    /** The failure of the stage, failing the test if it succeeds. */
    public static Throwable failure(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
            return fail("Expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("Stage did not complete", e);
        }
    }

    @Override
    public void close() {
        storage.close();
        partitionLogs.close();
        scheduler.shutdownNow();
    }
}
