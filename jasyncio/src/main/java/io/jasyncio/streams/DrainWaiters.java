package io.jasyncio.streams;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.Sneaky;
import java.net.SocketException;
import java.util.ArrayDeque;

/**
 * The drain side of flow control, once for every stream protocol (asyncio's {@code FlowControlMixin}): whether
 * the transport asked the protocol to pause writing, and the tasks waiting in {@link StreamWriter#drain()} until
 * it resumes or the connection is lost. {@link StreamReaderProtocol} and {@link FlowControl} (the subprocess
 * protocol's base) both keep one.
 *
 * <p>Threading: the loop's thread only.
 */
final class DrainWaiters {
    private final EventLoop loop;
    private boolean paused;
    private boolean connectionLost;
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();

    DrainWaiters(EventLoop loop) {
        this.loop = loop;
    }

    /** asyncio's {@code pause_writing}. */
    void pause() {
        paused = true;
    }

    /** asyncio's {@code resume_writing}: wakes every drainer. */
    void resume() {
        paused = false;
        for (Future<Void> w : waiters) {
            if (!w.done()) w.setResult(null);
        }
    }

    /** asyncio's {@code connection_lost}: later drains fail; paused drainers are woken ({@code exc}: with it). */
    void connectionLost(Throwable exc) {
        connectionLost = true;
        if (!paused) return;
        for (Future<Void> w : waiters) {
            if (w.done()) continue;
            if (exc == null) w.setResult(null);
            else w.setException(exc);
        }
    }

    /** Waits while writing is paused; fails once the connection is lost (asyncio's {@code _drain_helper}). */
    void drain() {
        if (connectionLost) throw Sneaky.rethrow(new SocketException("Connection lost"));
        if (!paused) return;
        Future<Void> w = loop.createFuture();
        waiters.add(w);
        try {
            Asyncio.await(w);
        } finally {
            waiters.remove(w);
        }
    }
}
