package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.http.h2.ErrorCode;
import io.jasyncio.http.h2.ServerStream;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.Transport;
import io.jasyncio.transport.WriteBufferLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * An HTTP/2 stream opened by an extended CONNECT (RFC 8441) as a {@link Transport}, so that a protocol written for a
 * TCP connection (the WebSocket engine) runs over it unchanged: the stream's DATA in are the protocol's
 * {@code dataReceived}, its writes go out as DATA within the stream's flow-control windows, {@code close} ends the
 * stream (END_STREAM) once what was written has gone, {@code abort} resets it (RST_STREAM CANCEL).
 *
 * <p>Bounded: writes are queued up to the write buffer's high-water mark, past which the protocol is told to
 * pause writing (as by a socket transport); received bytes are held, while reading is paused, up to the stream's
 * receive window (they are reported consumed only once delivered). A pump task sends the queue; it is the one
 * sender of the stream.
 *
 * <p>Threading: the connection's loop only.
 */
final class Http2Tunnel implements Transport {
    private final EventLoop loop;
    private final ServerStream stream;
    private final Object peername;
    private UpgradedProtocol protocol;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private long queued;
    private WriteBufferLimits limits = WriteBufferLimits.withDefaults(null, null, 64 * 1024);
    private boolean writingPaused;
    private boolean reading = true;
    /** Bytes received while reading is paused: delivered (and reported consumed) when it resumes. */    private final ArrayDeque<byte[]> heldWhilePaused = new ArrayDeque<>();
    private boolean closing;
    private boolean lost;
    private Future<Void> wakeup;
    private final Future<Void> finished;
    private Task<Void> pump;

    Http2Tunnel(EventLoop loop, ServerStream stream, Object peername) {
        this.loop = loop;
        this.stream = stream;
        this.peername = peername;
        this.finished = loop.createFuture();
    }

    /** Gives the stream to {@code p}: its connectionMade, then the stream's bytes and end. */
    void start(UpgradedProtocol p) {
        protocol = p;
        p.connectionMade(this);
        pump = new Task<>(loop, this::pump, "h2-tunnel-" + stream.id(), false);
        stream.setBodyListener(new ServerStream.BodyListener() {
            @Override
            public void data(byte[] data) {
                if (lost) return;
                if (!reading) {
                    heldWhilePaused.add(data);
                    return;
                }
                deliver(data);
            }

            @Override
            public void end() {
                if (lost) return;
                if (!protocol.eofReceived()) close();
            }

            @Override
            public void aborted(IOException e) {
                connectionLost(e);
            }
        });
    }

    private void deliver(byte[] data) {
        protocol.dataReceived(ByteBuffer.wrap(data));
        if (!lost) stream.consumed(data.length);
    }

    UpgradedProtocol protocol() {
        return protocol;
    }

    /** Done once the stream has ended (END_STREAM sent, reset, or the connection lost). */
    Future<Void> finished() {
        return finished;
    }

    private Void pump() {
        try {
            while (true) {
                byte[] b = queue.poll();
                if (b == null) {
                    if (closing || lost) break;
                    wakeup = loop.createFuture();
                    Asyncio.await(wakeup);
                    continue;
                }
                stream.sendData(b, 0, b.length, false);
                queued -= b.length;
                if (writingPaused && queued <= limits.low()) {
                    writingPaused = false;
                    protocol.resumeWriting();
                }
            }
            if (!lost) stream.sendData(new byte[0], 0, 0, true);
            connectionLost(null);
        } catch (IOException | CancelledError e) {
            connectionLost(e instanceof IOException io ? io : null);
        } catch (RuntimeException e) {
            connectionLost(new IOException(e));
            throw e;
        }
        return null;
    }

    private void kick() {
        Future<Void> w = wakeup;
        if (w != null && !w.done()) w.setResult(null);
    }

    private void connectionLost(IOException e) {
        if (lost) return;
        lost = true;
        queue.clear();
        heldWhilePaused.clear();
        queued = 0;
        if (pump != null && !pump.done() && pump != Asyncio.currentTask()) pump.cancel();
        protocol.connectionLost(e);
        if (!finished.done()) finished.setResult(null);
    }

    // ---------------------------------------------------------------- Transport

    @Override
    public void write(ByteBuffer data) {
        if (closing || lost || !data.hasRemaining()) return;
        byte[] b = new byte[data.remaining()];
        data.get(b);
        queue.add(b);
        queued += b.length;
        if (!writingPaused && queued > limits.high()) {
            writingPaused = true;
            protocol.pauseWriting();
        }
        kick();
    }

    @Override
    public long getWriteBufferSize() {
        return queued;
    }

    @Override
    public void setWriteBufferLimits(Integer high, Integer low) {
        limits = WriteBufferLimits.withDefaults(high, low, 64 * 1024);
    }

    @Override
    public WriteBufferLimits getWriteBufferLimits() {
        return limits;
    }

    @Override
    public void writeEof() {
        close();
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public void close() {
        closing = true;
        kick();
    }

    @Override
    public boolean isClosing() {
        return closing || lost;
    }

    @Override
    public void abort() {
        if (lost) return;
        stream.reset(ErrorCode.CANCEL);
        connectionLost(null);
    }

    @Override
    public boolean isReading() {
        return reading && !lost;
    }

    @Override
    public void pauseReading() {
        reading = false;
    }

    @Override
    public void resumeReading() {
        if (reading) return;
        reading = true;
        while (reading && !lost && !heldWhilePaused.isEmpty()) deliver(heldWhilePaused.poll());
    }

    @Override
    public Object getExtraInfo(String name) {
        return "peername".equals(name) ? peername : null;
    }

    @Override
    public void setProtocol(BaseProtocol p) {
        protocol = (UpgradedProtocol) p;
    }

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public String toString() {
        return "<Http2Tunnel stream=" + stream.id() + (closing ? " closing" : "") + (lost ? " lost" : "") + ">";
    }
}
