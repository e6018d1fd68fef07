package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimeoutError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs an {@link Application} on the running loop (aiohttp's {@code web.AppRunner}): {@link #setup()} freezes
 * it and runs its startup hooks; {@link TcpSite}s then serve it; {@link #cleanup()} (or {@link #close()}, so
 * try-with-resources works) stops the sites, lets the requests under way finish for up to the shutdown timeout
 * (idle keep-alive connections close at once), cancels what is left, closes every connection and runs the
 * cleanup hooks. Nothing of the application stays open after it returns.
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
    private Future<Void> idle;

    public AppRunner(Application app) {
        if (app == null) throw new NullPointerException("app");
        this.app = app;
    }

    /** How long {@link #cleanup()} lets requests under way finish, in seconds (aiohttp's default: 60). */
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

    /** Connections open now. */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Stops serving: closes the sites, waits up to the shutdown timeout for requests under way, then cancels
     * their handlers and closes every connection; runs the cleanup hooks in reverse order. A second call does
     * nothing.
     */
    public void cleanup() {
        if (!setUp || cleanedUp) return;
        cleanedUp = true;
        for (TcpSite s : List.copyOf(sites)) s.stop();
        for (HttpConnection c : List.copyOf(connections)) c.shutdown();
        if (anyBusy()) {
            idle = loop.createFuture();
            try {
                Asyncio.waitFor(idle, shutdownTimeout);
            } catch (TimeoutError e) {
                // the handlers still running are cancelled below
            }
        }
        for (HttpConnection c : List.copyOf(connections)) c.abort();
        for (TcpSite s : List.copyOf(sites)) s.waitClosed();
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
        if (first instanceof RuntimeException re) throw re;
        if (first != null) throw new IllegalStateException("an on_cleanup hook of the application failed: " + first, first);
    }

    @Override
    public void close() {
        cleanup();
    }

    private boolean anyBusy() {
        for (HttpConnection c : connections) if (c.busy()) return true;
        return false;
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

    void addSite(TcpSite site) {
        if (!serving()) throw new IllegalStateException(cleanedUp ? "the runner has been cleaned up" : "call AppRunner.setup() first");
        sites.add(site);
    }

    void connectionOpened(HttpConnection c) {
        connections.add(c);
        if (cleanedUp) c.shutdown();
    }

    void connectionClosed(HttpConnection c) {
        connections.remove(c);
        requestsDone(c);
    }

    /** A connection has no request under way any more: the shutdown may be able to go on. */
    void requestsDone(HttpConnection c) {
        if (idle != null && !idle.done() && !anyBusy()) idle.setResult(null);
    }
}
