package io.jasyncio.tls;

import java.io.IOException;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import io.jasyncio.internal.io.SocketTransport;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamReaderProtocol;
import io.jasyncio.streams.StreamWriter;
import io.jasyncio.streams.Streams;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.Connection;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.Transport;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * TLS connections (asyncio's {@code ssl=} argument of {@code create_connection}, {@code create_server},
 * {@code create_unix_connection}, {@code create_unix_server}, {@code open_connection}, {@code start_server},
 * {@code open_unix_connection}, {@code start_unix_server}, {@code connect_accepted_socket}, and
 * {@code loop.start_tls}),
 * over the plain transports of {@link Net}. {@link Net} and {@link Streams} have overloads taking
 * {@link TlsOptions} that call these.
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
     * Connects to {@code host:port} and runs the TLS handshake; the server's name to verify is
     * {@code tls.serverHostname()}, or {@code host} when that is null.
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host,
            int port, TlsOptions tls) throws IOException {
        return createConnection(protocolFactory, host, port, null, null, tls);
    }

    /**
     * {@link #createConnection(Supplier, String, int, TlsOptions)} with asyncio's {@code happy_eyeballs_delay}
     * and {@code local_addr} (either may be null), which apply to the TCP connection as in
     * {@link Net#createConnection(Supplier, String, int, Double, InetSocketAddress)}.
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host,
            int port, Double happyEyeballsDelay, InetSocketAddress localAddr, TlsOptions tls) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        requireClient(tls);
        String name = tls.serverHostname() != null ? tls.serverHostname() : host;
        checkHostnameGiven(tls, name);
        return overConnection(protocolFactory, tls, name, port,
                ssl -> Net.createConnection(ssl, host, port, happyEyeballsDelay, localAddr));
    }

    /**
     * asyncio's {@code create_unix_connection(path, ssl=, server_hostname=)}: connects to the Unix domain socket
     * at {@code path} and runs the TLS handshake. A path names no host, so {@code tls.serverHostname()} must be
     * given (asyncio's "you have to pass server_hostname when using ssl"): the name to verify, or {@code ""} with
     * the host name check off.
     */
    public static <P extends BaseProtocol> Connection<P> createUnixConnection(Supplier<P> protocolFactory, Path path,
            TlsOptions tls) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        requireClient(tls);
        if (tls.serverHostname() == null) {
            throw new IllegalArgumentException("you have to pass server_hostname when using ssl: a Unix socket path "
                    + "names no host; use TlsOptions.withServerHostname(name), or \"\" with withCheckHostname(false)");
        }
        checkHostnameGiven(tls, tls.serverHostname());
        return overConnection(protocolFactory, tls, tls.serverHostname(), 0, ssl -> Net.createUnixConnection(ssl, path));
    }

    /**
     * Runs a TLS client over an already connected channel; {@code tls.serverHostname()} must be given unless
     * the host name check is off.
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, SocketChannel sock,
            TlsOptions tls) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (!tls.serverSide() && tls.checkHostname() && (tls.serverHostname() == null || tls.serverHostname().isEmpty())) {
            throw new IllegalArgumentException("You must set server_hostname when using ssl without a host: "
                    + "TlsOptions.withServerHostname(...)");
        }
        return overChannel(protocolFactory, sock, tls);
    }

    /** asyncio's {@code connect_accepted_socket(..., ssl=)}: serves an accepted channel as the TLS server. */
    public static <P extends BaseProtocol> Connection<P> connectAcceptedSocket(Supplier<P> protocolFactory,
            SocketChannel sock, TlsOptions tls) throws IOException {
        if (!tls.serverSide()) throw new IllegalArgumentException("connectAcceptedSocket needs server TlsOptions");
        return overChannel(protocolFactory, sock, tls);
    }

    private static <P extends BaseProtocol> Connection<P> overChannel(Supplier<P> protocolFactory, SocketChannel sock,
            TlsOptions tls) throws IOException {
        int port = SslProtocol.portOf(remoteAddress(sock));
        return overConnection(protocolFactory, tls, tls.serverHostname(), port, ssl -> Net.createConnection(ssl, sock));
    }

    /**
     * Makes the plain connection with {@code connect}, its protocol being the TLS layer over the application's
     * protocol, and returns the application's side once the handshake is done.
     */
    private static <P extends BaseProtocol> Connection<P> overConnection(Supplier<P> protocolFactory, TlsOptions tls,
            String name, int port, PlainConnect connect) throws IOException {
        EventLoop loop = Asyncio.getRunningLoop();
        Future<Void> waiter = loop.createFuture();
        Layer<P> layer = new Layer<>();
        Connection<SslProtocol> raw = connect.open(() -> layer.make(loop, protocolFactory, tls, name, port, waiter));
        awaitHandshake(raw.transport(), waiter);
        return new Connection<>(layer.ssl.appTransport(), layer.app);
    }

    /** Makes the plain connection under the TLS layer. */
    private interface PlainConnect {
        Connection<SslProtocol> open(Supplier<SslProtocol> tlsLayer) throws IOException;
    }

    /**
     * Listens on {@code host:port} and serves each accepted connection over TLS with a new protocol from
     * {@code protocolFactory}, whose {@code connectionMade} runs after the handshake. A connection whose
     * handshake fails is closed; the server goes on.
     */
    public static Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
            ServerOptions options, TlsOptions tls) throws IOException {
        return Net.createServer(serverFactory(protocolFactory, tls), host, port, options);
    }

    /** {@link #createServer(Supplier, String, int, ServerOptions, TlsOptions)} on an already bound channel. */
    public static Server createServer(Supplier<? extends BaseProtocol> protocolFactory, ServerSocketChannel sock,
            ServerOptions options, TlsOptions tls) throws IOException {
        return Net.createServer(serverFactory(protocolFactory, tls), sock, options);
    }

    /**
     * asyncio's {@code create_unix_server(path, ssl=)}: {@link Net#createUnixServer(Supplier, Path, ServerOptions)}
     * serving each connection over TLS, as {@link #createServer(Supplier, String, int, ServerOptions, TlsOptions)}.
     */
    public static Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path,
            ServerOptions options, TlsOptions tls) throws IOException {
        return Net.createUnixServer(serverFactory(protocolFactory, tls), path, options);
    }

    private static Supplier<BaseProtocol> serverFactory(Supplier<? extends BaseProtocol> protocolFactory, TlsOptions tls) {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (!tls.serverSide()) throw new IllegalArgumentException("a TLS server needs TlsOptions.server(context)");
        EventLoop loop = Asyncio.getRunningLoop();
        return () -> new SslProtocol(loop, protocolFactory.get(), tls, null, 0, null, true);
    }

    // ---------------------------------------------------------------- streams

    /** asyncio's {@code open_connection(host, port, ssl=...)} with the default 64 KiB limit. */
    public static StreamPair openConnection(String host, int port, TlsOptions tls) throws IOException {
        return openConnection(host, port, StreamReader.DEFAULT_LIMIT, tls);
    }

    /** asyncio's {@code open_connection(host, port, limit=..., ssl=...)}. */
    public static StreamPair openConnection(String host, int port, int limit, TlsOptions tls) throws IOException {
        return openConnection(host, port, limit, null, tls);
    }

    /** asyncio's {@code open_connection(host, port, limit=..., local_addr=..., ssl=...)}; {@code localAddr} may be null. */
    public static StreamPair openConnection(String host, int port, int limit, InetSocketAddress localAddr, TlsOptions tls) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        Connection<StreamReaderProtocol> c = createConnection(() -> protocol, host, port, null, localAddr, tls);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader, Asyncio.getRunningLoop()));
    }

    /** asyncio's {@code open_connection(sock=..., ssl=...)}. */
    public static StreamPair openConnection(SocketChannel sock, int limit, TlsOptions tls) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        Connection<StreamReaderProtocol> c = createConnection(() -> protocol, sock, tls);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader, Asyncio.getRunningLoop()));
    }

    /** asyncio's {@code open_unix_connection(path, limit=..., ssl=..., server_hostname=...)}; see {@link #createUnixConnection}. */
    public static StreamPair openUnixConnection(Path path, int limit, TlsOptions tls) throws IOException {
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(reader);
        Connection<StreamReaderProtocol> c = createUnixConnection(() -> protocol, path, tls);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader, Asyncio.getRunningLoop()));
    }

    /** asyncio's {@code start_unix_server(cb, path, ssl=...)}: {@code clientConnected} runs after the handshake. */
    public static Server startUnixServer(StreamReaderProtocol.ClientConnected clientConnected, Path path, int limit,
            ServerOptions options, TlsOptions tls) throws IOException {
        return createUnixServer(() -> new StreamReaderProtocol(new StreamReader(limit), clientConnected), path,
                options, tls);
    }

    /** asyncio's {@code start_server(cb, host, port, ssl=...)}: {@code clientConnected} runs after the handshake. */
    public static Server startServer(StreamReaderProtocol.ClientConnected clientConnected, String host, int port,
            TlsOptions tls) throws IOException {
        return startServer(clientConnected, host, port, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS, tls);
    }

    /** {@link #startServer(StreamReaderProtocol.ClientConnected, String, int, TlsOptions)} with a limit and options. */
    public static Server startServer(StreamReaderProtocol.ClientConnected clientConnected, String host, int port,
            int limit, ServerOptions options, TlsOptions tls) throws IOException {
        return createServer(() -> new StreamReaderProtocol(new StreamReader(limit), clientConnected), host, port,
                options, tls);
    }

    // ---------------------------------------------------------------- start_tls

    /**
     * asyncio's {@code loop.start_tls(transport, protocol, sslcontext, server_side=, server_hostname=, ...)}:
     * upgrades a plain (or TLS) connection in place and returns the new transport once the handshake is done;
     * {@code protocol} must use it from now on (its {@code connectionMade} is not called again). On failure or
     * cancellation the old transport is closed.
     */
    public static Transport startTls(Transport transport, BaseProtocol protocol, TlsOptions tls) throws IOException {
        Objects.requireNonNull(protocol, "protocol");
        if (!(transport instanceof SocketTransport) && !(transport instanceof SslTransport)) {
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

    /**
     * {@link #startTls(Transport, BaseProtocol, TlsOptions)} with asyncio's arguments: a server side uses
     * {@code TlsOptions.server(context)}, a client {@code TlsOptions.client(context)} checking
     * {@code serverHostname}.
     */
    public static Transport startTls(Transport transport, BaseProtocol protocol, SSLContext context, boolean serverSide,
            String serverHostname) throws IOException {
        Objects.requireNonNull(context, "sslcontext is expected to be an SSLContext, got null");
        TlsOptions tls = serverSide ? TlsOptions.server(context) : TlsOptions.client(context).withServerHostname(serverHostname);
        return startTls(transport, protocol, tls);
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

    private static void requireClient(TlsOptions tls) {
        if (tls.serverSide()) throw new IllegalArgumentException("a TLS client needs TlsOptions.client(...), got server options");
    }

    private static void checkHostnameGiven(TlsOptions tls, String name) {
        if (tls.checkHostname() && (name == null || name.isEmpty())) {
            throw new IllegalArgumentException("check_hostname requires server_hostname: give TlsOptions a "
                    + "serverHostname, or turn the check off with withCheckHostname(false)");
        }
    }

    private static Object remoteAddress(SocketChannel sock) {
        try {
            return sock.getRemoteAddress();
        } catch (java.io.IOException e) {
            return null; // only a hint for the session cache
        }
    }
}
