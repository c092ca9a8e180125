package io.strata.tiering.store;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 API server in this process: S3Proxy with its {@code filesystem-nio2} store, one directory
 * per bucket and one file per object under {@code dataDir}. It authenticates requests with AWS
 * signatures (V2 or V4) against one access key, and ignores headers it does not know (the AWS SDK's
 * checksum and multipart headers). For tests and single-node setups; point an {@link S3ObjectStore}
 * at {@link #endpoint()} with path-style access.
 *
 * <pre>
 * start() --&gt; STARTED (serving on endpoint()) --close()--&gt; stopped
 * </pre>
 *
 * <p>Known limits of S3Proxy: no GET by {@code partNumber} (use ranged GETs).
 *
 * <p>This class is thread-safe.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Server.class);
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final S3Proxy proxy;
    private final URI endpoint;
    private final Path dataDir;
    private boolean closed;

    private EmbeddedS3Server(S3Proxy proxy, URI endpoint, Path dataDir) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.dataDir = dataDir;
    }

    /** Starts a server on 127.0.0.1 on a free port, storing buckets under {@code dataDir}. */
    public static EmbeddedS3Server start(Path dataDir, String accessKey, String secretKey) throws IOException {
        return start(dataDir, "127.0.0.1", 0, accessKey, secretKey);
    }

    /**
     * Starts a server on {@code host}:{@code port} ({@code 0}: a free port), storing buckets under
     * {@code dataDir} (created if missing), and returns once it serves requests.
     *
     * @throws IOException if the directory cannot be created or the server does not start
     */
    public static EmbeddedS3Server start(Path dataDir, String host, int port, String accessKey, String secretKey)
            throws IOException {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Path dir = Files.createDirectories(dataDir).toAbsolutePath();
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        BlobStore blobStore = BlobStores.create("filesystem-nio2", properties);
        String authority = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://" + authority + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // Without it the SDK's CompleteMultipartUpload (and checksum headers) get 501 Not Implemented.
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            awaitStarted(proxy);
        } catch (Exception e) {
            stopQuietly(proxy);
            throw e instanceof IOException io ? io : new IOException("S3Proxy did not start on " + authority + ":"
                    + port, e);
        }
        URI endpoint = URI.create("http://" + authority + ":" + proxy.getPort());
        LOG.info("Embedded S3 server (S3Proxy) on {} storing buckets in {}", endpoint, dir);
        return new EmbeddedS3Server(proxy, endpoint, dir);
    }

    private static void awaitStarted(S3Proxy proxy) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (!"STARTED".equals(proxy.getState())) {
            String state = proxy.getState();
            if ("FAILED".equals(state) || "STOPPED".equals(state)) {
                throw new IOException("S3Proxy is " + state);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("S3Proxy not started after 30 s, state " + state);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** {@code http://host:port} of the running server. */
    public URI endpoint() {
        return endpoint;
    }

    /** The port the server listens on. */
    public int port() {
        return endpoint.getPort();
    }

    /** The directory holding the buckets. */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the server; the data stays in {@link #dataDir()}. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(proxy);
        LOG.debug("Embedded S3 server on {} stopped", endpoint);
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("Could not stop S3Proxy", e);
        }
    }
}
