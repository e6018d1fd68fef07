package io.jasyncio.http;

import java.io.IOException;

import io.jasyncio.transport.Net;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.tls.TlsOptions;
import java.net.InetSocketAddress;

/**
 * Serves an {@link AppRunner}'s application on a TCP host and port (aiohttp's {@code web.TCPSite}). Port 0
 * picks a free port: {@link #port()} tells which. With {@link TlsOptions} it serves HTTPS (aiohttp's
 * {@code ssl_context=}) through the library's TLS, offering ALPN {@code h2} (HTTP/2) and {@code http/1.1}; static files are then read and
 * encrypted in chunks instead of being sent zero-copy. With {@link #reusePort(boolean)}, several sites (one per
 * loop of a {@link io.jasyncio.LoopGroup}, or several processes) may serve the same port.
 *
 * <p>Threading: call from a task on the runner's loop.
 */
public final class TcpSite extends BaseSite {
    private final AppRunner runner;
    private final String host;
    private final int port;
    private final TlsOptions tls;
    private int backlog = ServerOptions.DEFAULT_BACKLOG;
    private boolean reusePort;
    /** A shard of a {@link io.jasyncio.transport.ShardedServer} this site serves on, made before the site; else null. */
    private final Server shard;

    /**
     * A plain HTTP site on {@code host:port} (aiohttp's {@code web.TcpSite}); nothing is bound before {@link #start()}.
     *
     * @param runner the runner whose application is served; set up already
     * @param host the host name or address to bind
     * @param port the port, 0 for one the system chooses
     */
    public TcpSite(AppRunner runner, String host, int port) {
        this(runner, host, port, null, null);
    }

    /**
     * An HTTPS site when {@code tls} ({@link TlsOptions#server}) is given; plain HTTP for null.
     *
     * @param runner the runner whose application is served; set up already
     * @param host the host name or address to bind
     * @param port the port, 0 for one the system chooses
     * @param tls the server's TLS options, or null for plain HTTP
     */
    public TcpSite(AppRunner runner, String host, int port, TlsOptions tls) {
        this(runner, host, port, tls, null);
    }

    private TcpSite(AppRunner runner, String host, int port, TlsOptions tls, Server shard) {
        this.tls = tls == null ? null : serverTls(tls);
        if (runner == null) throw new NullPointerException("runner");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        this.runner = runner;
        this.host = host;
        this.port = port;
        this.shard = shard;
    }

    /**
     * A site serving on loop {@code i}'s shard of {@code sharded} (see {@link Web#runApp(java.util.function.Supplier,
     * String, int, int)}); the shard was made with {@code runner}'s connections as its protocol factory and does
     * not serve yet. Call on loop {@code i}, which must be the runner's.
     */
    static TcpSite onShard(AppRunner runner, io.jasyncio.transport.ShardedServer sharded, int i, String host) {
        return new TcpSite(runner, host, sharded.port(), null, sharded.server(i));
    }

    /**
     * aiohttp's {@code reuse_port}: the listening socket gets {@code SO_REUSEPORT}, so that other sockets (of
     * this process or another of the same user) may listen on the same address, the kernel spreading the
     * connections over them. Set before {@link #start()}; refused at start where the system lacks it.
     *
     * @param on whether to set {@code SO_REUSEPORT}
     * @return this site
     * @throws IllegalStateException if the site has started or serves on a shard
     */
    public TcpSite reusePort(boolean on) {
        if (server != null) throw new IllegalStateException("set reusePort before start(): " + name());
        if (shard != null) throw new IllegalStateException("a site on a shard has its socket already: " + name());
        this.reusePort = on;
        return this;
    }

    /**
     * The listen backlog: how many connections the kernel queues before the server accepts them (aiohttp's
     * {@code backlog}, 128 there). Default {@link ServerOptions#DEFAULT_BACKLOG}: the system's {@code somaxconn}
     * (or 511), so that a burst of clients waits in the queue instead of having its SYNs dropped and retried a
     * second later. Set before {@link #start()}.
     *
     * @param backlog the listen backlog, 1 or more
     * @return this site
     * @throws IllegalArgumentException if {@code backlog} is less than 1
     * @throws IllegalStateException if the site has started
     */
    public TcpSite backlog(int backlog) {
        if (backlog < 1) throw new IllegalArgumentException("backlog must be >= 1, got " + backlog);
        if (server != null) throw new IllegalStateException("set the backlog before start(): " + name());
        this.backlog = backlog;
        return this;
    }

    /** Binds and starts accepting connections; errors (port in use, unknown host) name the address. */
    @Override
    public void start() throws IOException {
        if (server != null) throw new IllegalStateException("the site is already started: " + name());
        runner.checkServing(); // refuses a runner not set up or cleaned up, before binding
        // Serving starts once the runner knows the site: at its connection limit, the site starts paused.
        if (shard != null) {
            if (shard.getLoop() != runner.loop()) {
                throw new IllegalStateException("the shard belongs to " + shard.getLoop() + ", the runner to " + runner.loop());
            }
            server = shard;
        } else {
            ServerOptions options = ServerOptions.DEFAULTS.withBacklog(backlog).withReusePort(reusePort).withStartServing(false);
            server = tls == null ? Net.createServer(runner::newConnection, host, port, options)
                    : Net.createServer(runner::newConnection, host, port, options.withTls(tls));
        }
        runner.addSite(this);
        server.startServing();
    }

    /**
     * The port bound (the one chosen when 0 was given); -1 before {@link #start()}.
     *
     * @return the bound port, or -1
     */
    public int port() {
        if (shard != null) return port; // (a shard that only takes handed connections has no socket)
        if (server == null || server.getSockets().isEmpty()) return -1;
        try {
            return ((InetSocketAddress) server.getSockets().get(0).getLocalAddress()).getPort();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** {@code http://host:port}. */
    @Override
    public String name() {
        String h = host == null || host.isEmpty() ? "0.0.0.0" : host;
        if (h.indexOf(':') >= 0) h = "[" + h + "]";
        return (tls == null ? "http://" : "https://") + h + ":" + (server == null ? port : port());
    }

    @Override
    public String toString() {
        return "<TcpSite " + name() + ">";
    }
}
