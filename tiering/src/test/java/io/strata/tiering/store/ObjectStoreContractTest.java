package io.strata.tiering.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.tiering.store.ObjectStore.ObjectSummary;
import io.strata.tiering.store.ObjectStoreException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ObjectStore} backend must have. A subclass provides a store whose config
 * lists {@link #LIST_PAGE_SIZE} keys per page and uploads files above {@link #MULTIPART_THRESHOLD}
 * in parts of 5 MiB. Each test works under its own random key prefix, so tests may share a bucket.
 */
abstract class ObjectStoreContractTest {

    static final int LIST_PAGE_SIZE = 3;
    static final long MULTIPART_THRESHOLD = 6L << 20;
    static final long PART_SIZE = 5L << 20;

    @TempDir
    Path tempDir;

    String prefix;

    /** The store under test, configured as the class javadoc says. */
    abstract ObjectStore store();

    /** Multipart uploads in progress under {@code keyPrefix}, as the server reports them. */
    abstract List<String> pendingMultipartUploads(String keyPrefix) throws Exception;

    @BeforeEach
    void newPrefix() {
        prefix = "test-" + UUID.randomUUID() + "/";
    }

    @Test
    void putThenGetIsByteExact() throws Exception {
        byte[] data = random(100_003, 1);
        await(store().put(prefix + "a", ByteBuffer.wrap(data)));
        assertArrayEquals(data, bytes(await(store().get(prefix + "a"))));
    }

    @Test
    void putOfEmptyObjectAndOverwrite() throws Exception {
        await(store().put(prefix + "empty", ByteBuffer.allocate(0)));
        assertEquals(0, await(store().get(prefix + "empty")).remaining());
        await(store().put(prefix + "x", ByteBuffer.wrap(random(10, 2))));
        byte[] second = random(20, 3);
        await(store().put(prefix + "x", ByteBuffer.wrap(second)));
        assertArrayEquals(second, bytes(await(store().get(prefix + "x"))));
    }

    @Test
    void putSendsOnlyPositionToLimit() throws Exception {
        byte[] data = random(100, 4);
        await(store().put(prefix + "slice", ByteBuffer.wrap(data, 10, 50)));
        assertArrayEquals(Arrays.copyOfRange(data, 10, 60), bytes(await(store().get(prefix + "slice"))));
    }

    @Test
    void getRangeReturnsExactBytesAndFewerAtTheEnd() throws Exception {
        byte[] data = random(10_000, 5);
        await(store().put(prefix + "r", ByteBuffer.wrap(data)));
        assertArrayEquals(Arrays.copyOfRange(data, 0, 100), bytes(await(store().getRange(prefix + "r", 0, 100))));
        assertArrayEquals(Arrays.copyOfRange(data, 4321, 5321),
                bytes(await(store().getRange(prefix + "r", 4321, 1000))));
        assertArrayEquals(Arrays.copyOfRange(data, 9_000, 10_000),
                bytes(await(store().getRange(prefix + "r", 9_000, 1000))));
        assertArrayEquals(Arrays.copyOfRange(data, 9_990, 10_000),
                bytes(await(store().getRange(prefix + "r", 9_990, 1000))));
        assertArrayEquals(Arrays.copyOfRange(data, 9_999, 10_000),
                bytes(await(store().getRange(prefix + "r", 9_999, 1))));
    }

    @Test
    void getOfMissingKeyIsNotFound() {
        assertEquals(Kind.NOT_FOUND, failure(store().get(prefix + "missing")).kind());
        assertEquals(Kind.NOT_FOUND, failure(store().getRange(prefix + "missing", 0, 10)).kind());
    }

    @Test
    void putFileBelowThresholdIsByteExact() throws Exception {
        byte[] data = random(300_000, 6);
        Path file = Files.write(tempDir.resolve("small"), data);
        await(store().putFile(prefix + "small", file));
        assertArrayEquals(data, bytes(await(store().get(prefix + "small"))));
    }

    @Test
    void putFileAboveThresholdGoesUpInPartsByteExact() throws Exception {
        byte[] data = random(12 << 20, 7);
        Path file = Files.write(tempDir.resolve("big"), data);
        long putsBefore = store().metrics().putRequests();
        long bytesBefore = store().metrics().bytesWritten();

        await(store().putFile(prefix + "big", file));

        assertArrayEquals(data, bytes(await(store().get(prefix + "big"))));
        assertEquals(3, store().metrics().putRequests() - putsBefore, "three 5 MiB parts (5 + 5 + 2)");
        assertEquals(data.length, store().metrics().bytesWritten() - bytesBefore);
        assertEquals(List.of(), pendingMultipartUploads(prefix));
        // Ranged GETs across part boundaries.
        assertArrayEquals(Arrays.copyOfRange(data, (5 << 20) - 7, (5 << 20) + 9),
                bytes(await(store().getRange(prefix + "big", (5 << 20) - 7, 16))));
    }

    @Test
    void putFileOfMissingFileFailsAndLeavesNothing() throws Exception {
        ObjectStoreException e = failure(store().putFile(prefix + "nofile", tempDir.resolve("does-not-exist")));
        assertEquals(Kind.FATAL, e.kind());
        assertEquals(List.of(), await(store().list(prefix)));
        assertEquals(List.of(), pendingMultipartUploads(prefix));
    }

    @Test
    void listReturnsAllPagesInKeyOrderUnderThePrefixOnly() throws Exception {
        List<String> keys = new ArrayList<>();
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            String key = prefix + "a/" + i;
            keys.add(0, key);
            puts.add(store().put(key, ByteBuffer.wrap(random(i, i))));
        }
        puts.add(store().put(prefix + "b/0", ByteBuffer.wrap(random(1, 1))));
        // Not "a": S3Proxy's filesystem store cannot hold both a key and keys below it ("a" and "a/0").
        puts.add(store().put(prefix + "ab", ByteBuffer.wrap(random(1, 1))));
        await(CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)));

        List<ObjectSummary> listed = await(store().list(prefix + "a/"));

        assertEquals(keys, listed.stream().map(ObjectSummary::key).toList());
        for (int i = 0; i < 10; i++) {
            assertEquals(i, listed.get(i).size());
        }
        assertEquals(12, await(store().list(prefix)).size());
        assertEquals(List.of(), await(store().list(prefix + "c/")));
    }

    @Test
    void listPrefixesReturnsTheNextLevelOnly() throws Exception {
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (int t = 0; t < 5; t++) {
            puts.add(store().put(prefix + "topic" + t + "/0/segments/x", ByteBuffer.wrap(random(1, t))));
            puts.add(store().put(prefix + "topic" + t + "/1/segments/y", ByteBuffer.wrap(random(1, t))));
        }
        puts.add(store().put(prefix + "file", ByteBuffer.wrap(random(1, 9))));
        await(CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)));

        assertEquals(IntStream.range(0, 5).mapToObj(t -> prefix + "topic" + t + "/").toList(),
                await(store().listPrefixes(prefix)));
        assertEquals(List.of(prefix + "topic3/0/", prefix + "topic3/1/"),
                await(store().listPrefixes(prefix + "topic3/")));
        assertEquals(List.of(), await(store().listPrefixes(prefix + "file")));
    }

    @Test
    void deleteRemovesObjectsAndIgnoresMissingKeys() throws Exception {
        await(store().put(prefix + "d1", ByteBuffer.wrap(random(5, 1))));
        await(store().put(prefix + "d2", ByteBuffer.wrap(random(5, 2))));
        await(store().put(prefix + "keep", ByteBuffer.wrap(random(5, 3))));

        await(store().delete(List.of(prefix + "d1", prefix + "d2", prefix + "never-existed")));

        assertEquals(List.of(prefix + "keep"), await(store().list(prefix)).stream().map(ObjectSummary::key).toList());
        assertEquals(Kind.NOT_FOUND, failure(store().get(prefix + "d1")).kind());
        await(store().delete(List.of(prefix + "d1")));
        await(store().delete(List.of()));
    }

    @Test
    void deleteOfMoreThanOneThousandKeysIsBatched() throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2_345; i++) {
            keys.add(prefix + "k" + i);
        }
        for (int i : new int[] {0, 999, 1000, 2_344}) {
            await(store().put(keys.get(i), ByteBuffer.wrap(random(3, i))));
        }
        long deletesBefore = store().metrics().deleteRequests();

        await(store().delete(keys));

        assertEquals(List.of(), await(store().list(prefix)));
        assertEquals(3, store().metrics().deleteRequests() - deletesBefore, "batches of at most 1000 keys");
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(60, TimeUnit.SECONDS);
    }

    /** The exception {@code future} fails with, which must be an {@link ObjectStoreException} itself. */
    static ObjectStoreException failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> {
            try {
                future.get(60, TimeUnit.SECONDS);
            } catch (TimeoutException timeout) {
                throw new AssertionError("no outcome within 60 s", timeout);
            }
        });
        assertTrue(future.isCompletedExceptionally());
        return assertInstanceOf(ObjectStoreException.class, e.getCause());
    }

    static Path writeRandomFile(Path file, int size, long seed) throws IOException {
        return Files.write(file, random(size, seed));
    }
}
