package io.jasyncio.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A transport in memory. Everything written is kept in {@link #out}; while {@link #stuck}, written bytes also
 * count as unsent ({@link #buffered}), pausing the protocol over {@link #high} bytes, as the socket transport
 * does. {@link #close()} reports the connection lost only once nothing is buffered; {@link #flush()} sends
 * what is buffered. Drives an {@link HttpConnection}'s state machine with the order of events exact.
 *
 * <p>Threading: the test's loop thread.
 */
final class FakeTransport implements Transport {
    final EventLoop loop;
    BaseProtocol protocol;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean stuck;
    long buffered;
    long high = 64 * 1024;
    boolean paused, closing, aborted, lost, reading = true;
    /** Calls of {@link #write}: a system call each on a socket. */
    int writes;

    FakeTransport(EventLoop loop) {
        this.loop = loop;
    }

    String text() {
        return out.toString(ISO_8859_1);
    }

    @Override
    public void write(ByteBuffer data) {
        writes++;
        byte[] a = new byte[data.remaining()];
        data.get(a);
        if (lost || aborted) return;
        out.writeBytes(a);
        if (stuck) {
            buffered += a.length;
            if (buffered > high && !paused) {
                paused = true;
                protocol.pauseWriting();
            }
        }
    }

    /** The client read all but {@code left} bytes. */
    void drainTo(long left) {
        buffered = Math.min(buffered, left);
        if (paused && buffered <= high / 4) {
            paused = false;
            protocol.resumeWriting();
        }
        if (closing && buffered == 0) lose(null);
    }

    void flush() {
        stuck = false;
        drainTo(0);
    }

    void lose(Throwable exc) {
        if (lost) return;
        lost = true;
        closing = true;
        protocol.connectionLost(exc);
    }

    @Override
    public void close() {
        if (closing) return;
        closing = true;
        reading = false;
        if (buffered == 0) loop.callSoon(() -> lose(null));
    }

    @Override
    public void abort() {
        aborted = true;
        closing = true;
        buffered = 0;
        loop.callSoon(() -> lose(null));
    }

    @Override
    public Object getExtraInfo(String name) {
        return name.equals("peername") ? new InetSocketAddress("127.0.0.1", 40000) : null;
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public boolean isReading() {
        return reading;
    }

    @Override
    public void pauseReading() {
        reading = false;
    }

    @Override
    public void resumeReading() {
        if (!closing) reading = true;
    }

    @Override
    public void setWriteBufferLimits(Integer high, Integer low) {
        this.high = high;
    }

    @Override
    public io.jasyncio.transport.WriteBufferLimits getWriteBufferLimits() {
        return new io.jasyncio.transport.WriteBufferLimits((int) high / 4, (int) high);
    }

    @Override
    public long getWriteBufferSize() {
        return buffered;
    }

    @Override
    public void writeEof() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    /** A connection of {@code runner} (set up) on a fake transport. */
    static FakeTransport connect(AppRunner runner) {
        FakeTransport t = new FakeTransport(Asyncio.getRunningLoop());
        HttpConnection c = new HttpConnection(runner);
        t.protocol = c;
        c.connectionMade(t);
        return t;
    }

    /** The client sends {@code s}. */
    void receive(String s) {
            ((HttpConnection) protocol).dataReceived(ByteBuffer.wrap(s.getBytes(ISO_8859_1)));
    }
}
