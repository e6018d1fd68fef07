package io.jasyncio.tls;

import java.io.IOException;

import io.jasyncio.internal.tls.TlsLayer;
import io.jasyncio.streams.Streams;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.ConnectOptions;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.Transport;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * asyncio's {@code loop.start_tls} ({@link #startTls}): TLS over a connection that is already up. A connection
 * that is TLS from the start comes from the options of {@code Net.createConnection}/{@code createServer}/
 * {@code createUnixConnection}/{@code createUnixServer}/{@code connectAcceptedSocket} and of the {@link Streams}
 * functions ({@link ConnectOptions#tls()}, {@link ServerOptions#tls()}), which put the same TLS layer (asyncio's
 * {@code sslproto}) under the application's protocol; what follows holds for both.
 *
 * <p>Client calls return once the TLS handshake is done. A failed handshake fails that call (servers: closes
 * that connection only) with an {@link javax.net.ssl.SSLHandshakeException} naming the peer's address (an
 * untrusted or mismatched certificate, a peer that does not speak TLS), a {@link java.net.SocketTimeoutException}
 * when the handshake takes longer than {@link TlsOptions#handshakeTimeout()}, or a
 * {@link java.net.SocketException} when the peer closes the connection during the handshake.
 *
 * <p>Threading: every method suspends the calling task and must be called from a task of the running loop.
 */
public final class Tls {
    private Tls() {}

    /**
     * asyncio's {@code loop.start_tls(transport, protocol, sslcontext, server_side=, server_hostname=, ...)}:
     * upgrades a plain (or TLS) connection in place and returns the new transport once the handshake is done;
     * {@code protocol} must use it from now on (its {@code connectionMade} is not called again). On failure or
     * cancellation the old transport is closed.
     *
     * @param transport a plain socket transport (or a TLS one, for TLS in TLS)
     * @param protocol the protocol that uses the connection
     * @param tls the options; their side is this end's
     * @return the TLS transport {@code protocol} must use from now on
     * @throws IOException if the handshake fails (then {@code transport} is closed)
     */
    public static Transport startTls(Transport transport, BaseProtocol protocol, TlsOptions tls) throws IOException {
        return TlsLayer.startTls(transport, protocol, tls);
    }

    /**
     * {@link #startTls(Transport, BaseProtocol, TlsOptions)} with asyncio's arguments: a server side uses
     * {@code TlsOptions.server(context)}, a client {@code TlsOptions.client(context)} checking
     * {@code serverHostname}.
     *
     * @param transport a plain socket transport (or a TLS one, for TLS in TLS)
     * @param protocol the protocol that uses the connection
     * @param context the JSSE context
     * @param serverSide whether this end is the TLS server
     * @param serverHostname clients: the name to verify and send as SNI
     * @return the TLS transport {@code protocol} must use from now on
     * @throws IOException if the handshake fails (then {@code transport} is closed)
     */
    public static Transport startTls(Transport transport, BaseProtocol protocol, SSLContext context, boolean serverSide,
            String serverHostname) throws IOException {
        Objects.requireNonNull(context, "sslcontext is expected to be an SSLContext, got null");
        TlsOptions tls = serverSide ? TlsOptions.server(context) : TlsOptions.client(context).withServerHostname(serverHostname);
        return startTls(transport, protocol, tls);
    }
}
