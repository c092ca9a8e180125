package io.strata.broker.it;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The tiered-storage scenarios against MinIO in a container, where Docker runs; skipped cleanly
 * where it does not.
 */
@Tag("s3")
@Testcontainers(disabledWithoutDocker = true)
class MinioTieredStorageIT extends TieredStorageScenarios {

    @Container
    private static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z");

    @Override
    S3Endpoint startObjectStore(Path dir) {
        return new S3Endpoint(URI.create(MINIO.getS3URL()), MINIO.getUserName(), MINIO.getPassword(), () -> { });
    }
}
