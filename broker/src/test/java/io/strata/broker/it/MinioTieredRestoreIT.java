package io.strata.broker.it;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The restore scenario against MinIO in a container, where Docker runs; skipped cleanly where not. */
@Tag("s3")
@Testcontainers(disabledWithoutDocker = true)
class MinioTieredRestoreIT extends TieredRestoreIT {

    @Container
    private static final MinIOContainer MINIO = new MinIOContainer(S3Endpoint.MINIO_IMAGE);

    @Override
    S3Endpoint startObjectStore(Path dir) {
        return S3Endpoint.minio(MINIO);
    }
}
