package io.jasyncio.http;

import java.io.IOException;

import io.jasyncio.tls.TlsOptions;
import io.jasyncio.transport.Server;
import javax.net.ssl.SSLParameters;

/**
 * Where an {@link AppRunner}'s application is served (aiohttp's {@code web.BaseSite}): a TCP host and port
 * ({@link TcpSite}, plain or HTTPS), a Unix socket ({@link UnixSite}) or a listening socket made elsewhere
 * ({@link SockSite}). {@link #start()} binds and serves;
 * the runner's {@link AppRunner#cleanup()} stops every site.
 *
 * <p>Threading: call from a task on the runner's loop.
 */
public abstract sealed class BaseSite permits TcpSite, UnixSite, SockSite {
    /** The listening server, once {@link #start()} made it. */
    Server server;

    BaseSite() {}

    /**
     * Binds and starts accepting connections.
     *
     * @throws IOException if the address cannot be bound
     */
    public abstract void start() throws IOException;

    /**
     * Where it serves: {@code http://host:port}, {@code https://host:port}, {@code http://unix:/path:}.
     *
     * @return the site's address as a URL-like string
     */
    public abstract String name();

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

    /**
     * {@code tls} as a server's, offering ALPN's {@code h2} then {@code http/1.1} unless it names protocols already
     * (a client negotiating ALPN gets an answer; one choosing h2 is served HTTP/2).
     */
    static TlsOptions serverTls(TlsOptions tls) {
        if (!tls.serverSide()) throw new IllegalArgumentException("an HTTPS site needs server TLS options (TlsOptions.server(context))");
        SSLParameters p = tls.parameters() != null ? tls.parameters() : tls.context().getDefaultSSLParameters();
        if (p.getApplicationProtocols() == null || p.getApplicationProtocols().length == 0) {
            p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        }
        return tls.withParameters(p);
    }
}
