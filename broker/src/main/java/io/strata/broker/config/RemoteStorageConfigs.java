package io.strata.broker.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.PASSWORD;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

import io.strata.tiering.RemoteLogManagerConfig;
import io.strata.tiering.read.RemoteReadConfig;
import java.net.URI;
import java.nio.file.Path;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The broker's tiered-storage configs. Kafka's names where Kafka has the setting
 * ({@code remote.log.storage.system.enable}, {@code log.local.retention.*},
 * {@code remote.log.manager.*}, {@code remote.log.reader.*}); the object store's are Strata's
 * ({@code remote.log.storage.*}), since Kafka leaves them to its storage plugins.
 *
 * <p>This class is thread-safe (stateless).
 */
public final class RemoteStorageConfigs {

    public static final String REMOTE_LOG_STORAGE_SYSTEM_ENABLE_CONFIG = "remote.log.storage.system.enable";
    public static final String LOG_REMOTE_STORAGE_ENABLE_CONFIG = "log.remote.storage.enable";
    public static final String LOG_LOCAL_RETENTION_MS_CONFIG = "log.local.retention.ms";
    public static final String LOG_LOCAL_RETENTION_BYTES_CONFIG = "log.local.retention.bytes";
    public static final String TASK_INTERVAL_MS_CONFIG = "remote.log.manager.task.interval.ms";
    public static final String COPIER_THREADS_CONFIG = "remote.log.manager.copier.thread.pool.size";
    public static final String COPY_MAX_BYTES_PER_SECOND_CONFIG = "remote.log.manager.copy.max.bytes.per.second";
    public static final String READER_THREADS_CONFIG = "remote.log.reader.threads";
    public static final String READER_MAX_PENDING_TASKS_CONFIG = "remote.log.reader.max.pending.tasks";
    public static final String REMOTE_FETCH_MAX_WAIT_MS_CONFIG = "remote.fetch.max.wait.ms";
    public static final String CHUNK_SIZE_BYTES_CONFIG = "remote.log.reader.chunk.size.bytes";
    public static final String CHUNK_CACHE_BYTES_CONFIG = "remote.log.reader.chunk.cache.size.bytes";
    public static final String INDEX_CACHE_BYTES_CONFIG = "remote.log.index.file.cache.total.size.bytes";
    public static final String READ_AHEAD_CHUNKS_CONFIG = "remote.log.reader.read.ahead.chunks";
    public static final String BACKEND_CONFIG = "remote.log.storage.backend";
    public static final String EMBEDDED_DIR_CONFIG = "remote.log.storage.embedded.dir";
    public static final String S3_ENDPOINT_CONFIG = "remote.log.storage.s3.endpoint";
    public static final String S3_REGION_CONFIG = "remote.log.storage.s3.region";
    public static final String S3_BUCKET_CONFIG = "remote.log.storage.s3.bucket";
    public static final String S3_PREFIX_CONFIG = "remote.log.storage.s3.prefix";
    public static final String S3_ACCESS_KEY_CONFIG = "remote.log.storage.s3.access.key";
    public static final String S3_SECRET_KEY_CONFIG = "remote.log.storage.s3.secret.key";
    public static final String S3_PATH_STYLE_CONFIG = "remote.log.storage.s3.path.style.access";

    public static final String BACKEND_EMBEDDED = "embedded";
    public static final String BACKEND_S3 = "s3";
    /** The embedded store's directory under the first log dir when not configured. */
    public static final String DEFAULT_EMBEDDED_DIR_NAME = "remote-storage";

    private RemoteStorageConfigs() {
    }

    /** Adds the tiered-storage configs to the broker's definition. */
    static ConfigDef define(ConfigDef def) {
        RemoteReadConfig read = RemoteReadConfig.defaults();
        RemoteLogManagerConfig manager = RemoteLogManagerConfig.defaults();
        return def
                .define(REMOTE_LOG_STORAGE_SYSTEM_ENABLE_CONFIG, BOOLEAN, false, HIGH,
                        "The master switch of tiered storage: without it no topic is tiered and no object store is used.")
                .define(LOG_REMOTE_STORAGE_ENABLE_CONFIG, BOOLEAN, false, HIGH,
                        "The default of the topic config remote.storage.enable, so that every topic can be tiered "
                                + "without configuring each.")
                .define(LOG_LOCAL_RETENTION_MS_CONFIG, LONG, -2L, Range.atLeast(-2), HIGH,
                        "How long an uploaded segment stays on local disk (default of local.retention.ms); "
                                + "-2 = log.retention.ms.")
                .define(LOG_LOCAL_RETENTION_BYTES_CONFIG, LONG, -2L, Range.atLeast(-2), HIGH,
                        "Local bytes kept of uploaded segments per partition (default of local.retention.bytes); "
                                + "-2 = log.retention.bytes.")
                .define(TASK_INTERVAL_MS_CONFIG, LONG, manager.taskIntervalMs(), Range.atLeast(1), MEDIUM,
                        "How often each tiered partition uploads sealed segments and expires remote ones.")
                .define(COPIER_THREADS_CONFIG, INT, manager.uploadThreads(), Range.atLeast(1), MEDIUM,
                        "Threads uploading segments.")
                .define(COPY_MAX_BYTES_PER_SECOND_CONFIG, LONG, Long.MAX_VALUE, Range.atLeast(1), MEDIUM,
                        "Upper bound of the upload rate, over all partitions.")
                .define(READER_THREADS_CONFIG, INT, manager.readerThreads(), Range.atLeast(1), MEDIUM,
                        "Threads serving remote reads.")
                .define(READER_MAX_PENDING_TASKS_CONFIG, INT, manager.readerMaxPendingTasks(), Range.atLeast(1),
                        MEDIUM, "Remote reads queued before further ones get KAFKA_STORAGE_ERROR.")
                .define(REMOTE_FETCH_MAX_WAIT_MS_CONFIG, INT, 500, Range.atLeast(1), MEDIUM,
                        "How long a fetch that reads the remote tier may wait for it; a read still running "
                                + "then goes on and fills the cache for the client's retry.")
                .define(CHUNK_SIZE_BYTES_CONFIG, INT, read.chunkSizeBytes(),
                        Range.atLeast(RemoteReadConfig.MIN_CHUNK_SIZE_BYTES), MEDIUM,
                        "Bytes of a remote segment fetched by one ranged GET and cached as one chunk.")
                .define(CHUNK_CACHE_BYTES_CONFIG, LONG, read.chunkCacheBytes(), Range.atLeast(0), MEDIUM,
                        "Memory for cached chunks of remote segments.")
                .define(INDEX_CACHE_BYTES_CONFIG, LONG, read.indexCacheBytes(), Range.atLeast(0), MEDIUM,
                        "Memory for cached offset and time indexes of remote segments.")
                .define(READ_AHEAD_CHUNKS_CONFIG, INT, read.readAheadChunks(), Range.atLeast(0), MEDIUM,
                        "Chunks fetched ahead of a sequential remote reader (continuing into the next segment).")
                .define(BACKEND_CONFIG, STRING, BACKEND_EMBEDDED, ValidString.in(BACKEND_EMBEDDED, BACKEND_S3), HIGH,
                        "The object store: 'embedded' (an S3 API server inside the broker keeping objects under "
                                + EMBEDDED_DIR_CONFIG + ") or 's3' (AWS S3, MinIO or any S3-compatible endpoint).")
                .define(EMBEDDED_DIR_CONFIG, STRING, null, HIGH,
                        "Where the embedded object store keeps its objects; default '" + DEFAULT_EMBEDDED_DIR_NAME
                                + "' next to the first log dir.")
                .define(S3_ENDPOINT_CONFIG, STRING, null, HIGH,
                        "The S3 endpoint URL (MinIO: http://host:9000); unset = AWS S3 of the region.")
                .define(S3_REGION_CONFIG, STRING, "us-east-1", HIGH, "The S3 region.")
                .define(S3_BUCKET_CONFIG, STRING, "strata", HIGH, "The bucket; created if missing.")
                .define(S3_PREFIX_CONFIG, STRING, "", MEDIUM, "A key prefix for every object Strata writes.")
                .define(S3_ACCESS_KEY_CONFIG, STRING, null, HIGH,
                        "The access key id; unset = the AWS default credentials (AWS_ACCESS_KEY_ID, profiles, ...).")
                .define(S3_SECRET_KEY_CONFIG, PASSWORD, null, HIGH, "The secret access key.")
                .define(S3_PATH_STYLE_CONFIG, BOOLEAN, true, LOW,
                        "Path-style bucket addressing (needed by MinIO and most non-AWS servers).");
    }

    /** The tiered-storage settings of a broker. */
    public record Settings(boolean systemEnable, String backend, Path embeddedDir, URI s3Endpoint, String region,
                           String bucket, String prefix, String accessKey, String secretKey, boolean pathStyle,
                           int remoteFetchMaxWaitMs, RemoteLogManagerConfig manager) {
    }

    /** Reads the settings from a loaded broker config. */
    public static Settings settings(BrokerConfig broker) {
        String endpoint = (String) broker.value(S3_ENDPOINT_CONFIG);
        String embeddedDir = (String) broker.value(EMBEDDED_DIR_CONFIG);
        Password secret = (Password) broker.value(S3_SECRET_KEY_CONFIG);
        RemoteReadConfig read = new RemoteReadConfig((Integer) broker.value(CHUNK_SIZE_BYTES_CONFIG),
                (Long) broker.value(CHUNK_CACHE_BYTES_CONFIG), (Long) broker.value(INDEX_CACHE_BYTES_CONFIG),
                (Integer) broker.value(READ_AHEAD_CHUNKS_CONFIG));
        RemoteLogManagerConfig manager = new RemoteLogManagerConfig((Long) broker.value(TASK_INTERVAL_MS_CONFIG),
                (Integer) broker.value(COPIER_THREADS_CONFIG), (Integer) broker.value(READER_THREADS_CONFIG),
                (Integer) broker.value(READER_MAX_PENDING_TASKS_CONFIG),
                (Long) broker.value(COPY_MAX_BYTES_PER_SECOND_CONFIG),
                RemoteLogManagerConfig.defaults().retryBackoffMs(), read);
        URI endpointUri;
        try {
            endpointUri = endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(S3_ENDPOINT_CONFIG, endpoint, e.getMessage());
        }
        Path firstLogDir = broker.logDirs().get(0).toAbsolutePath();
        Path defaultEmbeddedDir = firstLogDir.getParent() == null ? firstLogDir.resolve(DEFAULT_EMBEDDED_DIR_NAME)
                : firstLogDir.getParent().resolve(firstLogDir.getFileName() + "-" + DEFAULT_EMBEDDED_DIR_NAME);
        return new Settings((Boolean) broker.value(REMOTE_LOG_STORAGE_SYSTEM_ENABLE_CONFIG),
                (String) broker.value(BACKEND_CONFIG),
                embeddedDir == null || embeddedDir.isBlank() ? defaultEmbeddedDir : Path.of(embeddedDir.trim()),
                endpointUri, (String) broker.value(S3_REGION_CONFIG), (String) broker.value(S3_BUCKET_CONFIG),
                (String) broker.value(S3_PREFIX_CONFIG), (String) broker.value(S3_ACCESS_KEY_CONFIG),
                secret == null ? null : secret.value(), (Boolean) broker.value(S3_PATH_STYLE_CONFIG),
                (Integer) broker.value(REMOTE_FETCH_MAX_WAIT_MS_CONFIG), manager);
    }
}
