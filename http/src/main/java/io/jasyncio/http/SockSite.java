package io.jasyncio.http;

import io.jasyncio.tls.TlsOptions;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.ServerOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * Serves an {@link AppRunner}'s application on a listening socket made elsewhere (aiohttp's {@code web.SockSite}):
 * one handed over by a supervisor ({@code systemd} socket activation, {@code System.inheritedChannel()}), bound
 * with options this library does not set, or bound before privileges were dropped. A TCP or Unix-domain
 * {@link ServerSocketChannel}, bound already; with {@link TlsOptions} it serves HTTPS, as {@link TcpSite}.
 *
 * <p>From {@link #start()} the site owns the socket, as asyncio's {@code create_server(sock=...)} does: stopping
 * the site (or the runner's cleanup) closes it, and removes a Unix socket's file.
 *
 * <p>Threading: call from a task on the runner's loop.
 */
public final class SockSite extends BaseSite {
    private final AppRunner runner;
    private final ServerSocketChannel sock;
    private final TlsOptions tls;
    private final String name;

    /**
     * A plain HTTP site on {@code sock}, a bound {@link ServerSocketChannel}.
     *
     * @param runner the runner whose application is served; set up already
     * @param sock the bound server socket to accept on
     */
    public SockSite(AppRunner runner, ServerSocketChannel sock) {
        this(runner, sock, null);
    }

    /**
     * An HTTPS site on {@code sock} when {@code tls} ({@link TlsOptions#server}) is given; plain HTTP for null.
     *
     * @param runner the runner whose application is served; set up already
     * @param sock the bound server socket to accept on
     * @param tls the server's TLS options, or null for plain HTTP
     */
    public SockSite(AppRunner runner, ServerSocketChannel sock, TlsOptions tls) {
        if (runner == null) throw new NullPointerException("runner");
        if (sock == null) throw new NullPointerException("sock");
        if (!sock.isOpen()) throw new IllegalArgumentException("the socket is closed: " + sock);
        SocketAddress local;
        try {
            local = sock.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the socket's address: " + e.getMessage(), e);
        }
        if (local == null) {
            throw new IllegalArgumentException("the socket is not bound: bind it (sock.bind(address)) before handing it to a SockSite");
        }
        this.runner = runner;
        this.sock = sock;
        this.tls = tls == null ? null : serverTls(tls);
        this.name = name(local, this.tls != null);
    }

    /** aiohttp's names: {@code http://host:port}, {@code https://host:port}, {@code http://unix:/path:}. */
    private static String name(SocketAddress local, boolean secure) {
        String scheme = secure ? "https://" : "http://";
        if (local instanceof UnixDomainSocketAddress u) return scheme + "unix:" + u.getPath() + ":";
        InetSocketAddress a = (InetSocketAddress) local;
        String h = a.getAddress().getHostAddress();
        if (h.indexOf(':') >= 0) h = "[" + h + "]";
        return scheme + h + ":" + a.getPort();
    }

    /**
     * The socket served.
     *
     * @return the server socket given to the constructor
     */
    public ServerSocketChannel socket() {
        return sock;
    }

    /** Starts accepting connections on the socket. */
    @Override
    public void start() throws IOException {
        if (server != null) throw new IllegalStateException("the site is already started: " + name());
        runner.checkServing();
        ServerOptions options = ServerOptions.DEFAULTS.withStartServing(false);
        server = Net.createServer(runner::newConnection, sock, tls == null ? options : options.withTls(tls));
        runner.addSite(this);
        server.startServing();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "<SockSite " + name() + ">";
    }
}
