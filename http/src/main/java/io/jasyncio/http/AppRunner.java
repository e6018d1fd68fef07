package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.TimeoutError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs an {@link Application} on the running loop (aiohttp's {@code web.AppRunner}): {@link #setup()} freezes
 * it and runs its startup hooks; sites ({@link TcpSite}, {@link UnixSite}) then serve it; {@link #cleanup()} (or {@link #close()}, so
 * try-with-resources works) stops the sites, lets the requests under way finish and their responses be sent for
 * up to the shutdown timeout (idle keep-alive connections close at once), cancels the handlers still running and
 * waits for them to end, aborts every connection left and runs the cleanup hooks. Nothing of the application
 * stays open or running after it returns.
 *
 * <p><b>Limits.</b> Whatever a client does, what its connection holds is bounded. Space: besides the request being
 * received or answered (up to the application's {@code clientMaxSize}) and its response, a connection holds at
 * most 16 pipelined requests and 64 KiB read ahead of the one being answered (plus the read that crossed it, up to
 * 256 KiB), and stops reading while more than the transport's high-water mark (64 KiB) of its answers waits for
 * the client; a large body is written 64 KiB at a time. A client that pipelines 1 MiB uploads and never reads
 * costs about 0.6 MiB beyond its current request (it was 17 MiB, with no limit on their number). Time: see
 * {@link #keepaliveTimeout}, {@link #requestHeadTimeout}, {@link #requestBodyTimeout}, {@link #sendTimeout},
 * {@link #lingeringTime}; their clocks run only while the server waits for the client. Number:
 * {@link #maxConnections}. {@link #stats()} shows
 * what is held now.
 *
 * <p>Threading: call every method from a task on the loop that runs the application.
 */
public final class AppRunner implements AutoCloseable {
    /** {@link #maxConnections(int)}'s default. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

    private final Application app;

    private double shutdownTimeout = 60.0;
    private double keepaliveTimeout = 75.0;
    private double requestHeadTimeout = 60.0;
    private double requestBodyTimeout = 60.0;
    private double requestBodyMinRate = 1024.0;
    private double sendTimeout = 60.0;
    private double lingeringTime = 10.0;
    private boolean handlerCancellation;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private AccessLog accessLog;
    private int autoCompress = -1;
    /** Connections made by the sites' protocol factory and not yet closed (counted before they are accepted whole). */
    private int admitted;
    private boolean acceptPaused;
    private EventLoop loop;
    private final Set<HttpConnection> connections = new LinkedHashSet<>();
    private final List<BaseSite> sites = new ArrayList<>();
    private boolean setUp;
    private boolean cleanedUp;
    /** Resolved when the last connection has closed, while {@link #cleanup()} waits for that. */
    private Future<Void> allClosed;

    /**
     * A runner for {@code app} (aiohttp's {@code web.AppRunner}); call {@link #setup()} before starting a site.
     *
     * @param app the application to serve
     * @throws NullPointerException if {@code app} is null
     */
    public AppRunner(Application app) {
        if (app == null) throw new NullPointerException("app");
        this.app = app;
    }

    /**
     * How long {@link #cleanup()} lets requests under way finish and their responses be sent, in seconds
     * (aiohttp's default: 60).
     *
     * @param seconds the grace period, 0 or more
     * @return this runner
     * @throws IllegalArgumentException if {@code seconds} is negative
     */
    public AppRunner shutdownTimeout(double seconds) {
        if (seconds < 0) throw new IllegalArgumentException("shutdownTimeout must be >= 0");
        this.shutdownTimeout = seconds;
        return this;
    }

    /**
     * How long a connection may stay without receiving a byte while the server waits for its client, in seconds
     * (aiohttp's {@code keepalive_timeout}, 75 by default; 0: never). Between requests the connection is then
     * closed quietly; in the middle of one, the request is answered 408 first.
     *
     * @param seconds the idle limit, 0 for none
     * @return this runner
     * @throws IllegalArgumentException if {@code seconds} is negative
     */
    public AppRunner keepaliveTimeout(double seconds) {
        if (seconds < 0) throw new IllegalArgumentException("keepaliveTimeout must be >= 0");
        this.keepaliveTimeout = seconds;
        return this;
    }

    /**
     * How long a request's head (request line and header fields) may take to arrive, from its first byte, in
     * seconds; past it the request is answered 408 and the connection closed. Default 60 (nginx's
     * {@code client_header_timeout}); 0: no deadline (a pause of the keep-alive timeout still ends it). aiohttp
     * has none: there, a client sending a byte now and then keeps a connection for ever.
     *
     * @param seconds the limit, 0 for none
     * @return this runner
     * @throws IllegalArgumentException if {@code seconds} is negative, infinite or NaN
     */
    public AppRunner requestHeadTimeout(double seconds) {
        this.requestHeadTimeout = checkSeconds("requestHeadTimeout", seconds);
        return this;
    }

    /**
     * The allowance of a request body, in seconds: the body is cut (408, then close) once it has taken longer
     * than this plus one second per {@link #requestBodyMinRate(double)} bytes received. With the defaults (60 s,
     * 1 KiB/s) a body must average 1 KiB/s after its first minute: a healthy slow upload goes through, one that
     * sends a byte every few seconds to hold the connection (R-U-Dead-Yet) is cut after about a minute. nginx cuts
     * only a pause of {@code client_body_timeout} (60 s) between two reads, which a byte every 59 s defeats;
     * Apache's mod_reqtimeout and Kestrel use a minimum rate after a grace period, as here.
     *
     * @param seconds the base allowance, 0 for none
     * @return this runner
     * @throws IllegalArgumentException if {@code seconds} is negative, infinite or NaN
     */
    public AppRunner requestBodyTimeout(double seconds) {
        this.requestBodyTimeout = checkSeconds("requestBodyTimeout", seconds);
        return this;
    }

    /**
     * The minimum average rate of a request body, in bytes per second (see {@link #requestBodyTimeout}); 0: none.
     *
     * @param bytesPerSecond the minimum rate, 0 for none
     * @return this runner
     * @throws IllegalArgumentException if {@code bytesPerSecond} is negative, infinite or NaN
     */
    public AppRunner requestBodyMinRate(double bytesPerSecond) {
        if (!(bytesPerSecond >= 0) || Double.isInfinite(bytesPerSecond)) {
            throw new IllegalArgumentException("requestBodyMinRate must be a number of bytes per second >= 0, got " + bytesPerSecond);
        }
        this.requestBodyMinRate = bytesPerSecond;
        return this;
    }

    /**
     * How long an answer may wait for its client to take a byte of it, in seconds; past it the connection is
     * dropped (nginx's {@code send_timeout}, 60 by default here too), also when the connection is closing and only
     * its last bytes wait. A client that stops reading otherwise holds its answer, and its connection, for ever.
     * 0: no limit.
     *
     * @param seconds the limit, 0 for none
     * @return this runner
     * @throws IllegalArgumentException if {@code seconds} is negative, infinite or NaN
     */
    public AppRunner sendTimeout(double seconds) {
        this.sendTimeout = checkSeconds("sendTimeout", seconds);
        return this;
    }

    /**
     * How long a connection closed after an answer while its client may still be sending (a body its handler did
     * not read, a 413, a request the parser refused) goes on reading and discarding before it closes, in seconds
     * (aiohttp's {@code lingering_time}, 10 by default; nginx's {@code lingering_close} and {@code lingering_time}).
     * Closing a socket with unread bytes makes the kernel send a reset, which can reach the client before it has
     * read the answer: it then sees "connection reset" instead of, say, its 413. The server shuts its sending side
     * after the answer (a plain TCP connection), reads until the client's end of stream, a pause of 5 seconds
     * (nginx's {@code lingering_timeout}), this time, or 64 MiB discarded, whichever comes first, then closes. 0:
     * close at once.
     *
     * @param seconds the limit, 0 to close at once
     * @return this runner
     * @throws IllegalArgumentException if {@code seconds} is negative, infinite or NaN
     */
    public AppRunner lingeringTime(double seconds) {
        this.lingeringTime = checkSeconds("lingeringTime", seconds);
        return this;
    }

    /**
     * Whether a handler's task is cancelled when its client goes away (aiohttp's {@code handler_cancellation};
     * off by default, as there). Off: the handler runs to its end and its answer is dropped, so work it started
     * (a database write) is not cut half-way. On: the handler gets a {@link io.jasyncio.CancelledError} at its
     * next await once the connection is lost, or once the client ends its side (an end of stream cannot be told
     * from a client that went away: Go and aiohttp take it as gone too), so that a long request nobody waits for
     * stops costing. A handler that switched protocols (a WebSocket's) is not cancelled: the protocol tells it.
     *
     * @param on whether to cancel the handler of a client that went away
     * @return this runner
     */
    public AppRunner handlerCancellation(boolean on) {
        this.handlerCancellation = on;
        return this;
    }

    /**
     * The most connections the sites hold at once (default {@value #DEFAULT_MAX_CONNECTIONS}). At the limit the
     * sites stop accepting: new clients wait in the listening socket's backlog (a burst costs them time, not an
     * error) and are taken as connections close; past the backlog the kernel drops their SYNs and they retry.
     * This bounds file descriptors and, with the per-connection bounds (the class comment), memory: a connection
     * whose client misbehaves holds at most about the application's {@code clientMaxSize} twice (the request being
     * answered and its response) plus 0.6 MiB, so size this to the heap when clients may be hostile: 10,000 such
     * clients are 26 GiB with the default 1 MiB (and 2 GiB with a 64 KiB {@code clientMaxSize}). 10,000 keeps what
     * one loop is known to serve at once (10,000 concurrent connections were served in the outside review; nginx
     * defaults to 512 per worker process and is usually raised), far below the descriptor limit the JVM raises
     * itself to on Linux, so the cap, not EMFILE, is what a flood of connections meets.
     *
     * @param n the limit, 1 or more
     * @return this runner
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public AppRunner maxConnections(int n) {
        if (n < 1) throw new IllegalArgumentException("maxConnections must be >= 1, got " + n);
        this.maxConnections = n;
        return this;
    }

    /**
     * Logs every answered request (aiohttp's {@code AppRunner(access_log=..., access_log_format=...)}); null,
     * the default, logs nothing and costs nothing. Set before {@link #setup()}.
     *
     * @param log the access log, or null for none
     * @return this runner
     * @throws IllegalStateException after {@link #setup()}
     */
    public AppRunner accessLog(AccessLog log) {
        if (setUp) throw new IllegalStateException("set the access log before setup()");
        this.accessLog = log;
        return this;
    }

    /**
     * Compresses responses of at least {@code minBytes} with a textual content type when the client accepts gzip
     * or deflate (Vert.x's {@code setCompressionSupported}; see {@link Compression}); -1, the default: only the
     * responses whose handler calls {@code enableCompression()}. Set before {@link #setup()}.
     *
     * @param minBytes the smallest body compressed, or -1 for off
     * @return this runner
     * @throws IllegalArgumentException if {@code minBytes} is less than -1
     * @throws IllegalStateException after {@link #setup()}
     */
    public AppRunner autoCompress(int minBytes) {
        if (setUp) throw new IllegalStateException("set autoCompress before setup()");
        if (minBytes < -1) throw new IllegalArgumentException("autoCompress takes a size >= 0, or -1 for off; got " + minBytes);
        this.autoCompress = minBytes;
        return this;
    }

    private static double checkSeconds(String what, double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException(what + " must be a number of seconds >= 0 (0: none), got " + seconds);
        }
        return seconds;
    }

    /** {@return the application served (aiohttp's {@code AppRunner.app})} */
    public Application app() {
        return app;
    }

    /**
     * Freezes the application and runs its startup signals (cleanup contexts, then {@code on_startup} hooks, in
     * order) on the running loop. If one fails, the contexts already entered are exited and the failure thrown.
     */
    public void setup() {
        if (setUp) throw new IllegalStateException("the runner is already set up");
        loop = Asyncio.getRunningLoop();
        app.freeze();
        setUp = true;
        try {
            app.startup();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("an on_startup hook of the application failed: " + e, e);
        }
    }

    /**
     * The sites serving the application.
     *
     * @return an unmodifiable list of the started sites
     */
    public List<BaseSite> sites() {
        return List.copyOf(sites);
    }

    /**
     * Connections open now, or lost while their handler still runs.
     *
     * @return the number of connections
     */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * What the runner's connections hold at this moment (as nginx's {@code stub_status}): how many are open, how
     * many have stopped reading their client (flow control: see {@link TcpSite}), and the bytes held for their
     * clients beyond the requests being answered and their responses (the request being received, unparsed
     * input, requests queued behind another, output the client has not taken yet), in all and by the connection
     * holding the most.
     *
     * <p>Threading: immutable.
     *
     * @param connections the connections open, or lost while their handler still runs
     * @param readingPaused how many of them have stopped reading their client
     * @param bufferedBytes the bytes held in all
     * @param maxBufferedBytes the bytes held by the connection holding the most
     */
    public record Stats(int connections, int readingPaused, long bufferedBytes, long maxBufferedBytes) {}

    /**
     * The {@link Stats} of this moment.
     *
     * @return a new snapshot
     */
    public Stats stats() {
        int paused = 0;
        long buffered = 0, max = 0;
        for (HttpConnection c : connections) {
            if (c.readingPaused()) paused++;
            long b = c.bufferedBytes();
            buffered += b;
            max = Math.max(max, b);
        }
        return new Stats(connections.size(), paused, buffered, max);
    }

    /**
     * Stops serving: closes the sites and the idle connections, waits up to the shutdown timeout for the requests
     * under way to be answered and their connections to close, then cancels the handlers still running, aborts
     * the connections left and waits for those handlers to end; runs the cleanup hooks. The application's
     * {@code on_shutdown} hooks run once the sites are stopped and idle connections closed, before the wait; its
     * cleanup contexts and {@code on_cleanup} hooks at the end (see {@link Application}). A second call does
     * nothing.
     *
     * <p>If the calling task is cancelled while this waits, the waiting stops there, but everything is still
     * closed and the hooks run before the {@link CancelledError} is thrown on.
     */
    public void cleanup() {
        if (!setUp || cleanedUp) return;
        cleanedUp = true;
        CancelledError cancelled = null;
        for (BaseSite s : List.copyOf(sites)) s.stop();
        for (HttpConnection c : List.copyOf(connections)) c.shutdown();
        Exception first = null;
        try {
            app.shutdown();
        } catch (CancelledError e) {
            cancelled = e;
        } catch (Exception e) {
            first = e;
        }
        if (!connections.isEmpty() && cancelled == null) {
            allClosed = loop.createFuture();
            try {
                Asyncio.waitFor(allClosed, shutdownTimeout);
            } catch (TimeoutError e) {
                // the connections still open are aborted below
            } catch (CancelledError e) {
                cancelled = e; // no more grace, but nothing is left open either
            }
        }
        List<Task<Void>> workers = new ArrayList<>();
        for (HttpConnection c : List.copyOf(connections)) {
            Task<Void> w = c.abort();
            if (w != null) workers.add(w);
        }
        try {
            if (!workers.isEmpty()) Asyncio.wait(workers); // the cancelled handlers end before the hooks run
        } catch (CancelledError e) {
            if (cancelled == null) cancelled = e;
        }
        try {
            for (BaseSite s : List.copyOf(sites)) s.waitClosed();
        } catch (CancelledError e) {
            if (cancelled == null) cancelled = e;
        }
        sites.clear();
        try {
            app.cleanup();
        } catch (CancelledError e) {
            if (cancelled == null) cancelled = e;
        } catch (Exception e) {
            if (first == null) first = e; else first.addSuppressed(e);
        }
        if (cancelled != null) {
            if (first != null) cancelled.addSuppressed(first);
            throw cancelled;
        }
        if (first instanceof RuntimeException re) throw re;
        if (first != null) throw new IllegalStateException("an on_shutdown or on_cleanup hook of the application failed: " + first, first);
    }

    @Override
    public void close() {
        cleanup();
    }

    // ---------------------------------------------------------------- for TcpSite and HttpConnection

    EventLoop loop() {
        if (!setUp) throw new IllegalStateException("call AppRunner.setup() first");
        return loop;
    }

    boolean serving() {
        return setUp && !cleanedUp;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    int autoCompress() {
        return autoCompress;
    }

    double keepaliveTimeout() {
        return keepaliveTimeout;
    }

    double requestHeadTimeout() {
        return requestHeadTimeout;
    }

    double requestBodyTimeout() {
        return requestBodyTimeout;
    }

    double requestBodyMinRate() {
        return requestBodyMinRate;
    }

    double sendTimeout() {
        return sendTimeout;
    }

    double lingeringTime() {
        return lingeringTime;
    }

    boolean handlerCancellation() {
        return handlerCancellation;
    }

    /**
     * The sites' protocol factory: a connection, counted at once, so that the accept loop stops at the limit
     * (a wake-up may otherwise accept a whole backlog before the connections are made).
     */
    HttpConnection newConnection() {
        if (++admitted >= maxConnections && !acceptPaused) {
            acceptPaused = true;
            for (BaseSite s : sites) s.pauseAccepting();
        }
        return new HttpConnection(this);
    }

    /** Refuses a site on a runner not set up or already cleaned up (before the site binds its port). */
    void checkServing() {
        if (!serving()) throw new IllegalStateException(cleanedUp ? "the runner has been cleaned up" : "call AppRunner.setup() first");
    }

    void addSite(BaseSite site) {
        checkServing();
        sites.add(site);
        if (acceptPaused) site.pauseAccepting();
    }

    void connectionOpened(HttpConnection c) {
        connections.add(c);
        if (cleanedUp) c.shutdown();
    }

    void connectionClosed(HttpConnection c) {
        connections.remove(c);
        if (--admitted < maxConnections && acceptPaused) {
            acceptPaused = false;
            for (BaseSite s : sites) s.resumeAccepting();
        }
        if (connections.isEmpty() && allClosed != null && !allClosed.done()) allClosed.setResult(null);
    }
}
