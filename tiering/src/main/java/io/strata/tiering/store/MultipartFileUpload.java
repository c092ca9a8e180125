package io.strata.tiering.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One S3 multipart upload of a whole file: CreateMultipartUpload, UploadPart of each file range
 * (at most {@code window} parts in flight), CompleteMultipartUpload; on any failure it waits for the
 * parts in flight, then AbortMultipartUpload, so no part stays behind, and fails with the first error.
 *
 * <pre>
 * create --&gt; part 1..n (window at a time) --&gt; complete --&gt; done
 *    \             \ first failure: stop launching parts, wait for the ones in flight
 *     \             +--&gt; abort (if created) --&gt; failed with the first error
 *      +--&gt; failed
 * </pre>
 *
 * <p>This class is thread-safe: its counters are atomic and each part slot is written once.
 */
final class MultipartFileUpload {

    private static final Logger LOG = LoggerFactory.getLogger(MultipartFileUpload.class);

    private final S3AsyncClient client;
    private final String bucket;
    private final String key;
    private final Path file;
    private final long size;
    private final long partSize;
    private final int window;
    private final ObjectStoreMetrics metrics;
    private final CompletedPart[] parts;
    private final AtomicInteger nextPart = new AtomicInteger();
    private final AtomicBoolean failed = new AtomicBoolean();
    private volatile String uploadId;

    MultipartFileUpload(S3AsyncClient client, String bucket, String key, Path file, long size, long partSize,
                        int window, ObjectStoreMetrics metrics) {
        this.client = client;
        this.bucket = bucket;
        this.key = key;
        this.file = file;
        this.size = size;
        // S3 allows at most 10,000 parts: grow the parts of very large files.
        long minPartSize = (size + S3ObjectStoreConfig.MAX_MULTIPART_PARTS - 1) / S3ObjectStoreConfig.MAX_MULTIPART_PARTS;
        this.partSize = Math.max(partSize, minPartSize);
        this.window = window;
        this.metrics = metrics;
        this.parts = new CompletedPart[(int) Math.max(1, (size + this.partSize - 1) / this.partSize)];
    }

    /** Runs the upload; the future fails with the first error, after the abort. */
    CompletableFuture<Void> run() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        client.createMultipartUpload(b -> b.bucket(bucket).key(key))
                .thenCompose(created -> {
                    uploadId = created.uploadId();
                    return uploadParts();
                })
                .thenCompose(v -> client.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(Arrays.asList(parts)))))
                .whenComplete((response, error) -> {
                    if (error == null) {
                        result.complete(null);
                    } else {
                        abortThenFail(error, result);
                    }
                });
        return result;
    }

    private CompletableFuture<Void> uploadParts() {
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < Math.min(window, parts.length); i++) {
            lanes.add(uploadNextPart());
        }
        // allOf completes once every lane has finished, so no part is in flight when it fails.
        return CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> uploadNextPart() {
        int index = nextPart.getAndIncrement();
        if (index >= parts.length || failed.get()) {
            return CompletableFuture.completedFuture(null);
        }
        long position = index * partSize;
        long length = Math.min(partSize, size - position);
        int partNumber = index + 1;
        AsyncRequestBody body = AsyncRequestBody.fromFile(f -> f.path(file).position(position).numBytesToRead(length));
        return client.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber)
                        .contentLength(length), body)
                .whenComplete((response, error) -> {
                    if (error == null) {
                        metrics.recordPut(length);
                        parts[index] = CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).build();
                    } else {
                        failed.set(true);
                    }
                })
                .thenCompose(response -> uploadNextPart());
    }

    private void abortThenFail(Throwable error, CompletableFuture<Void> result) {
        String id = uploadId;
        if (id == null) {
            result.completeExceptionally(error);
            return;
        }
        client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(id))
                .whenComplete((response, abortError) -> {
                    if (abortError != null) {
                        LOG.warn("Could not abort multipart upload {} of s3://{}/{}; its parts stay until a bucket"
                                + " lifecycle rule removes them", id, bucket, key, abortError);
                        error.addSuppressed(abortError);
                    }
                    result.completeExceptionally(error);
                });
    }
}
