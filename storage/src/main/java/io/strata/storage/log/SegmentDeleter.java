package io.strata.storage.log;

import io.strata.storage.file.SegmentFiles;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes removed segments the way Kafka does: their files are renamed to {@code *.deleted} at
 * once and physically deleted {@code file.delete.delay.ms} later on the scheduler, so a reader
 * still holding a slice of one (a fetch response being sent) keeps working meanwhile. A restart
 * deletes any {@code .deleted} file left behind.
 *
 * <p>This class is thread-safe.
 */
final class SegmentDeleter {

    private static final Logger log = LoggerFactory.getLogger(SegmentDeleter.class);

    private final TopicPartition topicPartition;
    private final ScheduledExecutorService scheduler;
    private static final Future<?> NOT_YET_SCHEDULED = new CompletableFuture<>();

    private final Map<LogSegment, Future<?>> pending = new IdentityHashMap<>();

    SegmentDeleter(TopicPartition topicPartition, ScheduledExecutorService scheduler) {
        this.topicPartition = topicPartition;
        this.scheduler = scheduler;
    }

    /** Renames the segments' files to {@code .deleted} now and deletes them after {@code delayMs}. */
    void deleteAsync(List<LogSegment> segments, long delayMs) {
        for (LogSegment segment : segments) {
            segment.changeFileSuffixes("", SegmentFiles.DELETED_FILE_SUFFIX);
        }
        for (LogSegment segment : segments) {
            synchronized (this) {
                pending.put(segment, NOT_YET_SCHEDULED);
            }
            try {
                Future<?> future = scheduler.schedule(() -> deleteNow(segment), Math.max(0, delayMs),
                        TimeUnit.MILLISECONDS);
                synchronized (this) {
                    pending.replace(segment, NOT_YET_SCHEDULED, future);
                }
            } catch (RejectedExecutionException e) {
                log.debug("Scheduler is shut down; deleting segment {} of {} now", segment.baseOffset(),
                        topicPartition);
                deleteNow(segment);
            }
        }
    }

    /** Deletes every segment still waiting for its delay (on close: no reader is left). */
    void deleteAllNow() {
        List<LogSegment> remaining;
        synchronized (this) {
            remaining = new ArrayList<>(pending.keySet());
            for (Future<?> future : pending.values()) {
                future.cancel(false);
            }
            pending.clear();
        }
        for (LogSegment segment : remaining) {
            delete(segment);
        }
    }

    private void deleteNow(LogSegment segment) {
        synchronized (this) {
            if (pending.remove(segment) == null) {
                return;
            }
        }
        delete(segment);
    }

    private void delete(LogSegment segment) {
        try {
            segment.deleteIfExists();
            log.debug("Deleted segment {} of {}", segment.baseOffset(), topicPartition);
        } catch (RuntimeException e) {
            log.error("Failed to delete segment {} of {}; a restart removes its .deleted files", segment.baseOffset(),
                    topicPartition, e);
        }
    }
}
