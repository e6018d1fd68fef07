package io.jasyncio.internal.tls;

import io.jasyncio.EventLoop;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.tls.SslTransport;
import io.jasyncio.transport.ReadBufferLimits;
import io.jasyncio.transport.WriteBufferLimits;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The {@link SslTransport} of a TLS connection: its methods go to the {@link SslProtocol} under it.
 *
 * <p>Threading: the event loop's thread only.
 */
public final class SslAppTransport implements SslTransport {
    private final EventLoop loop;
    private final SslProtocol ssl;
    boolean closed;

    SslAppTransport(EventLoop loop, SslProtocol ssl) {
        this.loop = loop;
        this.ssl = ssl;
    }

    /** {@return the TLS layer under this transport} For tests. */
    public SslProtocol sslProtocol() {
        return ssl;
    }

    @Override
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

    @Override
    public void setReadBufferLimits(Integer high, Integer low) {
        ssl.setReadBufferLimits(high, low);
        ssl.controlSslReading();
    }

    @Override
    public ReadBufferLimits getReadBufferLimits() {
        return ssl.getReadBufferLimits();
    }

    @Override
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

    @Override
    public EventLoop getLoop() {
        return loop;
    }

    @Override
    public String toString() {
        return "<SslTransport " + (closed ? "closed " : "") + ssl.state + " peer=" + getExtraInfo("peername") + ">";
    }
}
