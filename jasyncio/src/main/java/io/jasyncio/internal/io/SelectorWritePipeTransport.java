package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.BrokenPipeError;
import io.jasyncio.transport.WriteTransport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.List;

/**
 * The writing end of a selectable pipe (asyncio's {@code _UnixWritePipeTransport}), watched by the loop's
 * selector: a child's stdin made by {@link ChildPipe}. {@link #write} sends what the pipe takes at once and
 * buffers the rest, written when the selector reports room; the protocol's {@code pauseWriting()} is called above
 * the high-water mark (64 KiB by default) and {@code resumeWriting()} once the buffer is empty, as asyncio's pipe
 * transport does (a socket transport resumes at the low-water mark already). A pipe has no
 * half-close: {@link #writeEof()} and {@link #close()} both close the pipe once the buffer is written. A write
 * that fails (the reader is gone) closes the transport with a {@link BrokenPipeError}.
 *
 * <p>Threading: the loop's thread only.
 */
public final class SelectorWritePipeTransport extends SelectorPipeTransport implements WriteTransport {
    private final Pipe.SinkChannel sink;
    /** Writes dropped because the pipe was closing or lost (asyncio counts them in {@code _conn_lost}). */
    int droppedWrites;

    public SelectorWritePipeTransport(EventLoop loop, Pipe.SinkChannel sink, BaseProtocol protocol) {
        super(loop, sink, protocol);
        this.sink = sink;
    }

    /** Nothing to start: writes go out as they come. */
    @Override
    public void start() {}

    @Override
    public void write(ByteBuffer data) {
        if (!data.hasRemaining()) return;
        if (connLost > 0 || closing) { // as asyncio: dropped, with a warning once it keeps happening
            // Counted apart from connLost, which here means "connectionLost is scheduled": a write after close()
            // must not stop the buffer that close() is still flushing.
            if (connLost + droppedWrites >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                LOG.log(Level.WARNING, "pipe closed by peer or os.write(pipe, data) raised exception.");
            }
            droppedWrites++;
            data.position(data.limit());
            return;
        }
        if (!hasBufferedData()) {
            try {
                sink.write(data);
            } catch (IOException e) {
                broken(e);
                return;
            }
            if (!data.hasRemaining()) return;
            loop.addWriter(sink, writeReady);
        }
        pending().append(data);
        maybePauseProtocol();
    }

    @Override
    public void writelines(List<ByteBuffer> data) {
        for (ByteBuffer b : data) write(b);
    }

    @Override
    void writeReady() {
        if (connLost > 0) return;
        try {
            if (pending != null) pending.flushTo(sink);
        } catch (IOException e) {
            broken(e);
            return;
        }
        if (hasBufferedData()) return; // the rest when the selector reports room again
        loop.removeWriter(sink);
        maybeResumeProtocol(); // as asyncio's pipe: only once drained; the protocol may write again here
        // ...and close after writing: what it wrote is flushed first (asyncio would lose it here)
        if (closing && !hasBufferedData()) callConnectionLost(null);
    }

    /** The reader is gone (EPIPE): asyncio reports a BrokenPipeError to connectionLost. */
    private void broken(IOException e) {
        fatalError(new BrokenPipeError("the pipe's reader is gone: " + e.getMessage(), e),
                "Fatal write error on pipe transport");
    }

    /** Closes the pipe once everything written so far has gone out (a pipe has no half-close). */
    @Override
    public void writeEof() {
        if (closing) return;
        closing = true;
        if (!hasBufferedData()) {
            connLost++;
            loop.callSoon(() -> callConnectionLost(null));
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    /** {@link #writeEof()}: the buffered bytes are still written, then connectionLost(null). */
    @Override
    public void close() {
        writeEof();
    }

    /**
     * The child exited: with nothing buffered the pipe closes quietly; with bytes that can no longer be read it
     * closes with a {@link BrokenPipeError} (asyncio's {@code _read_ready} on a write pipe).
     */
    @Override
    public void readerGone() {
        if (connLost > 0) return;
        forceClose(!hasBufferedData() ? null : new BrokenPipeError("the pipe's reader is gone (the process exited)", null));
    }

    @Override
    void readReady() {
        throw new IllegalStateException("a write pipe is never watched for reading");
    }

    @Override
    public long getWriteBufferSize() {
        return bufferedSize();
    }
}
