package io.jasyncio.http;

import io.jasyncio.TimerHandle;
import java.io.IOException;
import io.jasyncio.streams.StreamPair;

/**
 * One connection of a {@link TcpConnector}'s pool: its streams, the pool key it serves, and while idle the
 * timer that closes it after the keep-alive timeout.
 *
 * <p>Threading: the loop's thread.
 */
final class ClientConnection {
    final String key;
    final StreamPair io;
    /** Whether the connection goes through an HTTP proxy without a tunnel (requests in absolute form). */
    final boolean viaProxy;
    /** The proxy's credentials, sent with each request when {@link #viaProxy}. */
    final BasicAuth proxyAuth;
    TimerHandle idleTimer;
    /** Set when the connection speaks HTTP/2: its requests are streams of it, and it is never idle-pooled. */
    io.jasyncio.http.h2.Http2ClientConnection h2;
    /**
     * Set while the connection's first request offers {@code Upgrade: h2c}: the other requests to its key wait on
     * it to learn whether it became HTTP/2 ({@link TcpConnector#settled}).
     */
    io.jasyncio.Future<Object> upgradeOffer;
    /** Requests served, for tests and monitoring. */
    int served;

    ClientConnection(String key, StreamPair io, boolean viaProxy, BasicAuth proxyAuth) {
        this.key = key;
        this.io = io;
        this.viaProxy = viaProxy;
        this.proxyAuth = viaProxy ? proxyAuth : null;
    }

    /** Whether it can carry another request: open, not at EOF, nothing unasked-for waiting in it. */
    boolean reusable() {
        return !io.writer().isClosing() && !io.reader().atEof() && io.reader().bufferedSize() == 0
                && io.reader().exception() == null;
    }

    /** Closes it after what was written is sent. */
    void close() {
        cancelIdleTimer();
        if (h2 != null) {
            h2.close();
            return;
        }
        io.writer().close();
    }

    /** Closes it at once, dropping what was not sent: its state is unknown (an error, a cancellation). */
    void abort() {
        cancelIdleTimer();
        if (h2 != null) {
            h2.abort(new IOException("the HTTP/2 connection to " + key + " was closed (its connector closed)"));
            return;
        }
        if (io.writer().transport() != null) io.writer().transport().abort();
        else io.writer().close();
    }

    void cancelIdleTimer() {
        if (idleTimer != null) idleTimer.cancel();
        idleTimer = null;
    }

    @Override
    public String toString() {
        return "<ClientConnection " + key + (viaProxy ? " via proxy" : "") + ", " + served + " requests>";
    }
}
