package io.strata.tiering;

import io.strata.tiering.read.RemoteReadConfig;

/**
 * Settings of the {@link RemoteLogManager} (Kafka's {@code remote.log.manager.*} names in the broker).
 *
 * @param taskIntervalMs          remote.log.manager.task.interval.ms: how often each tiered partition
 *                                looks for segments to upload and remote segments to expire
 * @param uploadThreads           remote.log.manager.copier.thread.pool.size: upload ({@code remote-upload-N}) threads
 * @param readerThreads           remote.log.reader.threads: remote read ({@code remote-read-N}) threads
 * @param readerMaxPendingTasks   remote.log.reader.max.pending.tasks: queued remote reads before new ones are refused
 * @param copyMaxBytesPerSecond   remote.log.manager.copy.max.bytes.per.second: upload rate limit
 * @param retryBackoffMs          first backoff after a failed tiering run (doubles up to 30 s)
 * @param readConfig              chunk size, caches and read-ahead of remote reads
 */
public record RemoteLogManagerConfig(
        long taskIntervalMs,
        int uploadThreads,
        int readerThreads,
        int readerMaxPendingTasks,
        long copyMaxBytesPerSecond,
        long retryBackoffMs,
        RemoteReadConfig readConfig) {

    public RemoteLogManagerConfig {
        if (taskIntervalMs <= 0 || uploadThreads <= 0 || readerThreads <= 0 || readerMaxPendingTasks <= 0
                || copyMaxBytesPerSecond <= 0 || retryBackoffMs <= 0) {
            throw new IllegalArgumentException("Invalid remote log manager settings: " + this);
        }
    }

    /** Kafka's defaults where Kafka has the setting (thread counts sized for a small machine). */
    public static RemoteLogManagerConfig defaults() {
        return new RemoteLogManagerConfig(30_000L, 2, 4, 100, Long.MAX_VALUE, 500L, RemoteReadConfig.defaults());
    }
}
