package io.jasyncio.internal.io;

import io.jasyncio.EventLoop;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.ReadTransport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The reading end of a pipe (asyncio's {@code _UnixReadPipeTransport}), over a blocking {@link InputStream}
 * read by one virtual thread (see {@link PipeTransport} for why).
 *
 * <p>Flow control: the thread reads one chunk (at most 64 KiB), hands it to the loop, and reads again only
 * after the loop has delivered it to the protocol and while reading is not paused. So at most one chunk is on
 * its way, and {@link #pauseReading()} really stops the reading: the child then blocks when the pipe is full,
 * and memory stays bounded. A chunk whose read had begun before the pause is held, and delivered on resume:
 * no data reaches the protocol while paused. Each {@code dataReceived} buffer is a fresh one the protocol may keep. At EOF the
 * protocol's {@code eofReceived()} is called, then {@code connectionLost(null)}.
 *
 * <p>Threading: public methods on the loop's thread only.
 */
public final class PipeReadTransport extends PipeTransport implements ReadTransport {
    public static final int CHUNK = 64 * 1024;

    private final InputStream in;
    /** Loop side. */
    private boolean paused;
    /** Shared: reading is paused. */
    private boolean pausedShared;
    /** Shared: a chunk has been posted and not yet delivered. */
    private boolean inFlight;
    /** Loop side: a chunk that arrived while paused, delivered on resume. */
    private ByteBuffer held;

    public PipeReadTransport(EventLoop loop, InputStream in, Protocol protocol, String name) {
        super(loop, in, protocol, name);
        this.in = in;
    }

    @Override
    void runThread() {
        byte[] buf = new byte[CHUNK];
        while (true) {
            lock.lock();
            try {
                while (!stopRequested && (pausedShared || inFlight)) {
                    if (!awaitChange()) return;
                }
                if (stopRequested) return;
            } finally {
                lock.unlock();
            }
            int n;
            try {
                n = in.read(buf);
            } catch (IOException e) {
                post(() -> readFailed(e));
                return;
            }
            if (n < 0) {
                closeStream(); // before the loop hears of it: connectionLost means the pipe is closed
                post(this::eof);
                return;
            }
            if (n == 0) continue;
            ByteBuffer chunk = ByteBuffer.wrap(Arrays.copyOf(buf, n));
            lock.lock();
            try {
                inFlight = true;
            } finally {
                lock.unlock();
            }
            if (!post(() -> deliver(chunk))) return;
        }
    }

    private void deliver(ByteBuffer chunk) {
        if (closing) {
            release();
            return;
        }
        if (paused) {
            // read before the pause took effect: keep it (and the thread waiting) until resumeReading()
            held = chunk;
            return;
        }
        try {
            ((Protocol) protocol).dataReceived(chunk);
        } catch (RuntimeException | Error e) {
            fatalError(e, "Fatal error: protocol.data_received() call failed.");
        } finally {
            release(); // after the protocol ran: a pause it asked for holds the thread before its next read
        }
    }

    /** The chunk on its way is done with: the thread may read the next one. */
    private void release() {
        lock.lock();
        try {
            inFlight = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void eof() {
        if (closing) return;
        closing = true;
        markLost();
        loop.callSoon(() -> {
            try {
                ((Protocol) protocol).eofReceived();
            } finally {
                protocol.connectionLost(null);
            }
        });
    }

    private void readFailed(IOException e) {
        if (closing) return; // closed by us: the stream was closed under the read
        fatalError(e, "Fatal read error on pipe transport");
    }

    @Override
    public boolean isReading() {
        return !paused && !closing;
    }

    @Override
    public void pauseReading() {
        if (closing || paused) return;
        paused = true;
        setPausedShared(true);
    }

    @Override
    public void resumeReading() {
        if (closing || !paused) return;
        paused = false;
        setPausedShared(false);
        ByteBuffer h = held;
        if (h != null) {
            held = null;
            loop.callSoon(() -> deliver(h));
        }
    }

    private void setPausedShared(boolean value) {
        lock.lock();
        try {
            pausedShared = value;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops reading and calls connectionLost(null) soon; data already on its way is dropped. */
    @Override
    public void close() {
        if (!closing) closeNow(null);
    }
}
