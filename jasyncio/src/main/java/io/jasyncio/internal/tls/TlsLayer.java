package io.jasyncio.internal.tls;

import java.io.IOException;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import io.jasyncio.internal.io.SocketTransport;
import io.jasyncio.tls.TlsOptions;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Transport;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where {@code Net}, {@code ShardedServer} and {@link io.jasyncio.tls.Tls#startTls} put the TLS layer under an
 * application's protocol: the client and accepted-connection layers, the server's protocol factory, and
 * {@code start_tls}. Not API: the public way in is {@link TlsOptions} in the options of {@code Net} and
 * {@code Streams}, and {@code Tls.startTls}.
 *
 * <p>Threading: every method runs on the loop's thread; those that return a connection suspend the calling
 * task until the handshake is done.
 */
public final class TlsLayer {
    private TlsLayer() {}

    /** Makes the plain connection under the TLS layer, with the layer as its protocol; returns its transport. */
    @FunctionalInterface
    public interface PlainConnect {
        /**
         * Opens the plain connection.
         *
         * @param tlsLayer makes the protocol of the plain connection: the TLS layer
         * @return the plain connection's transport
         * @throws IOException if the connection cannot be made
         */
        Transport open(Supplier<? extends BaseProtocol> tlsLayer) throws IOException;
    }

    /**
     * The TLS client over a plain connection that {@code connect} makes (what {@link Net} does with
     * {@link ConnectOptions#tls()}): returns the application's side once the handshake is done. The server's
     * name to verify is {@code tls.serverHostname()}, else {@code host}; a Unix socket (null host) needs
     * {@code tls.serverHostname()}, as asyncio's "you have to pass server_hostname when using ssl".
     *
     * @param <P> the application's protocol type
     * @param protocolFactory makes the application's protocol
     * @param tls client options
     * @param host the host connected to (null: none, a socket path or an already connected channel)
     * @param port the remote port (a hint for the session cache; 0 if none)
     * @param unixPath whether the connection goes to a Unix socket path (for the error message)
     * @param connect makes the plain connection
     * @return the TLS connection
     * @throws IOException if connecting or the handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> client(Supplier<P> protocolFactory, TlsOptions tls, String host,
            int port, boolean unixPath, PlainConnect connect) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (tls.serverSide()) throw new IllegalArgumentException("a TLS client needs TlsOptions.client(...), got server options");
        if (unixPath && tls.serverHostname() == null) {
            throw new IllegalArgumentException("you have to pass server_hostname when using ssl: a Unix socket path "
                    + "names no host; use TlsOptions.withServerHostname(name), or \"\" with withCheckHostname(false)");
        }
        String name = tls.serverHostname() != null ? tls.serverHostname() : host;
        if (host == null && !unixPath && tls.checkHostname() && (name == null || name.isEmpty())) {
            throw new IllegalArgumentException("You must set server_hostname when using ssl without a host: "
                    + "TlsOptions.withServerHostname(...)");
        }
        checkHostnameGiven(tls, name);
        return over(protocolFactory, tls, name, port, connect);
    }

    /**
     * The TLS server over one connection accepted elsewhere (asyncio's {@code connect_accepted_socket(ssl=)}, what
     * {@link Net#connectAcceptedSocket} does with {@link ConnectOptions#tls()}).
     *
     * @param <P> the application's protocol type
     * @param protocolFactory makes the application's protocol
     * @param tls server options
     * @param port the remote port (a hint for the session cache; 0 if none)
     * @param connect makes the plain connection
     * @return the TLS connection, once the handshake is done
     * @throws IOException if the handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> accepted(Supplier<P> protocolFactory, TlsOptions tls, int port,
            PlainConnect connect) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (!tls.serverSide()) throw new IllegalArgumentException("connectAcceptedSocket needs server TlsOptions");
        return over(protocolFactory, tls, tls.serverHostname(), port, connect);
    }

    /**
     * The protocol factory of a TLS server (what {@link Net} does with {@link ServerOptions#tls()}): each accepted
     * connection gets the TLS layer over a new protocol from {@code protocolFactory}, whose {@code connectionMade}
     * runs after the handshake; a connection whose handshake fails is closed.
     *
     * @param protocolFactory makes the application's protocol of each connection
     * @param tls server options
     * @return the factory of the TLS layers
     */
    public static Supplier<BaseProtocol> serverLayer(Supplier<? extends BaseProtocol> protocolFactory, TlsOptions tls) {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (!tls.serverSide()) throw new IllegalArgumentException("a TLS server needs TlsOptions.server(context)");
        EventLoop loop = Asyncio.getRunningLoop();
        return () -> new SslProtocol(loop, protocolFactory.get(), tls, null, 0, null, true);
    }

    /**
     * Makes the plain connection with {@code connect}, its protocol being the TLS layer over the application's
     * protocol, and returns the application's side once the handshake is done.
     */
    private static <P extends BaseProtocol> Connection<P> over(Supplier<P> protocolFactory, TlsOptions tls,
            String name, int port, PlainConnect connect) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        Future<Void> waiter = loop.createFuture();
        Layer<P> layer = new Layer<>();
        Transport raw = connect.open(() -> layer.make(loop, protocolFactory, tls, name, port, waiter));
        awaitHandshake(raw, waiter);
        return new Connection<>(layer.ssl.appTransport(), layer.app);
    }

    /** {@link io.jasyncio.tls.Tls#startTls(Transport, BaseProtocol, TlsOptions)}, which documents it. */
    public static Transport startTls(Transport transport, BaseProtocol protocol, TlsOptions tls) throws IOException {
        Objects.requireNonNull(protocol, "protocol");
        if (!(transport instanceof SocketTransport) && !(transport instanceof SslAppTransport)) {
            throw new IllegalArgumentException("transport " + transport + " is not supported by start_tls()");
        }
        String name = tls.serverSide() ? null : tls.serverHostname();
        if (!tls.serverSide()) checkHostnameGiven(tls, name);
        EventLoop loop = Asyncio.getRunningLoop();
        Future<Void> waiter = loop.createFuture();
        SslProtocol ssl = new SslProtocol(loop, protocol, tls, name, SslProtocol.portOf(transport.getExtraInfo("peername")),
                waiter, false);
        // Pause first, so that no data reaches the TLS layer before its connectionMade.
        transport.pauseReading();
        transport.setProtocol(ssl);
        Handle conmade = loop.callSoon(() -> ssl.connectionMade(transport));
        Handle resume = loop.callSoon(transport::resumeReading);
        try {
            Asyncio.await(waiter);
        } catch (Throwable e) {
            transport.close();
            conmade.cancel();
            resume.cancel();
            throw e;
        }
        return ssl.appTransport();
    }

    // ---------------------------------------------------------------- helpers

    /** Holds what the protocol factory made, once the plain connection is up. */
    private static final class Layer<P extends BaseProtocol> {
        P app;
        SslProtocol ssl;

        SslProtocol make(EventLoop loop, Supplier<P> factory, TlsOptions tls, String name, int port, Future<Void> waiter) {
            app = Objects.requireNonNull(factory.get(), "the protocol factory returned null");
            ssl = new SslProtocol(loop, app, tls, name, port, waiter, true);
            return ssl;
        }
    }

    private static void awaitHandshake(Transport raw, Future<Void> waiter) {
        try {
            Asyncio.await(waiter);
        } catch (Throwable e) {
            raw.close();
            throw e;
        }
    }

    private static void checkHostnameGiven(TlsOptions tls, String name) {
        if (tls.checkHostname() && (name == null || name.isEmpty())) {
            throw new IllegalArgumentException("check_hostname requires server_hostname: give TlsOptions a "
                    + "serverHostname, or turn the check off with withCheckHostname(false)");
        }
    }
}
