package io.strata.tiering.store;

import io.strata.tiering.store.ObjectStoreException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The {@link ObjectStore} on S3 (or any S3-compatible server: MinIO, S3Proxy, Ceph RGW...), built on
 * the AWS SDK v2 {@link S3AsyncClient} over the Netty NIO HTTP client.
 *
 * <ul>
 *   <li>Retries: the SDK's standard retry strategy retries throttling (503 SlowDown, 429), other 5xx and
 *       I/O errors with backoff, up to {@code maxAttempts}, each attempt bounded by
 *       {@code apiCallAttemptTimeout} and the whole call by {@code apiCallTimeout}. What is left is
 *       classified by {@link ObjectStoreErrors#classify}: every returned future fails with an
 *       {@link ObjectStoreException}.</li>
 *   <li>{@link #putFile} uploads files above {@code multipartThresholdBytes} as a multipart upload of
 *       file ranges (no copy in memory), aborted on failure ({@link MultipartFileUpload}).</li>
 *   <li>{@link #getRange} is one GET with {@code Range: bytes=a-b}, never {@code partNumber}.</li>
 *   <li>{@link #delete} sends DeleteObjects in batches of at most 1000 keys and fails if any key failed.</li>
 *   <li>Checksums are computed and validated only where the S3 API requires them, which non-AWS
 *       servers understand.</li>
 * </ul>
 *
 * <p>Futures complete on the SDK's threads: callers must not block in their continuations (switch
 * executors with the {@code *Async} variants). Returned buffers belong to the caller.
 *
 * <p>This class is thread-safe.
 */
public final class S3ObjectStore implements ObjectStore {

    /** S3's limit of keys in one DeleteObjects request. */
    static final int MAX_DELETE_BATCH = 1000;
    /** Parts of one multipart upload in flight at a time. */
    static final int MULTIPART_WINDOW = 4;

    private final S3AsyncClient client;
    private final S3ObjectStoreConfig config;
    private final String bucket;
    private final int deleteBatchSize;
    private final ObjectStoreMetrics metrics = new ObjectStoreMetrics();

    S3ObjectStore(S3AsyncClient client, S3ObjectStoreConfig config, int deleteBatchSize) {
        if (deleteBatchSize < 1 || deleteBatchSize > MAX_DELETE_BATCH) {
            throw new IllegalArgumentException("deleteBatchSize must be in [1, 1000]: " + deleteBatchSize);
        }
        this.client = Objects.requireNonNull(client, "client");
        this.config = config;
        this.bucket = config.bucket();
        this.deleteBatchSize = deleteBatchSize;
    }

    /** A store on a new client for {@code config}; {@link #close()} releases it. */
    public static S3ObjectStore create(S3ObjectStoreConfig config) {
        return new S3ObjectStore(buildClient(config), config, MAX_DELETE_BATCH);
    }

    /** The async S3 client this store uses for {@code config}; the caller owns (closes) it. */
    static S3AsyncClient buildClient(S3ObjectStoreConfig config) {
        AwsCredentialsProvider credentials = config.accessKey() == null
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
        S3AsyncClientBuilder builder = S3AsyncClient.builder()
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(config.pathStyleAccess())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(config.maxConcurrency())
                        // Requests queue for a connection while the pool is busy; the call timeout bounds that.
                        .connectionAcquisitionTimeout(config.apiCallTimeout()))
                .overrideConfiguration(o -> o
                        .apiCallTimeout(config.apiCallTimeout())
                        .apiCallAttemptTimeout(config.apiCallAttemptTimeout())
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(config.maxAttempts())
                                .build()));
        if (config.endpoint() != null) {
            builder.endpointOverride(config.endpoint());
        }
        return builder.build();
    }

    public S3ObjectStoreConfig config() {
        return config;
    }

    /**
     * Creates the bucket unless it exists (HeadBucket, then CreateBucket on 404); a concurrent creation
     * by the same owner (BucketAlreadyOwnedByYou) counts as success.
     */
    public CompletableFuture<Void> createBucketIfMissing() {
        return call("CreateBucket " + bucket, () -> client.headBucket(b -> b.bucket(bucket))
                .handle((head, error) -> {
                    if (error == null) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if (ObjectStoreErrors.kindOf(error) != Kind.NOT_FOUND) {
                        return CompletableFuture.<Void>failedFuture(error);
                    }
                    return client.createBucket(b -> b.bucket(bucket))
                            .handle((created, createError) -> {
                                if (createError == null || isBucketAlreadyOwnedByYou(createError)) {
                                    return (Void) null;
                                }
                                throw ObjectStoreErrors.classify(createError);
                            });
                })
                .thenCompose(Function.identity()), v -> null);
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        long bytes = data.remaining();
        return call("PUT " + key, () -> client.putObject(b -> b.bucket(bucket).key(key).contentLength(bytes),
                // fromByteBuffer copies from index 0 to the limit, ignoring the position: hand it a slice.
                AsyncRequestBody.fromByteBuffer(data.slice())), response -> {
                    metrics.recordPut(bytes);
                    return null;
                });
    }

    @Override
    public CompletableFuture<Void> putFile(String key, Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            metrics.recordError();
            return CompletableFuture.failedFuture(new ObjectStoreException(Kind.FATAL,
                    "PUT " + key + ": cannot read " + file + ": " + e, e));
        }
        if (size > config.multipartThresholdBytes()) {
            int window = Math.min(MULTIPART_WINDOW, config.maxConcurrency());
            return call("multipart PUT " + key, () -> new MultipartFileUpload(client, bucket, key, file, size,
                    config.multipartPartSizeBytes(), window, metrics).run(), v -> null);
        }
        return call("PUT " + key, () -> client.putObject(b -> b.bucket(bucket).key(key).contentLength(size),
                AsyncRequestBody.fromFile(file)), response -> {
                    metrics.recordPut(size);
                    return null;
                });
    }

    @Override
    public CompletableFuture<ByteBuffer> get(String key) {
        return call("GET " + key, () -> client.getObject(b -> b.bucket(bucket).key(key), new ResponseBuffer()),
                this::received);
    }

    /**
     * {@inheritDoc} A {@code position} at or past the end of the object fails (S3 answers 416
     * InvalidRange, {@link Kind#FATAL}); a {@code length} of 0 returns an empty buffer without a request.
     *
     * @throws IllegalArgumentException if {@code position} or {@code length} is negative
     */
    @Override
    public CompletableFuture<ByteBuffer> getRange(String key, long position, int length) {
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("bad range: position " + position + ", length " + length);
        }
        if (length == 0) {
            return CompletableFuture.completedFuture(ByteBuffer.allocate(0));
        }
        String range = "bytes=" + position + "-" + (position + length - 1);
        return call("GET " + key + " " + range, () -> client.getObject(b -> b.bucket(bucket).key(key).range(range),
                new ResponseBuffer()), this::received);
    }

    /** A GET's body, counted. */
    private ByteBuffer received(ByteBuffer body) {
        metrics.recordGet(body.remaining());
        return body;
    }

    @Override
    public CompletableFuture<List<ObjectSummary>> list(String prefix) {
        List<ObjectSummary> objects = new ArrayList<>();
        return call("LIST " + prefix, () -> client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)
                        .maxKeys(config.listPageSize()))
                .subscribe(page -> {
                    // Pages arrive one after another, never concurrently.
                    metrics.recordList();
                    page.contents().forEach(o -> objects.add(new ObjectSummary(o.key(), o.size())));
                }), v -> List.copyOf(objects));
    }

    @Override
    public CompletableFuture<List<String>> listPrefixes(String prefix) {
        List<String> prefixes = new ArrayList<>();
        return call("LIST " + prefix + "*/", () -> client.listObjectsV2Paginator(b -> b.bucket(bucket)
                        .prefix(prefix).delimiter("/").maxKeys(config.listPageSize()))
                .subscribe(page -> {
                    metrics.recordList();
                    page.commonPrefixes().forEach(p -> prefixes.add(p.prefix()));
                }), v -> List.copyOf(prefixes));
    }

    @Override
    public CompletableFuture<Void> delete(Collection<String> keys) {
        List<String> unique = List.copyOf(new LinkedHashSet<>(keys));
        if (unique.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return call("DELETE " + unique.size() + " keys", () -> {
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (int from = 0; from < unique.size(); from += deleteBatchSize) {
                List<String> batch = unique.subList(from, Math.min(unique.size(), from + deleteBatchSize));
                chain = chain.thenCompose(v -> deleteBatch(batch));
            }
            return chain;
        }, v -> null);
    }

    private CompletableFuture<Void> deleteBatch(List<String> batch) {
        List<ObjectIdentifier> ids = new ArrayList<>(batch.size());
        batch.forEach(key -> ids.add(ObjectIdentifier.builder().key(key).build()));
        return client.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids).quiet(true)))
                .thenApply(response -> {
                    metrics.recordDelete();
                    failOnKeyErrors(response);
                    return null;
                });
    }

    private static void failOnKeyErrors(DeleteObjectsResponse response) {
        List<S3Error> errors = response.errors();
        if (errors.isEmpty()) {
            return;
        }
        S3Error first = errors.get(0);
        // A key that does not exist is deleted as far as we are concerned.
        if (errors.stream().allMatch(e -> "NoSuchKey".equals(e.code()))) {
            return;
        }
        throw new ObjectStoreException(ObjectStoreErrors.kindOf(0, first.code()), "DeleteObjects: "
                + errors.size() + " keys failed, first " + first.key() + ": " + first.code() + " " + first.message(),
                null);
    }

    @Override
    public ObjectStoreMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "S3ObjectStore[" + config + "]";
    }

    /**
     * Starts {@code request} and maps its outcome: {@code onSuccess} on success, otherwise one
     * {@link ObjectStoreException} from {@link ObjectStoreErrors#classify} and an error count. Runs on
     * the SDK thread that completes the request, so {@code onSuccess} stays tiny.
     */
    private <T, R> CompletableFuture<R> call(String request, Supplier<CompletableFuture<T>> start,
                                             Function<? super T, ? extends R> onSuccess) {
        CompletableFuture<R> result = new CompletableFuture<>();
        CompletableFuture<T> pending;
        try {
            pending = start.get();
        } catch (RuntimeException e) {
            pending = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> sdkFuture = pending;
        sdkFuture.whenComplete((value, error) -> {
            if (error == null) {
                try {
                    result.complete(onSuccess.apply(value));
                    return;
                } catch (RuntimeException e) {
                    error = e;
                }
            }
            metrics.recordError();
            result.completeExceptionally(ObjectStoreErrors.classify(error, request));
        });
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                sdkFuture.cancel(true);
            }
        });
        return result;
    }

    private static boolean isBucketAlreadyOwnedByYou(Throwable error) {
        Throwable cause = ObjectStoreErrors.unwrap(error);
        return cause instanceof S3Exception e && e.awsErrorDetails() != null
                && "BucketAlreadyOwnedByYou".equals(e.awsErrorDetails().errorCode());
    }
}
