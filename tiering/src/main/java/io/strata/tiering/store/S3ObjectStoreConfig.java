package io.strata.tiering.store;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of an {@link S3ObjectStore}: where the bucket is, how to authenticate, and the client's
 * concurrency, timeouts, retries, multipart and listing sizes.
 *
 * <ul>
 *   <li>{@code endpoint}: nullable; {@code null} means the AWS endpoint of {@code region}.</li>
 *   <li>{@code accessKey}/{@code secretKey}: both set, or both {@code null} for the SDK's default
 *       credentials provider chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, system properties,
 *       profiles, container and instance roles).</li>
 *   <li>{@code pathStyleAccess}: {@code http://host/bucket/key} instead of virtual-hosted
 *       {@code http://bucket.host/key}; needed by MinIO and S3Proxy.</li>
 *   <li>{@code apiCallTimeout} bounds a whole call including its retries, {@code apiCallAttemptTimeout}
 *       each HTTP attempt; {@code maxAttempts} counts the first attempt.</li>
 *   <li>{@code putFile} uploads files larger than {@code multipartThresholdBytes} in parts of
 *       {@code multipartPartSizeBytes} (S3's minimum part size is 5 MiB).</li>
 * </ul>
 *
 * <p>This class is immutable and thread-safe.
 */
public record S3ObjectStoreConfig(
        URI endpoint,
        String region,
        String bucket,
        String accessKey,
        String secretKey,
        boolean pathStyleAccess,
        int maxConcurrency,
        Duration apiCallTimeout,
        Duration apiCallAttemptTimeout,
        int maxAttempts,
        long multipartThresholdBytes,
        long multipartPartSizeBytes,
        int listPageSize) {

    public static final String DEFAULT_REGION = "us-east-1";
    public static final int DEFAULT_MAX_CONCURRENCY = 64;
    public static final Duration DEFAULT_API_CALL_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(20);
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final long DEFAULT_MULTIPART_THRESHOLD_BYTES = 32L << 20;
    public static final long DEFAULT_MULTIPART_PART_SIZE_BYTES = 8L << 20;
    /** S3 rejects parts (other than the last) smaller than this. */
    public static final long MIN_MULTIPART_PART_SIZE_BYTES = 5L << 20;
    /** S3 allows at most this many parts in one multipart upload. */
    public static final int MAX_MULTIPART_PARTS = 10_000;
    public static final int DEFAULT_LIST_PAGE_SIZE = 1000;

    /** Validates every setting; {@code region} defaults to {@value #DEFAULT_REGION} when {@code null}. */
    public S3ObjectStoreConfig {
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        Objects.requireNonNull(bucket, "bucket");
        if (bucket.isBlank()) {
            throw new IllegalArgumentException("bucket must not be blank");
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new IllegalArgumentException("accessKey and secretKey must be both set or both null");
        }
        if (endpoint != null && (endpoint.getScheme() == null || endpoint.getHost() == null)) {
            throw new IllegalArgumentException("endpoint must be an absolute URI with a host: " + endpoint);
        }
        requirePositive("maxConcurrency", maxConcurrency);
        requirePositive("maxAttempts", maxAttempts);
        requirePositive("listPageSize", listPageSize);
        if (listPageSize > 1000) {
            throw new IllegalArgumentException("listPageSize must be at most 1000 (S3's limit): " + listPageSize);
        }
        requirePositive("apiCallTimeout", apiCallTimeout);
        requirePositive("apiCallAttemptTimeout", apiCallAttemptTimeout);
        if (apiCallAttemptTimeout.compareTo(apiCallTimeout) > 0) {
            throw new IllegalArgumentException("apiCallAttemptTimeout " + apiCallAttemptTimeout
                    + " exceeds apiCallTimeout " + apiCallTimeout);
        }
        if (multipartPartSizeBytes < MIN_MULTIPART_PART_SIZE_BYTES) {
            throw new IllegalArgumentException("multipartPartSizeBytes must be at least 5 MiB: "
                    + multipartPartSizeBytes);
        }
        if (multipartPartSizeBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("multipartPartSizeBytes too large: " + multipartPartSizeBytes);
        }
        if (multipartThresholdBytes < 0) {
            throw new IllegalArgumentException("multipartThresholdBytes must not be negative: "
                    + multipartThresholdBytes);
        }
    }

    /**
     * A config for an S3-compatible server (MinIO, S3Proxy, Ceph...) at {@code endpoint}: path-style
     * access, static credentials, defaults otherwise.
     */
    public static S3ObjectStoreConfig forEndpoint(URI endpoint, String bucket, String accessKey, String secretKey) {
        Objects.requireNonNull(endpoint, "endpoint");
        return new S3ObjectStoreConfig(endpoint, DEFAULT_REGION, bucket,
                Objects.requireNonNull(accessKey, "accessKey"), Objects.requireNonNull(secretKey, "secretKey"),
                true, DEFAULT_MAX_CONCURRENCY, DEFAULT_API_CALL_TIMEOUT, DEFAULT_API_CALL_ATTEMPT_TIMEOUT,
                DEFAULT_MAX_ATTEMPTS, DEFAULT_MULTIPART_THRESHOLD_BYTES, DEFAULT_MULTIPART_PART_SIZE_BYTES,
                DEFAULT_LIST_PAGE_SIZE);
    }

    /**
     * A config for AWS S3 in {@code region}: virtual-hosted access, the default credentials provider
     * chain, defaults otherwise.
     */
    public static S3ObjectStoreConfig forAws(String region, String bucket) {
        return new S3ObjectStoreConfig(null, region, bucket, null, null, false, DEFAULT_MAX_CONCURRENCY,
                DEFAULT_API_CALL_TIMEOUT, DEFAULT_API_CALL_ATTEMPT_TIMEOUT, DEFAULT_MAX_ATTEMPTS,
                DEFAULT_MULTIPART_THRESHOLD_BYTES, DEFAULT_MULTIPART_PART_SIZE_BYTES, DEFAULT_LIST_PAGE_SIZE);
    }

    /**
     * The same settings against an S3-compatible server at {@code newEndpoint} ({@code null}: AWS S3 of
     * the region). Credentials and addressing style are left as they are: both keys {@code null}
     * keeps the SDK's default credentials provider chain (e.g. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
     */
    public S3ObjectStoreConfig withEndpoint(URI newEndpoint) {
        return new S3ObjectStoreConfig(newEndpoint, region, bucket, accessKey, secretKey, pathStyleAccess,
                maxConcurrency, apiCallTimeout, apiCallAttemptTimeout, maxAttempts, multipartThresholdBytes,
                multipartPartSizeBytes, listPageSize);
    }

    public S3ObjectStoreConfig withBucket(String newBucket) {
        return new S3ObjectStoreConfig(endpoint, region, newBucket, accessKey, secretKey, pathStyleAccess,
                maxConcurrency, apiCallTimeout, apiCallAttemptTimeout, maxAttempts, multipartThresholdBytes,
                multipartPartSizeBytes, listPageSize);
    }

    public S3ObjectStoreConfig withRegion(String newRegion) {
        return new S3ObjectStoreConfig(endpoint, newRegion, bucket, accessKey, secretKey, pathStyleAccess,
                maxConcurrency, apiCallTimeout, apiCallAttemptTimeout, maxAttempts, multipartThresholdBytes,
                multipartPartSizeBytes, listPageSize);
    }

    /** Both {@code null} selects the SDK's default credentials provider chain. */
    public S3ObjectStoreConfig withCredentials(String newAccessKey, String newSecretKey) {
        return new S3ObjectStoreConfig(endpoint, region, bucket, newAccessKey, newSecretKey, pathStyleAccess,
                maxConcurrency, apiCallTimeout, apiCallAttemptTimeout, maxAttempts, multipartThresholdBytes,
                multipartPartSizeBytes, listPageSize);
    }

    public S3ObjectStoreConfig withPathStyleAccess(boolean newPathStyleAccess) {
        return new S3ObjectStoreConfig(endpoint, region, bucket, accessKey, secretKey, newPathStyleAccess,
                maxConcurrency, apiCallTimeout, apiCallAttemptTimeout, maxAttempts, multipartThresholdBytes,
                multipartPartSizeBytes, listPageSize);
    }

    public S3ObjectStoreConfig withMaxConcurrency(int newMaxConcurrency) {
        return new S3ObjectStoreConfig(endpoint, region, bucket, accessKey, secretKey, pathStyleAccess,
                newMaxConcurrency, apiCallTimeout, apiCallAttemptTimeout, maxAttempts, multipartThresholdBytes,
                multipartPartSizeBytes, listPageSize);
    }

    /** The whole-call timeout (retries included), the per-attempt timeout and the attempt count. */
    public S3ObjectStoreConfig withRetries(Duration newApiCallTimeout, Duration newApiCallAttemptTimeout,
                                           int newMaxAttempts) {
        return new S3ObjectStoreConfig(endpoint, region, bucket, accessKey, secretKey, pathStyleAccess,
                maxConcurrency, newApiCallTimeout, newApiCallAttemptTimeout, newMaxAttempts,
                multipartThresholdBytes, multipartPartSizeBytes, listPageSize);
    }

    public S3ObjectStoreConfig withMultipart(long newThresholdBytes, long newPartSizeBytes) {
        return new S3ObjectStoreConfig(endpoint, region, bucket, accessKey, secretKey, pathStyleAccess,
                maxConcurrency, apiCallTimeout, apiCallAttemptTimeout, maxAttempts, newThresholdBytes,
                newPartSizeBytes, listPageSize);
    }

    public S3ObjectStoreConfig withListPageSize(int newListPageSize) {
        return new S3ObjectStoreConfig(endpoint, region, bucket, accessKey, secretKey, pathStyleAccess,
                maxConcurrency, apiCallTimeout, apiCallAttemptTimeout, maxAttempts, multipartThresholdBytes,
                multipartPartSizeBytes, newListPageSize);
    }

    /** The secret key is never printed. */
    @Override
    public String toString() {
        return "S3ObjectStoreConfig[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket
                + ", accessKey=" + accessKey + ", secretKey=" + (secretKey == null ? null : "****")
                + ", pathStyleAccess=" + pathStyleAccess + ", maxConcurrency=" + maxConcurrency
                + ", apiCallTimeout=" + apiCallTimeout + ", apiCallAttemptTimeout=" + apiCallAttemptTimeout
                + ", maxAttempts=" + maxAttempts + ", multipartThresholdBytes=" + multipartThresholdBytes
                + ", multipartPartSizeBytes=" + multipartPartSizeBytes + ", listPageSize=" + listPageSize + "]";
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
