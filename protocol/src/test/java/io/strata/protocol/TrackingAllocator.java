package io.strata.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * A buffer allocator that remembers every buffer it hands out, so that a test can assert that all
 * of them were released (derived slices share their parent's reference count).
 *
 * <p>Thread-safe.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> allocated = new ArrayList<>();

    public TrackingAllocator() {
        super(true);
    }

    @Override
    protected synchronized ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity));
    }

    @Override
    protected synchronized ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** How many buffers were allocated. */
    public synchronized int allocatedCount() {
        return allocated.size();
    }

    /** Asserts that every buffer allocated so far has been released. */
    public synchronized void assertAllReleased() {
        long live = allocated.stream().filter(buf -> buf.refCnt() > 0).count();
        assertEquals(0, live, "buffers not released");
    }

    private ByteBuf track(ByteBuf buf) {
        allocated.add(buf);
        return buf;
    }
}
