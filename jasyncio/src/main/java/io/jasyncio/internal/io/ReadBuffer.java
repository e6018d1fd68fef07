package io.jasyncio.internal.io;

import java.nio.ByteBuffer;

/**
 * The read buffer shared by the transports of one event loop: a direct buffer the socket is read into and
 * handed to the protocol, reused on every read. Sharing it is safe because a loop runs one callback at a time
 * and protocols may not keep the buffer after the call.
 *
 * <p>Threading: one buffer per thread running a loop; used only on that thread.
 */
public final class ReadBuffer {
    /** As asyncio's {@code max_size}: at most 256 KiB per read. */
    public static final int SIZE = 256 * 1024;

    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SIZE));

    private ReadBuffer() {}

    /** The calling thread's buffer, cleared. */
    static ByteBuffer get() {
        return BUFFER.get().clear();
    }
}
