package io.strata.broker.it;

import io.strata.tiering.store.EmbeddedS3Server;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.testcontainers.containers.MinIOContainer;

/**
 * An S3 endpoint a tiered-storage test points its broker at, and how to stop it: S3Proxy in this JVM,
 * or a MinIO container (where Docker runs).
 *
 * @param endpoint  the S3 API's URL
 * @param accessKey its access key
 * @param secretKey its secret key
 * @param server    stops it (a no-op for a container the test framework stops)
 */
record S3Endpoint(URI endpoint, String accessKey, String secretKey, AutoCloseable server) {

    /** A MinIO image both MinIO test variants use. */
    static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-09-07T16-13-09Z";

    static S3Endpoint s3Proxy(Path dir) throws IOException {
        EmbeddedS3Server server = EmbeddedS3Server.start(dir, "it-access", "it-secret");
        return new S3Endpoint(server.endpoint(), "it-access", "it-secret", server);
    }

    static S3Endpoint minio(MinIOContainer minio) {
        return new S3Endpoint(URI.create(minio.getS3URL()), minio.getUserName(), minio.getPassword(), () -> { });
    }
}
