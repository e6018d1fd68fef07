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
 * it and runs its startup hooks; {@link TcpSite}s then serve it; {@link #cleanup()} (or {@link #close()}, so
 * try-with-resources works) stops the sites, lets the requests under way finish and their responses be sent for
 * up to the shutdown timeout (idle keep-alive connections close at once), cancels the handlers still running and
 * waits for them to end, aborts every connection left and runs the cleanup hooks. Nothing of the application
 * stays open or running after it returns.
 *
 * <p>Threading: call every method from a task on the loop that runs the application.
 */
public final class AppRunner implements AutoCloseable {
    private final Application app;
    private double shutdownTimeout = 60.0;
    private double keepaliveTimeout = 75.0;
    private EventLoop loop;
    private final Set<HttpConnection> connections = new LinkedHashSet<>();
    private final List<TcpSite> sites = new ArrayList<>();
    private boolean setUp;
    private boolean cleanedUp;
    /** Resolved when the last connection has closed, while {@link #cleanup()} waits for that. */
    private Future<Void> allClosed;

    public AppRunner(Application app) {
        if (app == null) throw new NullPointerException("app");
        this.app = app;
    }

    /**
     * How long {@link #cleanup()} lets requests under way finish and their responses be sent, in seconds
     * (aiohttp's default: 60).
     */
    public AppRunner shutdownTimeout(double seconds) {
        if (seconds < 0) throw new IllegalArgumentException("shutdownTimeout must be >= 0");
        this.shutdownTimeout = seconds;
        return this;
    }

    /**
     * How long a connection may stay without a request under way and without receiving a byte before it is
     * closed, in seconds (aiohttp's {@code keepalive_timeout}, 75 by default; 0: never).
     */
    public AppRunner keepaliveTimeout(double seconds) {
        if (seconds < 0) throw new IllegalArgumentException("keepaliveTimeout must be >= 0");
        this.keepaliveTimeout = seconds;
        return this;
    }

    public Application app() {
        return app;
    }

    /** Freezes the application and runs its startup hooks, in order, on the running loop. */
    public void setup() {
        if (setUp) throw new IllegalStateException("the runner is already set up");
        loop = Asyncio.getRunningLoop();
        app.freeze();
        setUp = true;
        for (Application.Hook h : app.startupHooks()) {
            try {
                h.run(app);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("an on_startup hook of the application failed: " + e, e);
            }
        }
    }

    /** The sites serving the application. */
    public List<TcpSite> sites() {
        return List.copyOf(sites);
    }

    /** Connections open now, or lost while their handler still runs. */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Stops serving: closes the sites and the idle connections, waits up to the shutdown timeout for the requests
     * under way to be answered and their connections to close, then cancels the handlers still running, aborts
     * the connections left and waits for those handlers to end; runs the cleanup hooks in reverse order. A second
     * call does nothing.
     *
     * <p>If the calling task is cancelled while this waits, the waiting stops there, but everything is still
     * closed and the hooks run before the {@link CancelledError} is thrown on.
     */
    public void cleanup() {
        if (!setUp || cleanedUp) return;
        cleanedUp = true;
        CancelledError cancelled = null;
        for (TcpSite s : List.copyOf(sites)) s.stop();
        for (HttpConnection c : List.copyOf(connections)) c.shutdown();
        if (!connections.isEmpty()) {
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
            for (TcpSite s : List.copyOf(sites)) s.waitClosed();
        } catch (CancelledError e) {
            if (cancelled == null) cancelled = e;
        }
        sites.clear();
        List<Application.Hook> hooks = new ArrayList<>(app.cleanupHooks());
        java.util.Collections.reverse(hooks);
        Exception first = null;
        for (Application.Hook h : hooks) {
            try {
                h.run(app);
            } catch (Exception e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        if (cancelled != null) {
            if (first != null) cancelled.addSuppressed(first);
            throw cancelled;
        }
        if (first instanceof RuntimeException re) throw re;
        if (first != null) throw new IllegalStateException("an on_cleanup hook of the application failed: " + first, first);
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

    double keepaliveTimeout() {
        return keepaliveTimeout;
    }

    /** Refuses a site on a runner not set up or already cleaned up (before the site binds its port). */
    void checkServing() {
        if (!serving()) throw new IllegalStateException(cleanedUp ? "the runner has been cleaned up" : "call AppRunner.setup() first");
    }

    void addSite(TcpSite site) {
        checkServing();
        sites.add(site);
    }

    void connectionOpened(HttpConnection c) {
        connections.add(c);
        if (cleanedUp) c.shutdown();
    }

    void connectionClosed(HttpConnection c) {
        connections.remove(c);
        if (connections.isEmpty() && allClosed != null && !allClosed.done()) allClosed.setResult(null);
    }
}
