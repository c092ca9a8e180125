package io.strata.tiering.store;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An S3-compatible object store, asynchronous end to end: no method blocks the caller. Keys are
 * full object keys (the configured prefix already applied by {@code ObjectKeys}).
 *
 * <p>Every future fails with an {@link ObjectStoreException} (possibly wrapped in a
 * {@link java.util.concurrent.CompletionException}) whose {@link ObjectStoreException#kind()} says
 * how to react: {@code NOT_FOUND}, {@code THROTTLED}, {@code TRANSIENT} or {@code FATAL}. Retries
 * of throttled and transient failures happen inside the implementation; what reaches the caller
 * has exhausted them.
 *
 * <p>Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {

    /** Writes {@code data} (position to limit) as the whole object {@code key}, replacing any object there. */
    CompletableFuture<Void> put(String key, ByteBuffer data);

    /**
     * Writes the whole of {@code file} as object {@code key}; large files go up in parts (multipart
     * upload), and a failed multipart upload is aborted so that no part stays behind.
     */
    CompletableFuture<Void> putFile(String key, Path file);

    /** The whole object. */
    CompletableFuture<ByteBuffer> get(String key);

    /**
     * Bytes {@code [position, position + length)} of the object (one ranged GET); fewer when the
     * object ends first. The buffer is read-only or owned by the caller; either way it is not reused.
     */
    CompletableFuture<ByteBuffer> getRange(String key, long position, int length);

    /** Every object whose key starts with {@code prefix}, in key order, all pages. */
    CompletableFuture<List<ObjectSummary>> list(String prefix);

    /**
     * The immediate "sub-directories" of {@code prefix}: the distinct key prefixes up to and including
     * the next {@code '/'} after it (ListObjectsV2 with a delimiter), all pages.
     */
    CompletableFuture<List<String>> listPrefixes(String prefix);

    /** Deletes these objects (batched DeleteObjects); keys that do not exist are not an error. */
    CompletableFuture<Void> delete(Collection<String> keys);

    /** Request and byte counters of this store. */
    ObjectStoreMetrics metrics();

    /** Releases the client; pending futures may fail. */
    @Override
    void close();

    /** One object of a listing. */
    record ObjectSummary(String key, long size) {
    }
}
