package io.strata.broker.it;

import io.strata.tiering.store.EmbeddedS3Server;
import java.nio.file.Path;

/** The tiered-storage scenarios against S3Proxy, a real S3 API over HTTP in this JVM. */
class TieredStorageIT extends TieredStorageScenarios {

    @Override
    S3Endpoint startObjectStore(Path dir) throws Exception {
        EmbeddedS3Server server = EmbeddedS3Server.start(dir, "it-access", "it-secret");
        return new S3Endpoint(server.endpoint(), "it-access", "it-secret", server);
    }
}
