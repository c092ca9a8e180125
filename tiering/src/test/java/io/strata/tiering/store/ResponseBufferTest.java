package io.strata.tiering.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** A GET body collected into one buffer sized from Content-Length. */
class ResponseBufferTest {

    /** Emits the given buffers, then completes (or fails), as the SDK's body publisher does. */
    private static SdkPublisher<ByteBuffer> body(List<byte[]> parts, RuntimeException failure) {
        Publisher<ByteBuffer> publisher = subscriber -> {
            subscriber.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            parts.forEach(part -> subscriber.onNext(ByteBuffer.wrap(part)));
            if (failure != null) {
                subscriber.onError(failure);
            } else {
                subscriber.onComplete();
            }
        };
        return SdkPublisher.adapt(publisher);
    }

    @Test
    void shouldCollectTheBodyIntoOneArrayBackedBufferOfTheAnnouncedLength() {
        ResponseBuffer transformer = new ResponseBuffer();
        CompletableFuture<ByteBuffer> result = transformer.prepare();
        transformer.onResponse(GetObjectResponse.builder().contentLength(5L).build());
        transformer.onStream(body(List.of(new byte[] {1, 2}, new byte[] {3, 4, 5}), null));
        ByteBuffer bytes = result.join();
        assertTrue(bytes.hasArray());
        assertEquals(5, bytes.array().length, "no growth, no copy");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, bytes.array());
    }

    @Test
    void shouldStillReceiveABodyLongerThanAnnounced() {
        ResponseBuffer transformer = new ResponseBuffer();
        CompletableFuture<ByteBuffer> result = transformer.prepare();
        transformer.onResponse(GetObjectResponse.builder().contentLength(1L).build());
        transformer.onStream(body(List.of(new byte[] {1, 2}, new byte[] {3}), null));
        ByteBuffer bytes = result.join();
        byte[] read = new byte[bytes.remaining()];
        bytes.get(read);
        assertArrayEquals(new byte[] {1, 2, 3}, read);
    }

    @Test
    void shouldStartOverOnARetryAndFailOnAStreamError() {
        ResponseBuffer transformer = new ResponseBuffer();
        CompletableFuture<ByteBuffer> first = transformer.prepare();
        transformer.onResponse(GetObjectResponse.builder().contentLength(4L).build());
        transformer.onStream(body(List.of(new byte[] {9, 9}), new IllegalStateException("connection reset")));
        assertTrue(first.isCompletedExceptionally());

        CompletableFuture<ByteBuffer> retry = transformer.prepare();
        transformer.onResponse(GetObjectResponse.builder().contentLength(2L).build());
        transformer.onStream(body(List.of(new byte[] {7, 8}), null));
        assertArrayEquals(new byte[] {7, 8}, retry.join().array());
    }
}
