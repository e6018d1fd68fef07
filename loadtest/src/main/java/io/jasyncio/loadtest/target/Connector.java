package io.jasyncio.loadtest.target;

import io.jasyncio.transport.ConnectOptions;
import java.io.IOException;

import io.jasyncio.tls.TlsOptions;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Net;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How the load tester opens its connections: over TLS for {@code https} (the library's TLS; the JDK's trusted
 * authorities and a host-name check, or, with {@code insecure}, any certificate, for self-signed test servers),
 * and from which local addresses: connection {@code i} is bound to source address {@code i mod n} (none given:
 * the system's choice). One source address gives at most ~28,000 connections to one server (the ephemeral
 * ports); several (127.0.0.1, 127.0.0.2, ... on loopback) give that many each.
 *
 * <p>Threading: immutable; {@link #connect} is a coroutine on the caller's loop.
 *
 * @param insecure whether https accepts any certificate and host name ({@code --insecure})
 * @param sources local addresses to bind connections to, in turn (empty: the system's choice)
 */
public record Connector(boolean insecure, List<InetAddress> sources) {
    /** Plain connections, verified TLS, no source address. */
    public static final Connector DEFAULT = new Connector(false, List.of());

    /** Copies the sources. */
    public Connector {
        sources = List.copyOf(sources);
    }

    /**
     * Source addresses from "A,B,..." (IP literals only: nothing is looked up); a bad one is an
     * IllegalArgumentException.
     *
     * @param text comma-separated IP literals (IPv6 in brackets or not)
     * @return the addresses, at most 256
     * @throws IllegalArgumentException an entry is not an IP literal, or there are more than 256
     */
    public static List<InetAddress> parseSources(String text) {
        List<InetAddress> out = new ArrayList<>();
        for (String s : text.split(",", -1)) {
            String a = s.strip();
            if (a.startsWith("[") && a.endsWith("]")) a = a.substring(1, a.length() - 1);
            try {
                out.add(InetAddress.ofLiteral(a));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--source-addresses: '" + s + "' is not an IP address");
            }
        }
        if (out.size() > 256) throw new IllegalArgumentException("--source-addresses: at most 256 addresses");
        return out;
    }

    /**
     * Opens connection number {@code index} to {@code host:port} (TLS when {@code tls}) with {@code protocol};
     * returns once connected (and the TLS handshake is done).
     *
     * @param <P> the protocol's type
     * @param protocol makes the connection's protocol
     * @param tls whether to speak TLS
     * @param host the host to connect to
     * @param port the port
     * @param index the connection's number (which source address it binds to)
     * @return the connection
     * @throws IOException connecting failed (refused, unreachable, the TLS handshake)
     */
    public <P extends BaseProtocol> Connection<P> connect(Supplier<P> protocol, boolean tls, String host, int port, int index) throws IOException {
        InetSocketAddress local = sources.isEmpty() ? null : new InetSocketAddress(sources.get(Math.floorMod(index, sources.size())), 0);
        if (!tls) return Net.createConnection(protocol, host, port, ConnectOptions.DEFAULTS.withLocalAddr(local));
        return Net.createConnection(protocol, host, port, ConnectOptions.DEFAULTS.withLocalAddr(local).withTls(tlsOptions(host)));
    }

    /**
     * Makes a TLS engine once, off any loop: the JDK's first one loads and initialises its TLS classes (a second
     * or more), which on a loop would hold it while it should be sending.
     */
    public void warmUpTls() {
        tlsOptions("localhost").context().createSSLEngine().getSSLParameters();
    }

    private TlsOptions tlsOptions(String host) {
        TlsOptions o = insecure ? TlsOptions.client(TrustAll.CONTEXT).withCheckHostname(false) : TlsOptions.client();
        return o.withServerHostname(host);
    }

    /** The context of {@code --insecure}: every certificate is accepted, as curl -k and wrk do. */
    private static final class TrustAll implements X509TrustManager {
        static final SSLContext CONTEXT = context();

        private static SSLContext context() {
            try {
                SSLContext c = SSLContext.getInstance("TLS");
                c.init(null, new TrustManager[] {new TrustAll()}, null);
                return c;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JVM has no TLS context", e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
