package io.strata.tiering.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.tiering.store.ObjectStoreException.Kind;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The {@link ObjectStore} contract for {@link S3ObjectStore} against S3Proxy ({@link EmbeddedS3Server})
 * in a temporary directory, plus what only the S3 store does: its failure kinds for an unreachable
 * server and wrong credentials, bucket creation, list page and DeleteObjects counts, and the abort of
 * a failed multipart upload.
 */
class S3ProxyObjectStoreTest extends S3ObjectStoreContractTest {

    private static final String ACCESS_KEY = "strata-test";
    private static final String SECRET_KEY = "strata-test-secret";
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path serverDir;

    private static EmbeddedS3Server server;
    private static S3ObjectStore store;
    private static S3AsyncClient rawClient;

    @BeforeAll
    static void startServer() throws Exception {
        server = EmbeddedS3Server.start(serverDir, ACCESS_KEY, SECRET_KEY);
        S3ObjectStoreConfig config = config(server.endpoint(), "bucket-" + BUCKETS.incrementAndGet());
        store = S3ObjectStore.create(config);
        await(store.createBucketIfMissing());
        await(store.createBucketIfMissing());
        rawClient = S3ObjectStore.buildClient(config);
    }

    @AfterAll
    static void stopServer() {
        if (store != null) {
            store.close();
        }
        if (rawClient != null) {
            rawClient.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static S3ObjectStoreConfig config(URI endpoint, String bucket) {
        return S3ObjectStoreConfig.forEndpoint(endpoint, bucket, ACCESS_KEY, SECRET_KEY)
                .withListPageSize(LIST_PAGE_SIZE)
                .withMultipart(MULTIPART_THRESHOLD, PART_SIZE)
                .withRetries(Duration.ofSeconds(20), Duration.ofSeconds(10), 3);
    }

    @Override
    S3ObjectStore s3Store() {
        return store;
    }

    @Override
    S3AsyncClient rawClient() {
        return rawClient;
    }

    @Test
    void serverAnswersOnLoopbackAtItsPort() {
        assertEquals("127.0.0.1", server.endpoint().getHost());
        assertTrue(server.port() > 0);
        assertEquals(server.port(), server.endpoint().getPort());
    }

    @Test
    void listCountsOneRequestPerPage() throws Exception {
        for (int i = 0; i < 10; i++) {
            await(store.put(prefix + i, ByteBuffer.wrap(random(1, i))));
        }
        long before = store.metrics().listRequests();
        assertEquals(10, await(store.list(prefix)).size());
        assertEquals(4, store.metrics().listRequests() - before, "10 keys in pages of 3");
    }

    @Test
    void deleteBatchesBySmallerBatchSize() throws Exception {
        try (S3ObjectStore small = new S3ObjectStore(S3ObjectStore.buildClient(store.config()), store.config(), 2)) {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                keys.add(prefix + i);
                await(small.put(prefix + i, ByteBuffer.wrap(random(2, i))));
            }
            await(small.delete(keys));
            assertEquals(3, small.metrics().deleteRequests());
            assertEquals(List.of(), await(small.list(prefix)));
        }
    }

    @Test
    void pendingMultipartUploadsAreVisibleUntilAborted() throws Exception {
        String uploadId = await(rawClient.createMultipartUpload(b -> b.bucket(store.config().bucket())
                .key(prefix + "pending"))).uploadId();
        assertEquals(List.of(prefix + "pending"), pendingMultipartUploads(prefix));
        await(rawClient.abortMultipartUpload(b -> b.bucket(store.config().bucket()).key(prefix + "pending")
                .uploadId(uploadId)));
        assertEquals(List.of(), pendingMultipartUploads(prefix));
    }

    @Test
    void failedMultipartUploadIsAbortedAndLeavesNothing() throws Exception {
        Path file = writeRandomFile(tempDir.resolve("short"), 6 << 20, 11);
        // Claims 12 MiB of a 6 MiB file: the second part runs past the end of the file.
        MultipartFileUpload upload = new MultipartFileUpload(rawClient, store.config().bucket(), prefix + "torn",
                file, 12L << 20, PART_SIZE, 1, new ObjectStoreMetrics());

        assertThrowsAnything(upload);

        assertEquals(List.of(), pendingMultipartUploads(prefix));
        assertEquals(List.of(), await(store.list(prefix)));
    }

    @Test
    void missingBucketIsNotFound() {
        try (S3ObjectStore other = S3ObjectStore.create(config(server.endpoint(), "no-such-bucket"))) {
            assertEquals(Kind.NOT_FOUND, failure(other.get("x")).kind());
        }
    }

    @Test
    void stoppedServerIsTransientWithinTheTimeouts() throws Exception {
        URI endpoint;
        try (EmbeddedS3Server stopped = EmbeddedS3Server.start(tempDir.resolve("s3"), ACCESS_KEY, SECRET_KEY)) {
            endpoint = stopped.endpoint();
        }
        S3ObjectStoreConfig config = config(endpoint, "bucket")
                .withRetries(Duration.ofSeconds(3), Duration.ofSeconds(1), 2);
        try (S3ObjectStore other = S3ObjectStore.create(config)) {
            long start = System.nanoTime();
            assertEquals(Kind.TRANSIENT, failure(other.get("x")).kind());
            assertEquals(Kind.TRANSIENT, failure(other.put("x", ByteBuffer.wrap(random(10, 1)))).kind());
            assertEquals(Kind.TRANSIENT, failure(other.list("")).kind());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0);
        }
    }

    @Test
    void freePortWithNothingListeningIsTransient() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        S3ObjectStoreConfig config = config(URI.create("http://127.0.0.1:" + port), "bucket")
                .withRetries(Duration.ofSeconds(3), Duration.ofSeconds(1), 2);
        try (S3ObjectStore other = S3ObjectStore.create(config)) {
            assertEquals(Kind.TRANSIENT, failure(other.createBucketIfMissing()).kind());
        }
    }

    private static void assertThrowsAnything(MultipartFileUpload upload) {
        try {
            await(upload.run());
        } catch (Exception expected) {
            return;
        }
        throw new AssertionError("the torn multipart upload succeeded");
    }
}
