package io.jasyncio.streams;

import java.io.IOException;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.internal.Sneaky;
import io.jasyncio.tls.Tls;
import io.jasyncio.tls.TlsOptions;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.Transport;
import io.jasyncio.transport.WriteTransport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * asyncio's {@code StreamWriter}: writes to a connection's transport; {@link #drain()} waits while the
 * transport's buffer is over its high-water mark, which is how a fast writer is held back by a slow peer.
 *
 * <p>It is {@link AutoCloseable}: {@code try (writer) { ... }} (or {@code try (StreamPair conn = ...)}) closes
 * the connection however the block ends. A connection nobody closes stays open, and a {@link Server}'s
 * {@link Server#waitClosed()} waits for it, as in asyncio: in a server's handler, the try-with-resources form is
 * the safe one.
 *
 * <p>Threading: the loop's thread only; {@link #drain()} and {@link #waitClosed()} suspend the calling task.
 */
public class StreamWriter implements AutoCloseable {
    private WriteTransport transport; // not final: startTls replaces it
    /** The stream protocol of a connection; null for a pipe writer (see the FlowControl constructor). */
    private final StreamReaderProtocol protocol;
    private final Runnable drainHelper;
    private final Supplier<io.jasyncio.Future<Void>> closeWaiter;
    private final StreamReader reader;
    private final EventLoop loop;

    /**
     * A writer over a connection (asyncio's {@code StreamWriter(transport, protocol, reader, loop)}); the
     * {@link Streams} functions make it.
     *
     * @param transport the connection's transport
     * @param protocol the connection's protocol, through which {@link #drain()} waits
     * @param reader the connection's reader (its error fails {@link #drain()}), or null
     * @param loop the loop the connection runs on
     */
    public StreamWriter(Transport transport, StreamReaderProtocol protocol, StreamReader reader, EventLoop loop) {
        this.transport = transport;
        this.protocol = protocol;
        this.drainHelper = protocol::drainHelper;
        this.closeWaiter = protocol::closeWaiter;
        this.reader = reader;
        this.loop = loop;
    }

    // --- subprocess pipes: a writer over a WriteTransport whose protocol is a FlowControl (no reader)
    /**
     * A writer over a write-only transport (a child's stdin), drained through {@code protocol}.
     *
     * @param transport the pipe's transport
     * @param protocol the pipe's protocol, through which {@link #drain()} waits
     * @param loop the loop the pipe runs on
     */
    public StreamWriter(WriteTransport transport, FlowControl protocol, EventLoop loop) {
        this.transport = transport;
        this.protocol = null;
        this.drainHelper = protocol::drainHelper;
        this.closeWaiter = () -> protocol.closeWaiter(this);
        this.reader = null;
        this.loop = loop;
    }
    // ---

    /**
     * The underlying transport of a connection; a writer to a pipe (a child's stdin) has {@link #writeTransport()}.
     *
     * @return the connection's transport (after {@link #startTls}, the TLS one)
     * @throws IllegalStateException if this writer writes to a pipe
     */
    public Transport transport() {
        if (transport instanceof Transport t) return t;
        throw new IllegalStateException("this writer writes to a pipe, not a connection: use writeTransport()");
    }

    /** {@return the underlying transport, whatever it is: a connection, or a pipe (a child's stdin)} */
    public WriteTransport writeTransport() {
        return transport;
    }

    /**
     * Buffers {@code data} for sending (never blocks); follow with {@link #drain()}.
     *
     * @param data the bytes to send
     */
    public void write(byte[] data) {
        transport.write(data);
    }

    /**
     * Buffers the remaining bytes of {@code data} for sending (never blocks); follow with {@link #drain()}.
     *
     * @param data the bytes to send, from its position to its limit
     */
    public void write(ByteBuffer data) {
        transport.write(data);
    }

    /**
     * Buffers each array in turn for sending (never blocks); follow with {@link #drain()}.
     *
     * @param data the arrays to send
     */
    public void writelines(List<byte[]> data) {
        List<ByteBuffer> bufs = new ArrayList<>(data.size());
        for (byte[] d : data) bufs.add(ByteBuffer.wrap(d));
        transport.writelines(bufs);
    }

    /** Closes the sending side after the buffered data. */
    public void writeEof() {
        transport.writeEof();
    }

    /** {@return whether the transport supports {@link #writeEof()} (a TLS connection does not)} */
    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /**
     * Closes the connection (buffered data is still sent); also the end of a try-with-resources block.
     * Idempotent, never waits: {@link #waitClosed()} waits until the connection is closed.
     */
    @Override
    public void close() {
        transport.close();
    }

    /** {@return whether the transport is closed or closing} */
    public boolean isClosing() {
        return transport.isClosing();
    }

    /** Waits until the connection is closed; throws the error that closed it, if any. */
    public void waitClosed() {
        Asyncio.await(closeWaiter.get());
    }

    /**
     * Information about the connection, as {@link BaseTransport#getExtraInfo(String)} (asyncio's
     * {@code get_extra_info}).
     *
     * @param name what to return: {@code "peername"}, {@code "sockname"}, {@code "socket"}, the TLS names...
     * @return the value, or null if the transport has none by that name
     */
    public Object getExtraInfo(String name) {
        return transport.getExtraInfo(name);
    }

    /**
     * Information about the connection, or a default.
     *
     * @param name what to return, as in {@link #getExtraInfo(String)}
     * @param defaultValue what to return if the transport has no value by that name
     * @return the value, or {@code defaultValue}
     */
    public Object getExtraInfo(String name, Object defaultValue) {
        return transport.getExtraInfo(name, defaultValue);
    }

    /**
     * Waits until the write buffer is under its high-water mark. Throws the reader's exception if the
     * connection failed, or {@link java.net.SocketException} "Connection lost" once it is closed.
     */
    public void drain() {
        if (reader != null) {
            Throwable exc = reader.exception();
            if (exc != null) throw Sneaky.rethrow(exc);
        }
        if (transport.isClosing()) {
            // Let connectionLost run, so that a writer looping on write+drain sees the connection end.
            Asyncio.sleep(0);
        }
        drainHelper.run();
    }

    StreamReaderProtocol protocol() {
        return protocol;
    }

    /** {@return the loop this writer belongs to} */
    public EventLoop getLoop() {
        return loop;
    }

    @Override
    public String toString() {
        return "<StreamWriter transport=" + transport + (reader != null ? " reader=" + reader : "") + ">";
    }

    // ---------------------------------------------------------------- TLS (branch tls)

    /**
     * asyncio's {@code StreamWriter.start_tls(sslcontext, server_hostname=...)}: drains, then upgrades this
     * connection to TLS in place (server side if this writer came from a server). Reads and writes go through
     * TLS from now on. Suspends until the handshake is done; on failure the connection is closed.
     *
     * @param context the TLS context
     * @param serverHostname client side: the name to verify the server's certificate against and send as SNI
     *     (ignored on a server's side)
     * @throws IOException if the handshake fails or times out
     * @throws IllegalStateException if this writer writes to a pipe
     */
    public void startTls(javax.net.ssl.SSLContext context, String serverHostname) throws IOException {
        if (protocol == null) throw new IllegalStateException("startTls needs a network connection, not a pipe: " + this);
        startTls(protocol.isServerSide() ? TlsOptions.server(context)
                : TlsOptions.client(context).withServerHostname(serverHostname));
    }

    /**
     * {@link #startTls(javax.net.ssl.SSLContext, String)} with full options (timeouts, host name check); the
     * side (client or server) is this connection's, whatever {@code tls} says.
     *
     * @param tls the TLS options
     * @throws IOException if the handshake fails or times out
     * @throws IllegalStateException if this writer writes to a pipe
     */
    public void startTls(TlsOptions tls) throws IOException {
        if (protocol == null) throw new IllegalStateException("startTls needs a network connection, not a pipe: " + this);
        boolean serverSide = protocol.isServerSide();
        drain();
        Transport upgraded = Tls.startTls(transport(), protocol, tls.serverSide() == serverSide ? tls : tls.withServerSide(serverSide));
        transport = upgraded;
        protocol.replaceTransport(upgraded);
    }
}
