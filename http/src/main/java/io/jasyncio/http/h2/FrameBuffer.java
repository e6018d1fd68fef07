package io.jasyncio.http.h2;

import io.jasyncio.EventLoop;
import io.jasyncio.transport.Transport;
import java.nio.ByteBuffer;

/**
 * The frames a connection has produced and not yet given to its transport: they go out together, one transport
 * write (one system call, when the socket takes it all) per read and per loop iteration instead of one per frame.
 * Frames produced while a read is handled ({@link #beginRead()} to {@link #endRead()}: the handlers that answer at
 * once run in it, being eagerly started) are written when the read is done; frames produced at any other time
 * (a handler that resumed later, a timer) are written by a flush scheduled with {@code callSoon}, so that every
 * response finished in the same loop iteration shares it. Past {@link #FLUSH_AT} bytes the frames are written at
 * once: memory stays bounded, and the transport's write-buffer limits see them, so its {@code pauseWriting} stops
 * the senders as it did when every frame was written by itself. The order of the frames is the order they were
 * added in.
 *
 * <p>Threading: the connection's loop thread only.
 */
final class FrameBuffer {
    /** The buffer's first size; one grown past twice {@link #FLUSH_AT} (a large frame) is dropped after its flush. */
    static final int INITIAL = 4096;
    /** Written at once past this many bytes. */
    static final int FLUSH_AT = 64 * 1024;
    private final EventLoop loop;
    private final Transport transport;
    private final Runnable scheduledFlush = this::scheduledFlush;
    private ByteBuffer buf;
    private boolean scheduled;
    private boolean reading;
    private boolean discarded;
    private long writes;

    FrameBuffer(EventLoop loop, Transport transport) {
        this.loop = loop;
        this.transport = transport;
    }

    /** The buffer, with room for {@code n} more bytes at its position; {@link #added()} once they are put. */
    ByteBuffer room(int n) {
        if (buf == null) {
            buf = ByteBuffer.allocate(Math.max(INITIAL, n));
        } else if (buf.remaining() < n) {
            ByteBuffer b = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
            buf = b.put(buf.flip());
        }
        return buf;
    }

    /** Frames were put in {@link #room(int)}'s buffer: written now if there are many, else soon. */
    void added() {
        if (discarded) {
            buf.clear();
        } else if (buf.position() >= FLUSH_AT) {
            flush();
        } else if (!scheduled && !reading) {
            scheduled = true;
            loop.callSoon(scheduledFlush);
        }
    }

    /** Adds a whole frame (or frames) made elsewhere. */
    void add(ByteBuffer frames) {
        room(frames.remaining()).put(frames);
        added();
    }

    /** A read is being handled: what it produces is written when it ends. */
    void beginRead() {
        reading = true;
    }

    /** The read is handled: its frames go out now, in one write. */
    void endRead() {
        reading = false;
        flush();
    }

    private void scheduledFlush() {
        scheduled = false;
        if (!reading) flush();
    }

    /** Gives every frame held to the transport, in one write. */
    void flush() {
        if (buf == null || buf.position() == 0) return;
        if (discarded) {
            buf.clear();
            return;
        }
        writes++;
        ByteBuffer b = buf;
        transport.write(b.flip()); // copies what the socket does not take at once
        if (buf != b) return; // discarded meanwhile (the write failed)
        if (b.capacity() > 2 * FLUSH_AT) buf = null;
        else b.clear();
    }

    /** The connection is gone: what is held, and what comes, is dropped. */
    void discard() {
        discarded = true;
        buf = null;
    }

    /** Bytes held, not yet given to the transport. */
    int size() {
        return buf == null ? 0 : buf.position();
    }

    /** Transport writes made (for tests). */
    long writes() {
        return writes;
    }
}
