package io.jasyncio.http;

import io.jasyncio.EventLoop;
import io.jasyncio.TimerHandle;
import io.jasyncio.transport.Transport;

/**
 * The end of a connection whose client may still be sending when its last answer is out (a body its handler did
 * not read, a 413, a request the parser refused): nginx's {@code lingering_close}, aiohttp's {@code lingering_time}.
 * Closing a socket with unread bytes in its receive buffer makes the kernel answer with a reset, which can reach
 * the client before it has read the answer. So the server shuts its sending side once the answer is out (on plain
 * TCP; TLS has no half-close), then reads and discards until the client's end of stream, a pause of
 * {@link #PAUSE} seconds, the runner's {@code lingeringTime} in all, or {@link #MAX_BYTES} discarded, whichever
 * comes first; then it closes (through {@link ResponseWriter#close}, so the send timeout still bounds an answer
 * the client does not take).
 *
 * <p>Threading: the loop's thread only.
 */
final class LingeringClose {
    /** The longest pause between two reads before giving up (nginx's {@code lingering_timeout}). */
    static final double PAUSE = 5.0;
    /** The most bytes discarded before closing anyway: a client sending at full speed is not read for ever. */
    static final long MAX_BYTES = 64L << 20;

    private final Transport transport;
    private final EventLoop loop;
    private final ResponseWriter out;
    private final double end;
    private TimerHandle timer;
    /** When the last bytes arrived: the pause is measured from here (one timer, re-armed when it fires early). */
    private double lastRead;
    private long discarded;
    private boolean done;

    /** Starts lingering on {@code transport} for at most {@code seconds}. */
    LingeringClose(Transport transport, ResponseWriter out, EventLoop loop, double seconds) {
        this.transport = transport;
        this.loop = loop;
        this.out = out;
        this.end = loop.time() + seconds;
        if (transport.canWriteEof()) transport.writeEof(); // once what is buffered is sent: the client sees the end
        transport.resumeReading();
        lastRead = loop.time();
        timer = loop.callAt(deadline(), this::fired);
    }

    /** The client sent {@code n} more bytes: dropped. */
    void discard(int n) {
        if (done) return;
        discarded += n;
        lastRead = loop.time();
        if (discarded > MAX_BYTES) finish();
    }

    /** Bytes discarded so far. */
    long discarded() {
        return discarded;
    }

    /** Stops lingering and closes (the client ended its side, or a bound was reached). */
    void finish() {
        if (done) return;
        done = true;
        if (timer != null) timer.cancel();
        timer = null;
        out.close();
    }

    /** The connection is lost: nothing left to do. */
    void stop() {
        done = true;
        if (timer != null) timer.cancel();
        timer = null;
    }

    private double deadline() {
        return Math.min(end, lastRead + PAUSE);
    }

    private void fired() {
        timer = null;
        if (done) return;
        if (loop.time() < deadline()) timer = loop.callAt(deadline(), this::fired); // read meanwhile
        else finish();
    }
}
