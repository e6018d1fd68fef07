package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The scratch buffer the TLS connections of one event loop encrypt into: records are wrapped into it and handed
 * at once to the plain transport, which sends them or copies what the socket does not take. So one buffer per
 * loop serves every connection, with no allocation per record. It belongs to the loop, not to a thread: with
 * the virtual-thread engine, task code that writes runs on its own virtual thread, one at a time with the
 * loop's callbacks. A TLS layer over another TLS layer borrows while the outer one holds it: that nested
 * borrower gets a fresh buffer.
 *
 * <p>Threading: one instance per loop, used only by that loop's callbacks and tasks (never concurrently).
 */
public final class OutBuffer {
    /** Room for several records, so a large write becomes few socket writes. */
    static final int SIZE = 128 * 1024;

    private static final Map<EventLoop, OutBuffer> BY_LOOP = new WeakHashMap<>();

    private ByteBuffer shared;
    private boolean busy;

    private OutBuffer() {}

    /** The buffer of {@code loop} (looked up once per connection). */
    public static OutBuffer of(EventLoop loop) {
        synchronized (BY_LOOP) {
            return BY_LOOP.computeIfAbsent(loop, l -> new OutBuffer());
        }
    }

    /** A cleared buffer of at least {@code min} bytes; give it back with {@link #release}. */
    public ByteBuffer borrow(int min) {
        if (busy || min > SIZE) return ByteBuffer.allocate(Math.max(min, SIZE));
        if (shared == null) shared = ByteBuffer.allocate(SIZE);
        busy = true;
        return shared.clear();
    }

    public void release(ByteBuffer b) {
        if (b == shared) busy = false;
    }
}
