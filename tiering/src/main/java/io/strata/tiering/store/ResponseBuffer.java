package io.strata.tiering.store;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Collects a GET's body into one heap buffer sized from the response's Content-Length, so that the
 * bytes are copied once, from the network buffers into their final place. (The SDK's
 * {@code AsyncResponseTransformer.toBytes()} grows a {@code ByteArrayOutputStream} by doubling and
 * copies the result again: in a cold replay that was a tenth of the broker's CPU.) A body longer than
 * announced still arrives whole (the buffer grows). One instance per request: the SDK calls
 * {@link #prepare()} again for each retry, which starts over.
 *
 * <p>This class is not thread-safe; the SDK calls it from one request's threads in sequence.
 */
final class ResponseBuffer implements AsyncResponseTransformer<GetObjectResponse, ByteBuffer> {

    private volatile CompletableFuture<ByteBuffer> result;
    private volatile ByteBuffer buffer;

    @Override
    public CompletableFuture<ByteBuffer> prepare() {
        result = new CompletableFuture<>();
        buffer = null;
        return result;
    }

    @Override
    public void onResponse(GetObjectResponse response) {
        Long length = response.contentLength();
        buffer = ByteBuffer.allocate(length == null ? 0 : Math.toIntExact(length));
    }

    @Override
    public void onStream(SdkPublisher<ByteBuffer> publisher) {
        CompletableFuture<ByteBuffer> target = result;
        publisher.subscribe(new Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer bytes) {
                ByteBuffer into = buffer;
                if (into.remaining() < bytes.remaining()) {
                    ByteBuffer grown = ByteBuffer.allocate(Math.max(into.capacity() * 2, into.position()
                            + bytes.remaining()));
                    into.flip();
                    grown.put(into);
                    into = grown;
                    buffer = grown;
                }
                into.put(bytes);
            }

            @Override
            public void onError(Throwable failure) {
                target.completeExceptionally(failure);
            }

            @Override
            public void onComplete() {
                target.complete(buffer.flip());
            }
        });
    }

    @Override
    public void exceptionOccurred(Throwable failure) {
        CompletableFuture<ByteBuffer> target = result;
        if (target != null) {
            target.completeExceptionally(failure);
        }
    }
}
