package io.jasyncio.http;

import io.jasyncio.transport.Net;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import java.net.InetSocketAddress;

/**
 * Serves an {@link AppRunner}'s application on a TCP host and port (aiohttp's {@code web.TCPSite}). Port 0
 * picks a free port: {@link #port()} tells which.
 *
 * <p>Threading: call from a task on the runner's loop.
 */
public final class TcpSite {
    private final AppRunner runner;
    private final String host;
    private final int port;
    private int backlog = ServerOptions.DEFAULT_BACKLOG;
    private Server server;

    public TcpSite(AppRunner runner, String host, int port) {
        if (runner == null) throw new NullPointerException("runner");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        this.runner = runner;
        this.host = host;
        this.port = port;
    }

    /**
     * The listen backlog: how many connections the kernel queues before the server accepts them (aiohttp's
     * {@code backlog}, 128 there). Default {@link ServerOptions#DEFAULT_BACKLOG}: the system's {@code somaxconn}
     * (or 511), so that a burst of clients waits in the queue instead of having its SYNs dropped and retried a
     * second later. Set before {@link #start()}.
     */
    public TcpSite backlog(int backlog) {
        if (backlog < 1) throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
        if (server != null) throw new IllegalStateException("set the backlog before start(): " + name());
        this.backlog = backlog;
        return this;
    }

    /** Binds and starts accepting connections; errors (port in use, unknown host) name the address. */
    public void start() {
        if (server != null) throw new IllegalStateException("the site is already started: " + name());
        runner.checkServing(); // refuses a runner not set up or cleaned up, before binding
        // Serving starts once the runner knows the site: at its connection limit, the site starts paused.
        server = Net.createServer(runner::newConnection, host, port,
                ServerOptions.DEFAULTS.withBacklog(backlog).withStartServing(false));
        runner.addSite(this);
        server.startServing();
    }

    /** Stops accepting connections (those open are the runner's to close). */
    public void stop() {
        if (server != null) server.close();
    }

    /** At the runner's connection limit: new clients wait in the backlog. */
    void pauseAccepting() {
        if (server != null) server.pauseAccepting();
    }

    void resumeAccepting() {
        if (server != null) server.resumeAccepting();
    }

    void waitClosed() {
        if (server != null) server.waitClosed();
    }

    /** The port bound (the one chosen when 0 was given); -1 before {@link #start()}. */
    public int port() {
        if (server == null || server.getSockets().isEmpty()) return -1;
        try {
            return ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** {@code http://host:port}. */
    public String name() {
        String h = host == null || host.isEmpty() ? "0.0.0.0" : host;
        if (h.indexOf(':') >= 0) h = "[" + h + "]";
        return "http://" + h + ":" + (server == null ? port : port());
    }

    @Override
    public String toString() {
        return "<TcpSite " + name() + ">";
    }
}
