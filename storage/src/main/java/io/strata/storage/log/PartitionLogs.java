package io.strata.storage.log;

import io.strata.storage.file.AtomicFiles;
import io.strata.storage.file.LeaderEpochCheckpointFile;
import io.strata.storage.file.LeaderEpochCheckpointFile.EpochEntry;
import io.strata.storage.file.OffsetCheckpointFile;
import io.strata.storage.file.PartitionMetadataFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentTopicIdException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All partition logs of the broker's log dirs (Kafka's {@code LogManager}). Opening loads every
 * {@code <topic>-<partition>} directory in parallel, with full recovery unless the log dir holds
 * the {@value #CLEAN_SHUTDOWN_FILE} marker, which is removed once the logs are open and written
 * back by {@link #close()}. Per log dir it keeps {@code recovery-point-offset-checkpoint} and
 * {@code log-start-offset-checkpoint}; {@code meta.properties} belongs to the broker.
 *
 * <p>Background work runs on the given scheduler: retention, flush.ms and checkpoints, producer
 * id expiration and the removal of deleted partition directories.
 *
 * <p>This class is thread-safe.
 */
public final class PartitionLogs implements Closeable {

    /** Marker file of a log dir whose logs were all closed cleanly. */
    public static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    /** Kafka's default producer.id.expiration.ms (one day). */
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 24L * 60 * 60 * 1000;
    /** Kafka's default producer.id.expiration.check.interval.ms. */
    static final long PRODUCER_EXPIRATION_CHECK_INTERVAL_MS = 10L * 60 * 1000;

    private static final Logger log = LoggerFactory.getLogger(PartitionLogs.class);

    private final List<LogDir> logDirs;
    private final Map<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final Time time;
    private final ScheduledExecutorService scheduler;
    private final long producerIdExpirationMs;
    private final List<ScheduledFuture<?>> backgroundTasks = new ArrayList<>();
    private final Object createLock = new Object();
    private volatile boolean closed;

    private PartitionLogs(List<LogDir> logDirs, Time time, ScheduledExecutorService scheduler,
                          long producerIdExpirationMs) {
        this.logDirs = logDirs;
        this.time = time;
        this.scheduler = scheduler;
        this.producerIdExpirationMs = producerIdExpirationMs;
    }

    /** Opens the log dirs with Kafka's default producer id expiration. */
    public static PartitionLogs open(List<Path> logDirs, Function<String, LogConfig> topicConfigs, Time time,
                                     ScheduledExecutorService scheduler) {
        return open(logDirs, topicConfigs, time, scheduler, DEFAULT_PRODUCER_ID_EXPIRATION_MS);
    }

    /**
     * Creates missing log dirs and loads every partition directory in them.
     *
     * @param topicConfigs the effective config of a topic, by name (null means the defaults)
     * @throws KafkaStorageException if a log dir cannot be read or a partition cannot be loaded
     * @throws KafkaException        if two log dirs hold the same partition
     */
    public static PartitionLogs open(List<Path> logDirs, Function<String, LogConfig> topicConfigs, Time time,
                                     ScheduledExecutorService scheduler, long producerIdExpirationMs) {
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("At least one log dir is required");
        }
        List<LogDir> dirs = new ArrayList<>(logDirs.size());
        for (Path path : logDirs) {
            dirs.add(new LogDir(path.toAbsolutePath().normalize()));
        }
        PartitionLogs partitionLogs = new PartitionLogs(List.copyOf(dirs), time, scheduler, producerIdExpirationMs);
        partitionLogs.loadAll(topicConfigs);
        return partitionLogs;
    }

    private void loadAll(Function<String, LogConfig> topicConfigs) {
        List<LoadTask> tasks = new ArrayList<>();
        Map<TopicPartition, Path> seen = new HashMap<>();
        try {
            for (LogDir logDir : logDirs) {
                Files.createDirectories(logDir.path);
                boolean hadCleanShutdown = Files.exists(logDir.path.resolve(CLEAN_SHUTDOWN_FILE));
                Map<TopicPartition, Long> recoveryPoints = logDir.readCheckpoint(logDir.recoveryPoints);
                Map<TopicPartition, Long> logStartOffsets = logDir.readCheckpoint(logDir.logStartOffsets);
                for (Path dir : partitionDirs(logDir.path)) {
                    Optional<TopicPartition> parsed = LogFiles.parseDirName(dir.getFileName().toString());
                    if (parsed.isEmpty()) {
                        continue;
                    }
                    TopicPartition tp = parsed.get();
                    Path other = seen.putIfAbsent(tp, dir);
                    if (other != null) {
                        throw new KafkaException("Duplicate log directories for " + tp + ": " + other + " and " + dir);
                    }
                    LogConfig config = Optional.ofNullable(topicConfigs.apply(tp.topic()))
                            .orElseGet(LogConfig::defaults);
                    tasks.add(new LoadTask(logDir, tp, dir, config, hadCleanShutdown,
                            recoveryPoints.getOrDefault(tp, 0L), logStartOffsets.getOrDefault(tp, 0L)));
                }
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to read the log dirs " + logDirs, e);
        }
        runLoadTasks(tasks);
        try {
            for (LogDir logDir : logDirs) {
                Files.deleteIfExists(logDir.path.resolve(CLEAN_SHUTDOWN_FILE));
                AtomicFiles.fsyncDirectory(logDir.path);
            }
        } catch (IOException e) {
            closeQuietly(logs.values());
            throw new KafkaStorageException("Failed to remove the clean shutdown marker", e);
        }
        log.info("Loaded {} partition log(s) from {}", logs.size(), logDirs);
    }

    /** Lists the sub-directories of a log dir, deleting the ones left from partition deletions. */
    private static List<Path> partitionDirs(Path logDir) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(logDir, Files::isDirectory)) {
            for (Path dir : stream) {
                if (LogFiles.isDeleteDir(dir)) {
                    log.info("Deleting {}, left by a partition deletion", dir);
                    LogFiles.deleteRecursively(dir);
                } else {
                    dirs.add(dir);
                }
            }
        }
        dirs.sort(Comparator.naturalOrder());
        return dirs;
    }

    private void runLoadTasks(List<LoadTask> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        int threads = Math.max(1, Math.min(tasks.size(), Runtime.getRuntime().availableProcessors()));
        AtomicInteger threadIds = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "log-recovery-" + threadIds.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<PartitionLog>> futures = new ArrayList<>(tasks.size());
            for (LoadTask task : tasks) {
                futures.add(pool.submit(() -> load(task)));
            }
            RuntimeException failure = null;
            for (Future<PartitionLog> future : futures) {
                try {
                    PartitionLog loaded = future.get();
                    logs.put(loaded.topicPartition(), loaded);
                } catch (ExecutionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime
                            : new KafkaStorageException("Failed to load a partition log", e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new KafkaException("Interrupted while loading the partition logs", e);
                    break;
                }
            }
            if (failure != null) {
                closeQuietly(logs.values());
                logs.clear();
                throw failure;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private PartitionLog load(LoadTask task) {
        long startNanos = time.nanoseconds();
        try {
            Optional<Uuid> topicId =
                    new PartitionMetadataFile(task.dir.resolve(PartitionMetadataFile.FILE_NAME)).read();
            LogLoader.LoadedLog loaded = LogLoader.load(task.topicPartition, task.dir, task.config, time,
                    task.hadCleanShutdown, task.recoveryPoint, task.logStartOffset, producerIdExpirationMs);
            PartitionLog partitionLog = new PartitionLog(task.topicPartition, topicId.orElse(Uuid.ZERO_UUID), task.dir,
                    task.config, time, scheduler, loaded, logStartOffsetListener(task.logDir));
            log.info("Loaded {} ({}): log start offset {}, log end offset {}, {} segment(s) in {} ms",
                    task.topicPartition, task.hadCleanShutdown ? "clean" : "recovered", partitionLog.logStartOffset(),
                    partitionLog.logEndOffset(), partitionLog.numberOfSegments(),
                    TimeUnit.NANOSECONDS.toMillis(time.nanoseconds() - startNanos));
            return partitionLog;
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to load the log of " + task.topicPartition + " from " + task.dir,
                    e);
        }
    }

    private Consumer<PartitionLog> logStartOffsetListener(LogDir logDir) {
        return changed -> {
            try {
                checkpointLogStartOffsets(logDir);
            } catch (IOException e) {
                throw new KafkaStorageException("Failed to checkpoint log start offsets in " + logDir.path, e);
            }
        };
    }

    /**
     * The log of {@code tp}, created empty if it does not exist, on the log dir with the fewest
     * partitions: {@code <logDir>/<topic>-<partition>/} with {@code partition.metadata} naming
     * {@code topicId} and a {@code leader-epoch-checkpoint} starting epoch 0 at offset 0. An
     * existing log keeps its config (change it with {@link PartitionLog#updateConfig}).
     *
     * @throws InconsistentTopicIdException if the existing log belongs to another topic id
     */
    public PartitionLog getOrCreate(TopicPartition tp, Uuid topicId, LogConfig config) {
        synchronized (createLock) {
            ensureOpen();
            PartitionLog existing = logs.get(tp);
            if (existing != null) {
                return adoptTopicId(existing, topicId);
            }
            LogDir logDir = leastLoadedLogDir();
            Path dir = logDir.path.resolve(LogFiles.dirName(tp));
            try {
                boolean existedOnDisk = Files.exists(dir);
                Files.createDirectories(dir);
                AtomicFiles.fsyncDirectory(logDir.path);
                new PartitionMetadataFile(dir.resolve(PartitionMetadataFile.FILE_NAME)).write(topicId);
                LeaderEpochCheckpointFile epochs =
                        new LeaderEpochCheckpointFile(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME));
                if (!existedOnDisk || epochs.read().isEmpty()) {
                    epochs.write(List.of(new EpochEntry(0, 0L)));
                }
                LogLoader.LoadedLog loaded = LogLoader.load(tp, dir, config, time, !existedOnDisk, 0L, 0L,
                        producerIdExpirationMs);
                PartitionLog created = new PartitionLog(tp, topicId, dir, config, time, scheduler, loaded,
                        logStartOffsetListener(logDir));
                logs.put(tp, created);
                log.info("Created log of {} (topic id {}) in {}", tp, topicId, dir);
                return created;
            } catch (IOException e) {
                throw new KafkaStorageException("Failed to create the log of " + tp + " in " + dir, e);
            }
        }
    }

    private PartitionLog adoptTopicId(PartitionLog existing, Uuid topicId) {
        Uuid current = existing.topicId();
        if (current.equals(topicId)) {
            return existing;
        }
        if (!current.equals(Uuid.ZERO_UUID)) {
            throw new InconsistentTopicIdException("The log of " + existing.topicPartition() + " belongs to topic id "
                    + current + ", not " + topicId);
        }
        try {
            new PartitionMetadataFile(existing.dir().resolve(PartitionMetadataFile.FILE_NAME)).write(topicId);
        } catch (IOException e) {
            throw new KafkaStorageException("Failed to write the topic id of " + existing.topicPartition(), e);
        }
        existing.assignTopicId(topicId);
        return existing;
    }

    private LogDir leastLoadedLogDir() {
        Map<Path, Integer> counts = new HashMap<>();
        for (PartitionLog partitionLog : logs.values()) {
            counts.merge(partitionLog.dir().getParent(), 1, Integer::sum);
        }
        LogDir best = logDirs.get(0);
        for (LogDir logDir : logDirs) {
            if (counts.getOrDefault(logDir.path, 0) < counts.getOrDefault(best.path, 0)) {
                best = logDir;
            }
        }
        return best;
    }

    public Optional<PartitionLog> get(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    /** The topic id recorded in the partition's {@code partition.metadata}, if the log exists and has one. */
    public Optional<Uuid> topicIdOf(TopicPartition tp) {
        return get(tp).map(PartitionLog::topicId).filter(id -> !id.equals(Uuid.ZERO_UUID));
    }

    /** A snapshot of all open logs. */
    public Collection<PartitionLog> all() {
        return List.copyOf(logs.values());
    }

    /**
     * Deletes the log of {@code tp}: it stops taking writes, its directory is renamed at once to
     * {@code <topic>-<partition>.<uuid>-delete} and removed after file.delete.delay.ms (fetches
     * in flight finish meanwhile). Does nothing if there is no such log.
     */
    public void delete(TopicPartition tp) {
        PartitionLog removed;
        Path target;
        synchronized (createLock) {
            removed = logs.remove(tp);
            if (removed == null) {
                return;
            }
            removed.markDeleted();
            Path dir = removed.dir();
            Path parent = dir.getParent();
            target = parent.resolve(LogFiles.deleteDirName(tp));
            try {
                Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.fsyncDirectory(parent);
                removed.renamedTo(target);
                LogDir logDir = logDirOf(parent);
                checkpointRecoveryPoints(logDir);
                checkpointLogStartOffsets(logDir);
            } catch (IOException e) {
                throw new KafkaStorageException("Failed to delete the log of " + tp + " in " + dir, e);
            }
        }
        Runnable deletion = () -> {
            try {
                removed.closeHandlersForDeletion();
                LogFiles.deleteRecursively(target);
                log.info("Deleted the log of {} ({})", tp, target);
            } catch (IOException | RuntimeException e) {
                log.error("Failed to delete {}; it is retried at the next start", target, e);
            }
        };
        try {
            scheduler.schedule(deletion, removed.config().fileDeleteDelayMs(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            deletion.run();
        }
    }

    /**
     * Starts the periodic tasks: retention every {@code retentionCheckIntervalMs}; flush.ms and
     * the recovery-point and log-start-offset checkpoints every {@code checkpointIntervalMs};
     * producer id expiration every ten minutes (Kafka's default check interval).
     */
    public void startBackgroundTasks(long retentionCheckIntervalMs, long checkpointIntervalMs) {
        synchronized (backgroundTasks) {
            ensureOpen();
            if (!backgroundTasks.isEmpty()) {
                throw new IllegalStateException("Background tasks already started");
            }
            backgroundTasks.add(scheduler.scheduleWithFixedDelay(this::deleteRetentionExpiredSegments,
                    retentionCheckIntervalMs, retentionCheckIntervalMs, TimeUnit.MILLISECONDS));
            backgroundTasks.add(scheduler.scheduleWithFixedDelay(this::flushAndCheckpoint,
                    checkpointIntervalMs, checkpointIntervalMs, TimeUnit.MILLISECONDS));
            backgroundTasks.add(scheduler.scheduleWithFixedDelay(this::removeExpiredProducers,
                    PRODUCER_EXPIRATION_CHECK_INTERVAL_MS, PRODUCER_EXPIRATION_CHECK_INTERVAL_MS,
                    TimeUnit.MILLISECONDS));
        }
    }

    private void deleteRetentionExpiredSegments() {
        for (PartitionLog partitionLog : logs.values()) {
            try {
                partitionLog.deleteRetentionExpiredSegments(time.milliseconds());
            } catch (RuntimeException e) {
                log.error("Retention of {} failed", partitionLog.topicPartition(), e);
            }
        }
    }

    private void flushAndCheckpoint() {
        for (PartitionLog partitionLog : logs.values()) {
            try {
                partitionLog.flushIfDue(time.milliseconds());
            } catch (RuntimeException e) {
                log.error("Flush of {} failed", partitionLog.topicPartition(), e);
            }
        }
        try {
            checkpoint();
        } catch (RuntimeException e) {
            log.error("Writing the offset checkpoints failed", e);
        }
    }

    private void removeExpiredProducers() {
        for (PartitionLog partitionLog : logs.values()) {
            try {
                partitionLog.removeExpiredProducers(time.milliseconds());
            } catch (RuntimeException e) {
                log.error("Producer id expiration of {} failed", partitionLog.topicPartition(), e);
            }
        }
    }

    /** Writes the recovery-point and log-start-offset checkpoints of every log dir. */
    public void checkpoint() {
        for (LogDir logDir : logDirs) {
            try {
                checkpointRecoveryPoints(logDir);
                checkpointLogStartOffsets(logDir);
            } catch (IOException e) {
                throw new KafkaStorageException("Failed to write the offset checkpoints of " + logDir.path, e);
            }
        }
    }

    private void checkpointRecoveryPoints(LogDir logDir) throws IOException {
        synchronized (logDir) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            for (PartitionLog partitionLog : logsIn(logDir)) {
                offsets.put(partitionLog.topicPartition(), partitionLog.recoveryPoint());
            }
            logDir.recoveryPoints.write(offsets);
        }
    }

    /**
     * Only log start offsets above the first segment's base offset need a checkpoint, and every log
     * start offset of a tiered log, which may lie below its local segments (as in Kafka).
     */
    private void checkpointLogStartOffsets(LogDir logDir) throws IOException {
        synchronized (logDir) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            for (PartitionLog partitionLog : logsIn(logDir)) {
                if (partitionLog.config().remoteStorageEnable()
                        || partitionLog.logStartOffset() > partitionLog.firstSegmentBaseOffset()) {
                    offsets.put(partitionLog.topicPartition(), partitionLog.logStartOffset());
                }
            }
            logDir.logStartOffsets.write(offsets);
        }
    }

    private List<PartitionLog> logsIn(LogDir logDir) {
        List<PartitionLog> inDir = new ArrayList<>();
        for (PartitionLog partitionLog : logs.values()) {
            if (partitionLog.dir().getParent().equals(logDir.path)) {
                inDir.add(partitionLog);
            }
        }
        return inDir;
    }

    private LogDir logDirOf(Path path) {
        for (LogDir logDir : logDirs) {
            if (logDir.path.equals(path)) {
                return logDir;
            }
        }
        throw new IllegalArgumentException("Not a log dir: " + path);
    }

    /**
     * Stops the background tasks, closes every log (flush, producer snapshot, index trim), writes
     * the checkpoints and, in each log dir whose logs all closed cleanly, the clean shutdown marker.
     */
    @Override
    public void close() {
        synchronized (backgroundTasks) {
            if (closed) {
                return;
            }
            closed = true;
            for (ScheduledFuture<?> task : backgroundTasks) {
                task.cancel(false);
            }
            backgroundTasks.clear();
        }
        List<LogDir> failedDirs = new ArrayList<>();
        for (PartitionLog partitionLog : logs.values()) {
            try {
                partitionLog.close();
            } catch (RuntimeException e) {
                log.error("Failed to close the log of {}", partitionLog.topicPartition(), e);
                failedDirs.add(logDirOf(partitionLog.dir().getParent()));
            }
        }
        for (LogDir logDir : logDirs) {
            try {
                checkpointRecoveryPoints(logDir);
                checkpointLogStartOffsets(logDir);
                if (!failedDirs.contains(logDir)) {
                    AtomicFiles.write(logDir.path.resolve(CLEAN_SHUTDOWN_FILE), "{\"version\":0,\"BrokerEpoch\":-1}");
                }
            } catch (IOException e) {
                log.error("Failed to write the checkpoints of {}; it is recovered at the next start", logDir.path, e);
            }
        }
        logs.clear();
        log.info("Closed the partition logs in {}", logDirs);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The partition logs are closed");
        }
    }

    private static void closeQuietly(Collection<PartitionLog> toClose) {
        for (PartitionLog partitionLog : toClose) {
            try {
                partitionLog.close();
            } catch (RuntimeException e) {
                log.warn("Failed to close the log of {}", partitionLog.topicPartition(), e);
            }
        }
    }

    /** One log dir and its offset checkpoint files. */
    private static final class LogDir {
        final Path path;
        final OffsetCheckpointFile recoveryPoints;
        final OffsetCheckpointFile logStartOffsets;

        LogDir(Path path) {
            this.path = path;
            this.recoveryPoints = new OffsetCheckpointFile(path.resolve(OffsetCheckpointFile.RECOVERY_POINT));
            this.logStartOffsets = new OffsetCheckpointFile(path.resolve(OffsetCheckpointFile.LOG_START_OFFSET));
        }

        @Override
        public String toString() {
            return path.toString();
        }

        /** A checkpoint's content; an unreadable one is reset, as Kafka does (full recovery, start at segment 0). */
        Map<TopicPartition, Long> readCheckpoint(OffsetCheckpointFile checkpoint) {
            try {
                return checkpoint.read();
            } catch (IOException e) {
                log.warn("Ignoring unreadable checkpoint {}: {}", checkpoint.file(), e.getMessage());
                return Map.of();
            }
        }
    }

    /** One partition directory to load. */
    private record LoadTask(LogDir logDir, TopicPartition topicPartition, Path dir, LogConfig config,
                            boolean hadCleanShutdown, long recoveryPoint, long logStartOffset) {
    }
}
