package io.strata.tiering.store;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The {@link ObjectStore} contract for {@link S3ObjectStore} against a real MinIO in a container.
 * Skipped where no Docker engine runs.
 */
@Tag("s3")
@Testcontainers(disabledWithoutDocker = true)
class MinioObjectStoreIT extends S3ObjectStoreContractTest {

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
    S3ObjectStore s3Store() {
        return store;
    }

    @Override
    S3AsyncClient rawClient() {
        return rawClient;
    }
}
