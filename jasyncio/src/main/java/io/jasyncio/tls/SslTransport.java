package io.jasyncio.tls;

import io.jasyncio.EventLoop;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.Transport;
import io.jasyncio.transport.ReadBufferLimits;
import io.jasyncio.transport.WriteBufferLimits;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The transport a TLS connection shows its application protocol (asyncio's {@code _SSLProtocolTransport}): it
 * carries plaintext, and the TLS layer under it encrypts and decrypts over the plain socket transport.
 *
 * <p>Differences from a plain transport, as in asyncio: {@link #close()} sends close_notify after the buffered
 * data and waits (up to the shutdown timeout) for the peer's; {@link #writeEof()} is not supported; returning
 * true from {@code eofReceived} has no effect. Extra information adds {@code "sslcontext"}
 * ({@link javax.net.ssl.SSLContext}), and once the handshake is done {@code "ssl_object"}
 * ({@link javax.net.ssl.SSLEngine}), {@code "ssl_session"} ({@link javax.net.ssl.SSLSession}),
 * {@code "peercert"} (the peer's {@code List<Certificate>}, or null if it sent none), {@code "cipher"} and
 * {@code "ssl_protocol"} (names as {@code String}); other names come from the plain transport
 * ({@code "peername"}, {@code "sockname"}, {@code "socket"}).
 *
 * <p>Threading: the event loop's thread only.
 */
public final class SslTransport implements Transport {
    private final EventLoop loop;
    private final SslProtocol ssl;
    boolean closed;

    SslTransport(EventLoop loop, SslProtocol ssl) {
        this.loop = loop;
        this.ssl = ssl;
    }

    /** The TLS layer under this transport (for tests in this package). */
    SslProtocol sslProtocol() {
        return ssl;
    }

    /**
     * Whether the application's writes are paused: the TLS layer's outgoing buffer is above its high-water mark
     * (the protocol got {@code pauseWriting} and not yet {@code resumeWriting}).
     *
     * @return true while paused
     */
    public boolean writingPaused() {
        return ssl.appWritingPaused();
    }

    @Override
    public Object getExtraInfo(String name) {
        return ssl.getExtraInfo(name);
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        if (protocol == null) throw new NullPointerException("protocol");
        ssl.setAppProtocol(protocol);
    }

    @Override
    public BaseProtocol getProtocol() {
        return ssl.appProtocol();
    }

    @Override
    public boolean isClosing() {
        return closed;
    }

    /**
     * Closes the connection gracefully: buffered data is sent, then close_notify; the protocol's
     * {@code connectionLost(null)} follows once the peer answers (or the shutdown timeout passes). Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        ssl.startShutdown();
    }

    @Override
    public boolean isReading() {
        return !ssl.appReadingPaused;
    }

    @Override
    public void pauseReading() {
        ssl.pauseAppReading();
    }

    @Override
    public void resumeReading() {
        ssl.resumeAppReading();
    }

    /** Write buffer limits; the default high-water mark is 512 KiB (asyncio's for SSL). */
    @Override
    public void setWriteBufferLimits(Integer high, Integer low) {
        ssl.setWriteBufferLimits(high, low);
        ssl.controlAppWriting();
    }

    @Override
    public WriteBufferLimits getWriteBufferLimits() {
        return ssl.getWriteBufferLimits();
    }

    /** Plaintext written but not yet encrypted (held while the socket's buffer is full). */
    @Override
    public long getWriteBufferSize() {
        return ssl.getWriteBufferSize();
    }

    /**
     * Limits of the ciphertext received but not yet decrypted (it piles up while reading is paused): over
     * {@code high} the socket is no longer read, under {@code low} it is again. Defaults: 256 KiB and a quarter.
     *
     * @param high the high-water mark in bytes, or null for the default
     * @param low the low-water mark in bytes, or null for a quarter of {@code high}
     */
    public void setReadBufferLimits(Integer high, Integer low) {
        ssl.setReadBufferLimits(high, low);
        ssl.controlSslReading();
    }

    /**
     * The current read water marks (asyncio's {@code get_read_buffer_limits()}).
     *
     * @return the low and high marks in bytes
     */
    public ReadBufferLimits getReadBufferLimits() {
        return ssl.getReadBufferLimits();
    }

    /**
     * Ciphertext received but not yet decrypted.
     *
     * @return its size in bytes
     */
    public int getReadBufferSize() {
        return ssl.getReadBufferSize();
    }

    @Override
    public void write(ByteBuffer data) {
        if (!data.hasRemaining()) return;
        ssl.writeAppdata(data);
    }

    @Override
    public void writelines(List<ByteBuffer> data) {
        ssl.writeAppdata(data);
    }

    /** Not supported: TLS 1.2 has no half-close, and asyncio offers none over TLS. Use {@link #close()}. */
    @Override
    public void writeEof() {
        throw new UnsupportedOperationException("writeEof() is not supported on a TLS transport; use close()");
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    /** Closes at once, without close_notify; buffered data is dropped; {@code connectionLost(null)} follows. */
    @Override
    public void abort() {
        forceClose(null);
    }

    void forceClose(Throwable exc) {
        closed = true;
        ssl.abort(exc);
    }

    /**
     * The loop this transport belongs to.
     *
     * @return the loop
     */
    public EventLoop getLoop() {
        return loop;
    }

    @Override
    public String toString() {
        return "<SslTransport " + (closed ? "closed " : "") + ssl.state + " peer=" + getExtraInfo("peername") + ">";
    }
}
