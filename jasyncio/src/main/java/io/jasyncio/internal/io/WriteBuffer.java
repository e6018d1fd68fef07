package io.jasyncio.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The bytes a stream transport (socket or write pipe) could not send at once, in order: copies of what the
 * protocol wrote, so the caller may reuse its buffers (asyncio's {@code _buffer}). A transport makes one only
 * when a write first falls behind, so an idle connection costs nothing here.
 *
 * <p>Threading: the event loop's thread only, as its transport.
 */
public final class WriteBuffer {
    /** Most buffers handed to one gathering write. */
    private static final int MAX_GATHER = 64;

    /** Sized small: most connections that buffer at all hold one or two chunks. */
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>(2);
    private long size;
    /** The array a gathering write hands the channel; made at the first such write. */
    private ByteBuffer[] gather;

    /** Appends a copy of what remains of {@code data}, consuming it. */
    void append(ByteBuffer data) {
        int n = data.remaining();
        if (n == 0) return;
        ByteBuffer copy = ByteBuffer.allocate(n);
        copy.put(data).flip();
        chunks.add(copy);
        size += n;
    }

    boolean isEmpty() {
        return chunks.isEmpty();
    }

    /** Bytes waiting to be sent. */
    long size() {
        return size;
    }

    void clear() {
        chunks.clear();
        size = 0;
    }

    /**
     * Writes as much as {@code channel} takes now, with one (gathering) write, and drops the chunks sent
     * whole. Returns the bytes written.
     */
    long flushTo(GatheringByteChannel channel) throws IOException {
        int n = Math.min(chunks.size(), MAX_GATHER);
        long written;
        if (n == 0) {
            return 0;
        } else if (n == 1) {
            written = channel.write(chunks.peekFirst());
        } else {
            if (gather == null || gather.length < n) gather = new ByteBuffer[n <= 8 ? 8 : MAX_GATHER];
            int i = 0;
            for (ByteBuffer b : chunks) {
                if (i == n) break;
                gather[i++] = b;
            }
            try {
                written = channel.write(gather, 0, n);
            } finally {
                Arrays.fill(gather, 0, n, null);
            }
        }
        size -= written;
        ByteBuffer head;
        while ((head = chunks.peekFirst()) != null && !head.hasRemaining()) chunks.pollFirst();
        return written;
    }
}
