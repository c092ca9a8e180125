package io.strata.tiering;

import io.strata.tiering.metadata.RemoteSegmentMetadata;
import io.strata.tiering.upload.RemotePartitionTask;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.TopicPartition;

/**
 * Counters of the remote tier's own work (the object store and the caches count theirs).
 *
 * <p>This class is thread-safe.
 */
public final class RemoteLogMetrics implements RemotePartitionTask.UploadListener {

    private final LongAdder segmentsUploaded = new LongAdder();
    private final LongAdder bytesUploaded = new LongAdder();
    private final LongAdder segmentsDeleted = new LongAdder();
    private final LongAdder uploadFailures = new LongAdder();
    private final LongAdder readErrors = new LongAdder();

    @Override
    public void onUploaded(RemoteSegmentMetadata segment) {
        segmentsUploaded.increment();
        bytesUploaded.add(segment.segmentSizeInBytes());
    }

    @Override
    public void onDeleted(RemoteSegmentMetadata segment) {
        segmentsDeleted.increment();
    }

    @Override
    public void onFailure(TopicPartition tp, Throwable failure) {
        uploadFailures.increment();
    }

    void onReadError() {
        readErrors.increment();
    }

    public long segmentsUploaded() {
        return segmentsUploaded.sum();
    }

    public long bytesUploaded() {
        return bytesUploaded.sum();
    }

    public long segmentsDeleted() {
        return segmentsDeleted.sum();
    }

    public long uploadFailures() {
        return uploadFailures.sum();
    }

    public long readErrors() {
        return readErrors.sum();
    }
}
