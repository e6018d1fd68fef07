package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.LoopResource;
import io.jasyncio.transport.BaseProtocol;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the pipe transports share (asyncio's {@code _UnixReadPipeTransport}/{@code _UnixWritePipeTransport}
 * over the JDK's blocking process streams).
 *
 * <p>Why a thread: the JDK gives a child's pipes only as blocking {@link java.io.InputStream}/{@link
 * java.io.OutputStream}s, never as selectable channels, so the loop cannot watch them. Each open pipe therefore
 * has one virtual thread that does the blocking reads (or writes) and hands the results to the loop with
 * {@code callSoonThreadsafe}. The thread and the loop meet under {@link #lock}: the loop side says what the
 * thread may do (read, write, stop), the thread reports back through the loop. A virtual thread blocked in a
 * pipe read or write holds its carrier (file I/O is not async in the JDK), and the scheduler makes up for it
 * with an extra carrier: while it waits in the kernel, a pipe costs one platform thread.
 *
 * <p>The thread ends at EOF, at an error, when the transport is closed, and when the loop is closed (a waiting
 * thread looks every 200 ms, since a closed loop tells nobody); it closes its stream when it ends. A thread blocked in the kernel notices a close only when that read or write returns
 * (when the child writes, reads or exits).
 *
 * <p>Its loop owns it until {@code connectionLost} is under way (a {@link LoopResource}): one left open when the
 * loop closes is stopped then, and reported.
 *
 * <p>Threading: the transport's public methods belong to the loop's thread; fields marked "shared" are
 * guarded by {@link #lock}.
 */
public abstract class PipeTransport extends LoopResource implements ChildPipeTransport {
    static final System.Logger LOG = System.getLogger("io.jasyncio.transport");
    /** Pipe threads alive now, in this JVM (for tests that check nothing is left behind). */
    public static final AtomicInteger LIVE_THREADS = new AtomicInteger();
    /** How often a waiting pipe thread checks whether its loop was closed under it. */
    private static final long LOOP_CHECK_MILLIS = 200;

    final EventLoop loop;
    BaseProtocol protocol;
    final Map<String, Object> extra = new HashMap<>();
    /** Loop side: close() or a fatal error has begun. */
    boolean closing;
    /** Loop side: connectionLost has been scheduled (see {@link #markLost()}). */
    boolean lost;

    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    /** Shared: the thread must stop at its next turn. */
    boolean stopRequested;

    private final Closeable stream;
    /** Loop side: the thread was started (it closes the stream when it ends). */
    private boolean started;
    private final String name;

    PipeTransport(EventLoop loop, Closeable stream, BaseProtocol protocol, String name) {
        this.loop = loop;
        this.stream = stream;
        this.protocol = protocol;
        this.name = name;
        extra.put("pipe", stream);
        own(loop);
    }

    /** connectionLost is scheduled (or made): the transport is done with, and its loop owns it no more. */
    final void markLost() {
        lost = true;
        disown(loop);
    }

    /**
     * Left open when the loop closed: the thread is told to stop (it closes the stream when its pending read or
     * write returns; a child's pipe returns as the child ends); no protocol callback. Reported unless it was
     * closing already or is a pipe of a child process (whose transport reports).
     */
    @Override
    protected String closeAbandoned() {
        String report = closing || ChildPipeProtocol.isChildPipe(protocol) ? null : "unclosed transport " + this;
        closing = true;
        lost = true;
        requestStop();
        if (!started) closeStream(); // no thread will
        return report;
    }

    /**
     * Starts the pipe's thread; called once, after the protocol's connectionMade has run. The thread is created
     * on the loop's own thread: a virtual thread created from another virtual thread inherits its scheduler, and
     * a task's virtual thread may be scheduled by the loop itself (the loop-scheduled engine), which would tie
     * the pipe's blocking I/O to the loop.
     */
    @Override
    public final void start() {
        if (Thread.currentThread() != loop.loopThread()) {
            loop.callSoon(this::start);
            return;
        }
        if (lost) return; // closed at once before it started: closeNow() closed the stream
        started = true;
        LIVE_THREADS.incrementAndGet();
        try {
            Thread.ofVirtual().name("jasyncio-pipe-" + name).start(() -> {
                try {
                    runThread();
                } finally {
                    closeStream();
                    LIVE_THREADS.decrementAndGet();
                }
            });
        } catch (RuntimeException | Error e) {
            LIVE_THREADS.decrementAndGet();
            throw e;
        }
    }

    /** The body of the pipe's thread. */
    abstract void runThread();

    /**
     * Waits (thread side, lock held) on {@link #changed}; returns false when the thread should give up because
     * its loop is closed and will never answer.
     */
    final boolean awaitChange() {
        try {
            changed.await(LOOP_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !loop.isClosed();
    }

    /** Hands {@code r} to the loop (thread side); false if the loop is closed, so the thread should end. */
    final boolean post(Runnable r) {
        try {
            loop.callSoonThreadsafe(r);
            return true;
        } catch (IllegalStateException closed) {
            return false; // the loop is closed: nobody is left to tell
        }
    }

    /** Tells the thread to stop at its next turn (loop side). */
    final void requestStop() {
        lock.lock();
        try {
            stopRequested = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the stream (idempotent: the thread's end closes it again). */
    final void closeStream() {
        try {
            stream.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "closing the pipe of " + this + " failed", e);
        }
    }

    @Override
    public Object getExtraInfo(String name) {
        return extra.get(name);
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        this.protocol = java.util.Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    /** Reports an error that breaks the pipe (asyncio's {@code _fatal_error}), then closes it. */
    public final void fatalError(Throwable exc, String message) {
        if (io.jasyncio.internal.Fatal.endsTheRun(exc)) { // the JVM failed: the loop's run ends with it
            closeNow(exc);
            throw (Error) exc;
        }
        if (exc instanceof IOException) {
            LOG.log(Level.DEBUG, () -> this + ": " + message, exc);
        } else {
            loop.callExceptionHandler(ExceptionContext.builder(message).exception(exc)
                    .put("transport", this).put("protocol", protocol).build());
        }
        closeNow(exc);
    }

    /** Closes at once (asyncio's {@code _close}): stop the thread, then connectionLost(exc) soon. */
    void closeNow(Throwable exc) {
        closing = true;
        requestStop();
        if (!started) closeStream(); // no thread will
        if (lost) return;
        markLost();
        loop.callSoon(() -> protocol.connectionLost(exc));
    }

    @Override
    public String toString() {
        return "<" + getClass().getSimpleName() + " " + name + (lost ? " closed" : closing ? " closing" : "") + ">";
    }
}
