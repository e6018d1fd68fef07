package io.jasyncio.streams;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.tls.SslTransport;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.ReadTransport;
import io.jasyncio.transport.Transport;
import java.nio.ByteBuffer;

/**
 * asyncio's {@code StreamReaderProtocol} (with {@code FlowControlMixin}): the protocol that feeds a
 * {@link StreamReader} and lets a {@link StreamWriter} wait in {@code drain()} while the transport's write
 * buffer is over its high-water mark. On the server side it starts the client-connected callback as a task.
 *
 * <p>Threading: the loop's thread only.
 */
public class StreamReaderProtocol implements Protocol {
    /** The server-side handler of one connection (asyncio's {@code client_connected_cb}); runs as a task. */
    @FunctionalInterface
    public interface ClientConnected {
        /**
         * Serves one connection, in its own task; when it returns or throws, the task ends (the connection stays
         * open until the writer is closed).
         *
         * @param reader the connection's reading side
         * @param writer the connection's writing side
         * @throws Exception anything; the exception goes to the loop's exception handler and the connection is
         *     closed (as it is when the task is cancelled)
         */
        void handle(StreamReader reader, StreamWriter writer) throws Exception;
    }

    private final EventLoop loop;
    private StreamReader reader;
    private final ClientConnected clientConnected;
    private BaseTransport transport;
    private final Future<Void> closed;
    private Task<Void> task;
    /** The drain side of flow control (FlowControlMixin). */
    private final DrainWaiters drain;

    /**
     * A protocol feeding {@code reader}, for a client connection; call it on the loop's thread (it takes the
     * running loop).
     *
     * @param reader the reader the received data goes to
     */
    public StreamReaderProtocol(StreamReader reader) {
        this(reader, null);
    }

    /**
     * A protocol feeding {@code reader} that, once connected, runs {@code clientConnected} as a task; call it on
     * the loop's thread (it takes the running loop).
     *
     * @param reader the reader the received data goes to
     * @param clientConnected the server's handler of the connection, or null for a client
     */
    public StreamReaderProtocol(StreamReader reader, ClientConnected clientConnected) {
        this.loop = Asyncio.getRunningLoop();
        this.reader = reader;
        this.clientConnected = clientConnected;
        this.closed = loop.createFuture();
        this.drain = new DrainWaiters(loop);
    }

    @Override
    public void connectionMade(BaseTransport t) {
        // a connection's Transport, or the ReadTransport of a pipe (connectReadPipe)
        this.transport = t;
        if (reader != null && t instanceof ReadTransport rt) reader.setTransport(rt);
        if (clientConnected != null) {
            Transport tr = (Transport) t;
            StreamWriter writer = new StreamWriter(tr, this, reader, loop);
            StreamReader r = reader;
            task = loop.createTask(() -> {
                clientConnected.handle(r, writer);
                return null;
            });
            task.addDoneCallback(f -> {
                if (f.cancelled()) {
                    tr.close();
                    return;
                }
                Throwable exc = f.exception();
                if (exc != null) {
                    loop.callExceptionHandler(ExceptionContext.builder("Unhandled exception in client_connected_cb")
                            .exception(exc).put("transport", tr).build());
                    tr.close();
                }
            });
        }
    }

    @Override
    public void connectionLost(Throwable exc) {
        if (reader != null) {
            if (exc == null) reader.feedEof();
            else reader.setException(exc);
        }
        if (!closed.done()) {
            if (exc == null) {
                closed.setResult(null);
            } else {
                closed.setException(exc);
                closed.exception(); // waitClosed() may never be called: do not report it as unretrieved
            }
        }
        drain.connectionLost(exc);
        reader = null;
        task = null;
        transport = null;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (reader != null) reader.feedData(data);
    }

    @Override
    public boolean eofReceived() {
        if (reader != null) reader.feedEof();
        // Over TLS, keeping a half-open connection has no effect (asyncio: "if self._over_ssl: return False").
        return !(transport instanceof SslTransport);
    }

    @Override
    public void pauseWriting() {
        drain.pause();
    }

    @Override
    public void resumeWriting() {
        drain.resume();
    }

    /** Waits while writing is paused; fails once the connection is lost (asyncio's {@code _drain_helper}). */
    void drainHelper() {
        drain.drain();
    }

    Future<Void> closeWaiter() {
        return closed;
    }

    // ---------------------------------------------------------------- TLS hooks (branch tls)

    /** Whether this protocol serves a server-side connection (asyncio: has a client_connected_cb). */
    boolean isServerSide() {
        return clientConnected != null;
    }

    /** asyncio's {@code _replace_transport}: after {@code StreamWriter.startTls} the protocol uses the TLS transport. */
    void replaceTransport(Transport t) {
        this.transport = t;
    }
}
