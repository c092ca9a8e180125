package io.strata.protocol.send;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A Netty {@code FileRegion} over {@code [position, position + count)} of a log segment's shared
 * {@link FileChannel}: written with {@link FileChannel#transferTo} ({@code sendfile}), so the record
 * bytes go from the page cache to the socket without entering the Java heap.
 *
 * <p>Unlike Netty's {@link DefaultFileRegion}, releasing the last reference does not close the
 * channel: the channel belongs to the segment, which other reads are using concurrently, and the
 * storage layer closes it when the segment is deleted (after {@code file.delete.delay.ms}).
 *
 * <p>It extends {@link DefaultFileRegion} (itself an {@code AbstractReferenceCounted}
 * {@code FileRegion} that transfers with {@code FileChannel.transferTo}) rather than re-implementing
 * {@code FileRegion}, because Netty's native epoll transport uses {@code sendfile(2)} only for
 * {@code DefaultFileRegion} instances; any other {@code FileRegion} is pumped through a
 * {@code WritableByteChannel} adapter, which copies the bytes through a temporary buffer. The NIO
 * transport hands either kind to {@code FileChannel.transferTo} with the socket channel as target.
 *
 * <p>Not thread-safe: a region is written by one channel's event loop; its reference count is
 * thread-safe.
 */
public final class SegmentFileRegion extends DefaultFileRegion {

    /** Creates a region of {@code count} bytes starting at byte {@code position} of {@code channel}. */
    public SegmentFileRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
    }

    /** Drops the reference to the segment's channel without closing it. */
    @Override
    protected void deallocate() {
        // The segment owns the channel; nothing to free here.
    }

    @Override
    public String toString() {
        return "SegmentFileRegion(position=" + position() + ", count=" + count() + ", transferred=" + transferred() + ")";
    }
}
