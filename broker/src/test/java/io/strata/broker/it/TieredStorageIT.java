package io.strata.broker.it;

import java.nio.file.Path;

/** The tiered-storage scenarios against S3Proxy, a real S3 API over HTTP in this JVM. */
class TieredStorageIT extends TieredStorageScenarios {

    @Override
    S3Endpoint startObjectStore(Path dir) throws Exception {
        return S3Endpoint.s3Proxy(dir);
    }
}
