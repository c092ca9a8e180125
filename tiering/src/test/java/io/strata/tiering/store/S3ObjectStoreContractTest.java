package io.strata.tiering.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.tiering.store.ObjectStoreException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * The contract for {@link S3ObjectStore} against any S3 server: what every S3 endpoint must do,
 * plus what only S3 has (pending multipart uploads, credentials).
 */
abstract class S3ObjectStoreContractTest extends ObjectStoreContractTest {

    /** The store under test. */
    abstract S3ObjectStore s3Store();

    /** A plain SDK client of the same server and bucket, to look behind the store's back. */
    abstract S3AsyncClient rawClient();

    @Override
    ObjectStore store() {
        return s3Store();
    }

    @Override
    List<String> pendingMultipartUploads(String keyPrefix) throws Exception {
        return await(rawClient().listMultipartUploads(b -> b.bucket(s3Store().config().bucket()).prefix(keyPrefix)))
                .uploads().stream().map(MultipartUpload::key).toList();
    }

    @Test
    void wrongCredentialsAreFatal() {
        S3ObjectStoreConfig wrong = s3Store().config().withCredentials(s3Store().config().accessKey(), "wrong-secret");
        try (S3ObjectStore other = S3ObjectStore.create(wrong)) {
            ObjectStoreException e = failure(other.get(prefix + "x"));
            assertEquals(Kind.FATAL, e.kind(), e.getMessage());
            assertEquals(1, other.metrics().errors());
        }
    }
}
