package io.jasyncio.net;

import java.nio.ByteBuffer;

/**
 * The scratch buffer TLS connections encrypt into: records are wrapped into it and handed at once to the
 * plain transport, which sends them or copies what the socket does not take. So one buffer per loop thread
 * serves every connection, with no allocation per record. A TLS layer over another TLS layer borrows while
 * the outer one holds it: that nested borrower gets a fresh buffer.
 *
 * <p>Threading: one buffer per thread; used only on that thread.
 */
final class OutBuffer {
    /** Room for several records, so a large write becomes few socket writes. */
    static final int SIZE = 128 * 1024;

    private static final ThreadLocal<OutBuffer> LOCAL = ThreadLocal.withInitial(OutBuffer::new);

    private final ByteBuffer shared = ByteBuffer.allocate(SIZE);
    private boolean busy;

    private OutBuffer() {}

    /** A cleared buffer of at least {@code min} bytes; give it back with {@link #release}. */
    static ByteBuffer borrow(int min) {
        OutBuffer ob = LOCAL.get();
        if (ob.busy || min > SIZE) return ByteBuffer.allocate(Math.max(min, SIZE));
        ob.busy = true;
        return ob.shared.clear();
    }

    static void release(ByteBuffer b) {
        OutBuffer ob = LOCAL.get();
        if (b == ob.shared) ob.busy = false;
    }
}
