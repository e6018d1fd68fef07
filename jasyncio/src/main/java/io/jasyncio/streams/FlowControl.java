package io.jasyncio.streams;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.transport.BaseProtocol;

/**
 * asyncio's {@code streams.FlowControlMixin}: the protocol side of {@link StreamWriter#drain()} for protocols
 * other than {@link StreamReaderProtocol} (the subprocess one). It remembers whether the transport asked to
 * pause writing and wakes the drainers when it resumes or the connection is lost.
 *
 * <p>Threading: the loop's thread only.
 */
public abstract class FlowControl implements BaseProtocol {
    /** The loop this protocol runs on. */
    protected final EventLoop loop;
    private final DrainWaiters drain;

    /**
     * A protocol whose writers drain on {@code loop}.
     *
     * @param loop the loop the connection runs on
     */
    protected FlowControl(EventLoop loop) {
        this.loop = loop;
        this.drain = new DrainWaiters(loop);
    }

    @Override
    public void pauseWriting() {
        drain.pause();
    }

    @Override
    public void resumeWriting() {
        drain.resume();
    }

    @Override
    public void connectionLost(Throwable exc) {
        drain.connectionLost(exc);
    }

    /** Waits while writing is paused; fails once the connection is lost (asyncio's {@code _drain_helper}). */
    protected final void drainHelper() {
        drain.drain();
    }

    /**
     * The future {@link StreamWriter#waitClosed()} waits for.
     *
     * @param stream the writer that waits
     * @return a future done when the transport under {@code stream} is closed
     */
    protected abstract Future<Void> closeWaiter(StreamWriter stream);
}
