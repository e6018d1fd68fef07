package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.ReadTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

/**
 * The reading end of a selectable pipe (asyncio's {@code _UnixReadPipeTransport}), watched by the loop's
 * selector: a child's stdout or stderr made by {@link ChildPipe}. Reading happens on the loop's thread when the
 * selector reports data; {@link #pauseReading()} stops watching, so the child blocks once the pipe is full. Each
 * {@code dataReceived} buffer is a fresh one the protocol may keep. At EOF the protocol's {@code eofReceived()}
 * is called, then {@code connectionLost(null)}.
 *
 * <p>Threading: the loop's thread only.
 */
public final class SelectorReadPipeTransport extends SelectorPipeTransport implements ReadTransport {
    private final Pipe.SourceChannel source;
    private boolean paused;
    private boolean started;

    public SelectorReadPipeTransport(EventLoop loop, Pipe.SourceChannel source, Protocol protocol) {
        super(loop, source, protocol);
        this.source = source;
    }

    /** Starts watching the pipe, once the protocol's connectionMade has run. */
    @Override
    public void start() {
        started = true;
        if (!closing && !paused) loop.addReader(source, readReady);
    }

    @Override
    void readReady() {
        if (connLost > 0) return;
        ByteBuffer buf = ReadBuffer.get();
        int n;
        try {
            n = source.read(buf);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on pipe transport");
            return;
        }
        if (n == 0) return;
        if (n < 0) {
            // asyncio: stop watching, then eof_received and connection_lost, each in its own callback
            closing = true;
            connLost++;
            loop.removeReader(source);
            Protocol p = (Protocol) protocol;
            loop.callSoon(p::eofReceived);
            loop.callSoon(() -> callConnectionLost(null));
            return;
        }
        ByteBuffer chunk = ByteBuffer.allocate(n);
        chunk.put(buf.flip()).flip();
        // As asyncio's read pipe (unlike its sockets): an exception from dataReceived goes to the loop's exception
        // handler, through the reader's handle, and the pipe stays open.
        ((Protocol) protocol).dataReceived(chunk);
    }

    /**
     * asyncio's read pipe reports every read error but EIO to the loop's exception handler (its sockets only log
     * OS errors); the JDK does not tell EIO apart, so every one is reported. Then the pipe closes with it.
     */
    @Override
    public void fatalError(Throwable exc, String message) {
        if (io.jasyncio.internal.Fatal.endsTheRun(exc)) { // the JVM failed: the loop's run ends with it
            forceClose(exc);
            throw (Error) exc;
        }
        loop.callExceptionHandler(io.jasyncio.ExceptionContext.builder(message).exception(exc)
                .put("transport", this).put("protocol", protocol).build());
        forceClose(exc);
    }

    @Override
    void writeReady() {
        throw new IllegalStateException("a read pipe is never watched for writing");
    }

    @Override
    public boolean isReading() {
        return !paused && !closing;
    }

    @Override
    public void pauseReading() {
        if (!isReading()) return;
        paused = true;
        loop.removeReader(source);
    }

    @Override
    public void resumeReading() {
        if (closing || !paused) return;
        paused = false;
        if (started) loop.addReader(source, readReady);
    }
}
