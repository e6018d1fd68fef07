package io.jasyncio.streams;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.internal.Sneaky;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.Connection;
import java.net.SocketException;
import java.util.ArrayDeque;

/**
 * asyncio's {@code streams.FlowControlMixin}: the protocol side of {@link StreamWriter#drain()} for protocols
 * other than {@link StreamReaderProtocol} (the subprocess one). It remembers whether the transport asked to
 * pause writing and wakes the drainers when it resumes or the connection is lost.
 *
 * <p>Threading: the loop's thread only.
 */
public abstract class FlowControl implements BaseProtocol {
    protected final EventLoop loop;
    private boolean paused;
    private boolean connectionLost;
    private final ArrayDeque<Future<Void>> drainWaiters = new ArrayDeque<>();

    protected FlowControl(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public void pauseWriting() {
        paused = true;
    }

    @Override
    public void resumeWriting() {
        paused = false;
        for (Future<Void> w : drainWaiters) {
            if (!w.done()) w.setResult(null);
        }
    }

    @Override
    public void connectionLost(Throwable exc) {
        connectionLost = true;
        if (!paused) return;
        for (Future<Void> w : drainWaiters) {
            if (w.done()) continue;
            if (exc == null) w.setResult(null);
            else w.setException(exc);
        }
    }

    /** Waits while writing is paused; fails once the connection is lost (asyncio's {@code _drain_helper}). */
    protected final void drainHelper() {
        if (connectionLost) throw Sneaky.rethrow(new SocketException("Connection lost"));
        if (!paused) return;
        Future<Void> w = loop.createFuture();
        drainWaiters.add(w);
        try {
            Asyncio.await(w);
        } finally {
            drainWaiters.remove(w);
        }
    }

    /** The future {@link StreamWriter#waitClosed()} waits for, for {@code stream}. */
    protected abstract Future<Void> closeWaiter(StreamWriter stream);
}
