package io.strata.tiering.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.tiering.store.ObjectStoreException.Kind;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * The {@link ObjectStore} contract for {@link S3ObjectStore} against a real MinIO in a container.
 * Skipped where no Docker engine runs.
 */
@Tag("s3")
@Testcontainers(disabledWithoutDocker = true)
class MinioObjectStoreIT extends ObjectStoreContractTest {

    @Container
    private static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z");

    private static S3ObjectStore store;
    private static S3AsyncClient rawClient;

    @BeforeAll
    static void createStore() throws Exception {
        S3ObjectStoreConfig config = S3ObjectStoreConfig.forEndpoint(URI.create(MINIO.getS3URL()), "strata-it",
                        MINIO.getUserName(), MINIO.getPassword())
                .withListPageSize(LIST_PAGE_SIZE)
                .withMultipart(MULTIPART_THRESHOLD, PART_SIZE)
                .withRetries(Duration.ofSeconds(30), Duration.ofSeconds(10), 3);
        store = S3ObjectStore.create(config);
        await(store.createBucketIfMissing());
        rawClient = S3ObjectStore.buildClient(config);
    }

    @AfterAll
    static void closeStore() {
        if (store != null) {
            store.close();
        }
        if (rawClient != null) {
            rawClient.close();
        }
    }

    @Override
    ObjectStore store() {
        return store;
    }

    @Override
    List<String> pendingMultipartUploads(String keyPrefix) throws Exception {
        return await(rawClient.listMultipartUploads(b -> b.bucket(store.config().bucket()).prefix(keyPrefix)))
                .uploads().stream().map(MultipartUpload::key).toList();
    }

    @Test
    void wrongCredentialsAreFatal() {
        try (S3ObjectStore other = S3ObjectStore.create(store.config().withCredentials("nobody", "wrong-secret"))) {
            assertEquals(Kind.FATAL, failure(other.get(prefix + "x")).kind());
        }
    }
}
