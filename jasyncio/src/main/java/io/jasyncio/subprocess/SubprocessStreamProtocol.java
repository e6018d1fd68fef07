package io.jasyncio.subprocess;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.streams.FlowControl;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamWriter;
import io.jasyncio.subprocess.SubprocessProtocol;
import io.jasyncio.subprocess.SubprocessTransport;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.ReadTransport;
import io.jasyncio.transport.WriteTransport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * asyncio's {@code SubprocessStreamProtocol}: turns a child's pipes into a {@link StreamWriter} (stdin) and
 * {@link StreamReader}s (stdout, stderr), and closes the transport once the child has exited and both readers
 * have seen EOF. It also keeps the waiters of {@link Subprocess#waitFor()}, woken when the transport finishes.
 *
 * <p>Threading: the loop's thread only.
 */
final class SubprocessStreamProtocol extends FlowControl implements SubprocessProtocol {
    private final int limit;
    StreamWriter stdin;
    StreamReader stdout;
    StreamReader stderr;
    private SubprocessTransport transport;
    private boolean processExited;
    private final List<Integer> pipeFds = new ArrayList<>();
    private final Future<Void> stdinClosed;
    /** Subprocess.waitFor() calls waiting for the transport to finish. */
    private List<Future<Integer>> exitWaiters = new ArrayList<>();

    SubprocessStreamProtocol(int limit, EventLoop loop) {
        super(loop);
        this.limit = limit;
        this.stdinClosed = loop.createFuture();
    }

    @Override
    public void connectionMade(BaseTransport t) {
        transport = (SubprocessTransport) t;
        if (transport.getPipeTransport(1) instanceof ReadTransport out) {
            stdout = new StreamReader(limit, loop);
            stdout.setTransport(out);
            pipeFds.add(1);
        }
        if (transport.getPipeTransport(2) instanceof ReadTransport err) {
            stderr = new StreamReader(limit, loop);
            stderr.setTransport(err);
            pipeFds.add(2);
        }
        if (transport.getPipeTransport(0) instanceof WriteTransport in) {
            stdin = new StreamWriter(in, this, loop);
        }
    }

    @Override
    public void pipeDataReceived(int fd, ByteBuffer data) {
        StreamReader r = fd == 1 ? stdout : fd == 2 ? stderr : null;
        if (r != null) r.feedData(data);
    }

    @Override
    public void pipeConnectionLost(int fd, Throwable exc) {
        if (fd == 0) {
            if (stdin != null) stdin.close();
            super.connectionLost(exc); // wakes drain() callers, as asyncio's self.connection_lost(exc)
            if (exc == null) {
                stdinClosed.setResult(null);
            } else {
                stdinClosed.setException(exc);
                stdinClosed.exception(); // waitClosed() is optional: do not report it as never retrieved
            }
            return;
        }
        StreamReader r = fd == 1 ? stdout : fd == 2 ? stderr : null;
        if (r != null) {
            if (exc == null) r.feedEof();
            else r.setException(exc);
        }
        pipeFds.remove(Integer.valueOf(fd));
        maybeCloseTransport();
    }

    @Override
    public void processExited() {
        processExited = true;
        maybeCloseTransport();
    }

    private void maybeCloseTransport() {
        if (pipeFds.isEmpty() && processExited && transport != null) {
            transport.close();
            transport = null;
        }
    }

    /** The transport has finished (exited, pipes closed): wake the waiters of waitFor(). */
    @Override
    public void connectionLost(Throwable exc) {
        super.connectionLost(exc);
        List<Future<Integer>> ws = exitWaiters;
        exitWaiters = null;
        for (Future<Integer> w : ws) {
            if (!w.cancelled()) w.setResult(null);
        }
    }

    /** A future done when the transport finishes, or null if it already has. */
    Future<Integer> exitWaiter() {
        if (exitWaiters == null) return null;
        Future<Integer> w = loop.createFuture();
        exitWaiters.add(w);
        return w;
    }

    @Override
    protected Future<Void> closeWaiter(StreamWriter stream) {
        return stream == stdin ? stdinClosed : null;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<SubprocessStreamProtocol");
        if (stdin != null) sb.append(" stdin=").append(stdin);
        if (stdout != null) sb.append(" stdout=").append(stdout);
        if (stderr != null) sb.append(" stderr=").append(stderr);
        return sb.append('>').toString();
    }
}
