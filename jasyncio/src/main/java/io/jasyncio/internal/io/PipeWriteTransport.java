package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.BrokenPipeError;
import io.jasyncio.transport.WriteBufferLimits;
import io.jasyncio.transport.WriteTransport;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The writing end of a pipe (asyncio's {@code _UnixWritePipeTransport}), over a blocking {@link OutputStream}
 * written by one virtual thread (see {@link PipeTransport} for why).
 *
 * <p>{@link #write} never blocks: it copies the bytes into a queue the thread empties; the thread reports each
 * chunk written back to the loop, which keeps {@link #getWriteBufferSize()} and calls the protocol's
 * {@code pauseWriting()} above the high-water mark (64 KiB by default) and {@code resumeWriting()} at the
 * low-water mark, as the socket transports do. A pipe has no half-close: {@link #writeEof()} and
 * {@link #close()} both close the pipe once the queue is written. A write that fails (the reader is gone)
 * closes the transport with a {@link BrokenPipeError}.
 *
 * <p>Threading: public methods on the loop's thread only.
 */
public final class PipeWriteTransport extends PipeTransport implements WriteTransport {
    private final OutputStream out;
    /** Shared: chunks waiting for the thread. */
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    /** Shared: close the stream once the queue is written. */
    private boolean eofShared;
    /** Loop side: bytes written by the caller and not yet reported written by the thread. */
    private long bufferSize;
    /** The write buffer's water marks and whether the protocol was told to pause (_FlowControlMixin). */
    private final WriteFlowControl writeFlow = WriteFlowControl.forTransport(WriteTransport.DEFAULT_HIGH_WATER);
    /** Writes attempted after the pipe was lost (asyncio's {@code _conn_lost}). */
    private int connLost;

    public PipeWriteTransport(EventLoop loop, OutputStream out, BaseProtocol protocol, String name) {
        super(loop, out, protocol, name);
        this.out = out;
    }

    @Override
    void runThread() {
        while (true) {
            byte[] chunk;
            lock.lock();
            try {
                while (!stopRequested && queue.isEmpty() && !eofShared) {
                    if (!awaitChange()) return;
                }
                if (stopRequested) return;
                chunk = queue.poll();
            } finally {
                lock.unlock();
            }
            if (chunk == null) { // queue empty and EOF asked for: close the pipe, then tell the loop
                closeStream();
                post(this::eofWritten);
                return;
            }
            try {
                out.write(chunk);
                out.flush();
            } catch (IOException e) {
                post(() -> writeFailed(e));
                return;
            }
            int n = chunk.length;
            if (!post(() -> written(n))) return;
        }
    }

    private void written(int n) {
        bufferSize = Math.max(0, bufferSize - n); // an abort may have cleared the count meanwhile
        maybeResumeProtocol();
    }

    private void eofWritten() {
        if (!lost) {
            markLost();
            protocol.connectionLost(null);
        }
    }

    private void writeFailed(IOException e) {
        if (lost) return;
        clearQueue();
        fatalError(new BrokenPipeError("the pipe's reader is gone: " + e.getMessage(), e),
                "Fatal write error on pipe transport");
    }

    @Override
    public void write(ByteBuffer data) {
        if (!data.hasRemaining()) return;
        if (lost || closing) { // as asyncio: dropped, with a warning once it keeps happening
            if (connLost >= SelectorTransport.LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
                LOG.log(Level.WARNING, "pipe closed by peer or os.write(pipe, data) raised exception.");
            }
            connLost++;
            data.position(data.limit());
            return;
        }
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        lock.lock();
        try {
            queue.add(copy);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        bufferSize += copy.length;
        maybePauseProtocol();
    }

    @Override
    public void writelines(List<ByteBuffer> data) {
        for (ByteBuffer b : data) write(b);
    }

    /** Closes the pipe once everything written so far has gone out (a pipe has no half-close). */
    @Override
    public void writeEof() {
        if (closing) return;
        closing = true;
        lock.lock();
        try {
            eofShared = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    /** {@link #writeEof()}: the queued bytes are still written, then connectionLost(null). */
    @Override
    public void close() {
        writeEof();
    }

    /** Closes at once, dropping what is queued; connectionLost(null) follows. */
    @Override
    public void abort() {
        clearQueue();
        closeNow(null);
    }

    /** The reader of the pipe went away (the child exited): close now if nothing is queued (asyncio's
     * {@code _read_ready} on a write pipe); with bytes queued, the thread's next write reports the break. */
    @Override
    public void readerGone() {
        if (!lost && bufferSize == 0) {
            closeNow(null);
        }
    }

    private void clearQueue() {
        lock.lock();
        try {
            queue.clear();
        } finally {
            lock.unlock();
        }
        bufferSize = 0;
    }

    @Override
    public long getWriteBufferSize() {
        return bufferSize;
    }

    @Override
    public void setWriteBufferLimits(Integer high, Integer low) {
        writeFlow.setLimits(high, low);
        maybePauseProtocol();
    }

    @Override
    public WriteBufferLimits getWriteBufferLimits() {
        return writeFlow.limits();
    }

    private void maybePauseProtocol() {
        if (writeFlow.pauseNow(bufferSize)) WriteFlowControl.tell(protocol, true, loop, this, protocol);
    }

    private void maybeResumeProtocol() {
        if (writeFlow.resumeNow(bufferSize)) WriteFlowControl.tell(protocol, false, loop, this, protocol);
    }
}
