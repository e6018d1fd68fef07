package io.jasyncio.transport;

import static io.jasyncio.internal.io.Addresses.commonFamily;
import static io.jasyncio.internal.io.Addresses.ofFamily;
import static io.jasyncio.internal.io.Addresses.resolved;
import static io.jasyncio.internal.io.Addresses.wildcard;
import static io.jasyncio.internal.io.SocketChannels.bindFailed;
import static io.jasyncio.internal.io.SocketChannels.closeQuietly;
import static io.jasyncio.internal.io.SocketChannels.family;
import static io.jasyncio.internal.io.SocketChannels.openBound;
import static io.jasyncio.internal.io.SocketChannels.setNoDelay;
import static io.jasyncio.internal.io.SocketChannels.setReusePort;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.datagram.DatagramEndpoint;
import io.jasyncio.datagram.DatagramOptions;
import io.jasyncio.datagram.DatagramProtocol;
import io.jasyncio.internal.io.Addresses;
import io.jasyncio.internal.io.DatagramSocketTransport;
import io.jasyncio.internal.io.HappyEyeballs;
import io.jasyncio.internal.io.PipeReadTransport;
import io.jasyncio.internal.io.PipeWriteTransport;
import io.jasyncio.internal.io.SelectorReadPipeTransport;
import io.jasyncio.internal.io.SelectorTransport;
import io.jasyncio.internal.io.SelectorWritePipeTransport;
import io.jasyncio.internal.io.Sendfile;
import io.jasyncio.internal.io.SocketChannels;
import io.jasyncio.internal.io.SocketTransport;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamReaderProtocol;
import io.jasyncio.internal.tls.TlsLayer;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * asyncio's transport-level networking ({@code loop.create_connection}, {@code create_server},
 * {@code create_unix_connection}, {@code create_unix_server}, {@code create_datagram_endpoint},
 * {@code connect_accepted_socket}, {@code sendfile}, {@code connect_read_pipe}, {@code connect_write_pipe}) on the running loop, with non-blocking NIO channels watched by the loop's
 * selector: no thread per connection.
 *
 * <p>Threading: every method suspends the calling task and must be called from a task of the running loop.
 * Failures are the JDK's {@link IOException}s, declared and thrown unchanged, with messages naming the
 * address: {@link ConnectException} (refused), {@link BindException} (address in use),
 * {@link java.net.UnknownHostException} (unresolvable host); {@code catch (ConnectException e)} works.
 */
public final class Net {
    private Net() {}

    // ---------------------------------------------------------------- clients

    /**
     * Connects to {@code host:port} (each resolved address in turn, until one accepts) and returns the
     * transport with the protocol made by {@code protocolFactory}, once its {@code connectionMade} has run.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param host the host name or address literal
     * @param port the port
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if no connection is made ({@code ConnectException}, {@code UnknownHostException}, ...) or
     *     the TLS handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port) throws IOException {
        return createConnection(protocolFactory, host, port, ConnectOptions.DEFAULTS);
    }

    /**
     * asyncio's {@code create_connection(host, port, happy_eyeballs_delay=, interleave=, local_addr=, ssl=)}: see
     * {@link ConnectOptions}. With {@code options.tls()} it returns once the TLS handshake is done (see
     * {@link io.jasyncio.tls.Tls}). {@code localAddr} is resolved if it is unresolved; each socket is bound, before it connects,
     * to the first of its addresses of the same family as the remote address (the wildcard address fits every
     * family). A bind that fails is a {@link BindException} "error while attempting to bind on address
     * HOST:PORT: ..." (the next local address of that family is tried first); no local address of the remote's
     * family: a {@link java.net.SocketException} "no matching local address". With several remote addresses, the
     * errors are combined into one {@link ConnectException} naming each (one error alone is thrown as itself).
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param host the host name or address literal
     * @param port the port
     * @param options the options
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if no connection is made ({@code ConnectException}, {@code UnknownHostException}, ...) or
     *     the TLS handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host,
            int port, ConnectOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (host == null) throw new IllegalArgumentException("host and port was not specified and no sock specified");
        if (options.tls() != null) {
            return TlsLayer.client(protocolFactory, options.tls(), host, port, false,
                    layer -> plainConnection(layer, host, port, options).transport());
        }
        return plainConnection(protocolFactory, host, port, options);
    }

    private static <P extends BaseProtocol> Connection<P> plainConnection(Supplier<P> protocolFactory, String host,
            int port, ConnectOptions options) throws IOException {
        Double happyEyeballsDelay = options.happyEyeballsDelay();
        Integer interleave = options.interleave();
        InetSocketAddress localAddr = options.localAddr();
        List<InetSocketAddress> addrs = Addresses.resolve(host, port);
        if (interleave == null && happyEyeballsDelay != null) interleave = 1;
        if (interleave != null && interleave != 0) addrs = HappyEyeballs.interleave(addrs, interleave);
        List<InetSocketAddress> locals = localAddr == null ? null
                : localAddr.isUnresolved() ? Addresses.resolve(localAddr.getHostString(), localAddr.getPort())
                : List.of(localAddr);
        if (happyEyeballsDelay != null && addrs.size() > 1) {
            return plainConnection(protocolFactory, HappyEyeballs.connect(addrs, happyEyeballsDelay, locals));
        }
        List<Throwable> errors = new ArrayList<>();
        for (InetSocketAddress addr : addrs) {
            SocketChannel ch = null;
            try {
                ch = openBound(addr, locals);
                Sockets.sockConnect(ch, addr);
                return plainConnection(protocolFactory, ch);
            } catch (Throwable e) {
                if (ch != null) closeQuietly(ch);
                if (!(e instanceof IOException)) throw e;
                errors.add(e);
            }
        }
        throw HappyEyeballs.combined(errors);
    }

    /**
     * asyncio's {@code loop.getaddrinfo(host, port)}: the addresses {@code host} resolves to (a literal at once, a
     * name on the default executor, without blocking the loop). An unknown host fails with
     * {@link java.net.UnknownHostException} naming it.
     *
     * @param host the host name or address literal
     * @param port the port
     * @return the addresses, in the resolver's order
     * @throws IOException if the host is unknown ({@code UnknownHostException} naming it)
     */
    public static List<InetSocketAddress> getaddrinfo(String host, int port) throws IOException {
        return Addresses.resolve(host, port);
    }

    /**
     * asyncio's {@code loop.getnameinfo(sockaddr)}: the host name of {@code address} (a reverse lookup on the
     * default executor; the literal address when there is no name) and its port.
     *
     * @param address the address
     * @return the host name and the port
     */
    public static Map.Entry<String, Integer> getnameinfo(InetSocketAddress address) {
        String name = Asyncio.toThread(() -> address.getAddress().getCanonicalHostName());
        return Map.entry(name, address.getPort());
    }

    /**
     * Wraps an already connected channel (asyncio's {@code create_connection(sock=...)}); it is switched to
     * non-blocking mode and owned by the transport from now on.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param sock the channel (owned by the transport from now on)
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if no connection is made ({@code ConnectException}, {@code UnknownHostException}, ...) or
     *     the TLS handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, SocketChannel sock) throws IOException {
        return createConnection(protocolFactory, sock, ConnectOptions.DEFAULTS);
    }

    /**
     * {@link #createConnection(Supplier, SocketChannel)} with options: only {@link ConnectOptions#tls()} applies
     * to a channel already connected (a TLS client: {@code tls.serverHostname()} must be given unless the host
     * name check is off).
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param sock the channel (owned by the transport from now on)
     * @param options the options
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if no connection is made ({@code ConnectException}, {@code UnknownHostException}, ...) or
     *     the TLS handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, SocketChannel sock,
            ConnectOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (options.tls() != null) {
            return TlsLayer.client(protocolFactory, options.tls(), null, remotePort(sock), false,
                    layer -> plainConnection(layer, sock).transport());
        }
        return plainConnection(protocolFactory, sock);
    }

    private static <P extends BaseProtocol> Connection<P> plainConnection(Supplier<P> protocolFactory, SocketChannel sock) throws IOException {
        if (!sock.isConnected()) throw new IllegalArgumentException("the channel is not connected: " + sock);
        EventLoop loop = Asyncio.getRunningLoop();
        sock.configureBlocking(false);
        setNoDelay(sock);
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        Future<Void> waiter = loop.createFuture();
        SocketTransport transport = new SocketTransport(loop, sock, protocol, waiter, null);
        try {
            Asyncio.await(waiter);
        } catch (Throwable e) {
            transport.close();
            throw e;
        }
        return new Connection<>(transport, protocol);
    }

    /** The port of the peer of {@code sock} (a hint for TLS session resumption), 0 if unknown. */
    private static int remotePort(SocketChannel sock) {
        try {
            return sock.getRemoteAddress() instanceof InetSocketAddress isa ? isa.getPort() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * asyncio's {@code connect_accepted_socket}: serves a channel accepted elsewhere with a protocol.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param sock the channel (owned by the transport from now on)
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if the channel cannot be set up or the TLS handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> connectAcceptedSocket(Supplier<P> protocolFactory, SocketChannel sock) throws IOException {
        return plainConnection(protocolFactory, sock);
    }

    /**
     * asyncio's {@code connect_accepted_socket(sock, ssl=)}: with {@code options.tls()} (server options) the
     * channel is served as the TLS server, returning once the handshake is done.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param sock the channel (owned by the transport from now on)
     * @param options the options
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if the channel cannot be set up or the TLS handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> connectAcceptedSocket(Supplier<P> protocolFactory,
            SocketChannel sock, ConnectOptions options) throws IOException {
        if (options.tls() == null) return plainConnection(protocolFactory, sock);
        return TlsLayer.accepted(protocolFactory, options.tls(), remotePort(sock), layer -> plainConnection(layer, sock).transport());
    }

    /**
     * Connects to the Unix domain socket at {@code path}.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param path the socket file
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if no connection is made ({@code ConnectException}, a missing socket file...) or the TLS
     *     handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> createUnixConnection(Supplier<P> protocolFactory, Path path) throws IOException {
        return createUnixConnection(protocolFactory, path, ConnectOptions.DEFAULTS);
    }

    /**
     * {@link #createUnixConnection(Supplier, Path)} with a path string.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param path the socket file
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if no connection is made ({@code ConnectException}, a missing socket file...) or the TLS
     *     handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> createUnixConnection(Supplier<P> protocolFactory, String path) throws IOException {
        return createUnixConnection(protocolFactory, Path.of(path));
    }

    /**
     * asyncio's {@code create_unix_connection(path, ssl=, server_hostname=)}: only {@link ConnectOptions#tls()}
     * applies; a path names no host, so {@code tls.serverHostname()} must be given (the name to verify, or
     * {@code ""} with the host name check off).
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param path the socket file
     * @param options the options
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if no connection is made ({@code ConnectException}, a missing socket file...) or the TLS
     *     handshake fails
     */
    public static <P extends BaseProtocol> Connection<P> createUnixConnection(Supplier<P> protocolFactory, Path path,
            ConnectOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(path, "path");
        if (options.tls() != null) {
            return TlsLayer.client(protocolFactory, options.tls(), null, 0, true, layer -> plainUnixConnection(layer, path).transport());
        }
        return plainUnixConnection(protocolFactory, path);
    }

    private static <P extends BaseProtocol> Connection<P> plainUnixConnection(Supplier<P> protocolFactory, Path path) throws IOException {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.configureBlocking(false);
            Sockets.sockConnect(ch, UnixDomainSocketAddress.of(path));
            return plainConnection(protocolFactory, ch);
        } catch (Throwable e) {
            if (ch != null) closeQuietly(ch);
            throw e;
        }
    }

    // ---------------------------------------------------------------- servers

    /**
     * {@link #createServer(Supplier, String, int, ServerOptions)} with asyncio's defaults.
     *
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param host the host name or address literal
     * @param port the port
     * @return the server
     * @throws IOException if a socket cannot be bound ({@code BindException} naming the address) or the host not
     *     resolved
     */
    public static Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port) throws IOException {
        return createServer(protocolFactory, host, port, ServerOptions.DEFAULTS);
    }

    /**
     * Listens on {@code host:port}: one socket per address {@code host} resolves to, or one on all interfaces
     * when {@code host} is null or empty. Port 0 picks a free port (see {@link Server#getSockets()}). Each
     * accepted connection gets a new protocol from {@code protocolFactory}. The server is serving on return
     * unless {@code options.startServing()} is false. With {@code options.tls()}, each connection is served over
     * TLS (see {@link ServerOptions#withTls}).
     *
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param host the host name or address literal
     * @param port the port
     * @param options the options
     * @return the server
     * @throws IOException if a socket cannot be bound ({@code BindException} naming the address) or the host not
     *     resolved
     */
    public static Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
            ServerOptions options) throws IOException {
        protocolFactory = layered(protocolFactory, options);
        EventLoop loop = Asyncio.getRunningLoop();
        List<InetSocketAddress> addrs = host == null || host.isEmpty()
                ? List.of(wildcard(options.family(), port)) : ofFamily(Addresses.resolve(host, port), options.family(), host);
        List<ServerSocketChannel> socks = new ArrayList<>();
        try {
            for (InetSocketAddress addr : addrs) {
                ServerSocketChannel s = options.family() != null && addr.getAddress().isAnyLocalAddress()
                        ? ServerSocketChannel.open(options.family()) : ServerSocketChannel.open(family(addr));
                socks.add(s);
                s.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
                if (options.reusePort()) setReusePort(s);
                try {
                    s.bind(addr, options.backlog());
                } catch (IOException e) {
                    throw bindFailed(addr, e);
                }
                s.configureBlocking(false);
            }
        } catch (Throwable e) {
            socks.forEach(SocketChannels::closeQuietly);
            throw e;
        }
        return serve(loop, socks, protocolFactory, options);
    }

    /**
     * Serves connections on an already bound {@code ServerSocketChannel} (asyncio's {@code sock=} argument).
     *
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param sock the channel (owned by the transport from now on)
     * @param options the options
     * @return the server
     * @throws IOException if a socket cannot be bound ({@code BindException} naming the address) or the host not
     *     resolved
     */
    public static Server createServer(Supplier<? extends BaseProtocol> protocolFactory, ServerSocketChannel sock,
            ServerOptions options) throws IOException {
        protocolFactory = layered(protocolFactory, options);
        EventLoop loop = Asyncio.getRunningLoop();
        Object fileKey = null;
        try {
            sock.configureBlocking(false);
            if (options.cleanupSocket() && sock.getLocalAddress() instanceof UnixDomainSocketAddress u) {
                fileKey = Files.readAttributes(u.getPath(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            }
        } catch (IOException e) {
            throw e;
        }
        Server server = new Server(loop, List.of(sock), protocolFactory, options);
        if (fileKey != null) server.rememberUnixFile(sock, fileKey);
        if (options.startServing()) {
            server.startServingNow();
            Asyncio.sleep(0);
        }
        return server;
    }

    /** {@code protocolFactory}, under the TLS layer when {@code options.tls()} is given. */
    private static Supplier<? extends BaseProtocol> layered(Supplier<? extends BaseProtocol> protocolFactory,
            ServerOptions options) {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        return options.tls() == null ? protocolFactory : TlsLayer.serverLayer(protocolFactory, options.tls());
    }

    private static Server serve(EventLoop loop, List<ServerSocketChannel> socks, Supplier<? extends BaseProtocol> factory,
            ServerOptions options) {
        Server server = new Server(loop, socks, factory, options);
        if (options.startServing()) {
            server.startServingNow();
            Asyncio.sleep(0); // let the server settle, as asyncio does
        }
        return server;
    }

    /**
     * {@link #createUnixServer(Supplier, Path, ServerOptions)} with asyncio's defaults.
     *
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param path the socket file
     * @return the server
     * @throws IOException if the socket file cannot be bound ({@code BindException} naming the path)
     */
    public static Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path) throws IOException {
        return createUnixServer(protocolFactory, path, ServerOptions.DEFAULTS);
    }

    /**
     * {@link #createUnixServer(Supplier, Path)} with a path string.
     *
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param path the socket file
     * @return the server
     * @throws IOException if the socket file cannot be bound ({@code BindException} naming the path)
     */
    public static Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, String path) throws IOException {
        return createUnixServer(protocolFactory, Path.of(path), ServerOptions.DEFAULTS);
    }

    /**
     * Listens on the Unix domain socket {@code path}. A stale socket file left there is removed first (any
     * other file is an error); the file is removed again when the server closes, if it is still the one this
     * server made (asyncio 3.13's {@code cleanup_socket}).
     *
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param path the socket file
     * @param options the options
     * @return the server
     * @throws IOException if the socket file cannot be bound ({@code BindException} naming the path)
     */
    public static Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path, ServerOptions options) throws IOException {
        protocolFactory = layered(protocolFactory, options);
        EventLoop loop = Asyncio.getRunningLoop();
        ServerSocketChannel s = null;
        Object fileKey;
        try {
            removeStaleSocket(path);
            s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                s.bind(UnixDomainSocketAddress.of(path), options.backlog());
            } catch (BindException e) {
                BindException b = new BindException("Address '" + path + "' is already in use");
                b.initCause(e);
                throw b;
            }
            s.configureBlocking(false);
            fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (Throwable e) {
            if (s != null) closeQuietly(s);
            throw e;
        }
        Server server = new Server(loop, List.of(s), protocolFactory, options);
        if (fileKey != null && options.cleanupSocket()) server.rememberUnixFile(s, fileKey);
        if (options.startServing()) {
            server.startServingNow();
            Asyncio.sleep(0);
        }
        return server;
    }

    private static void removeStaleSocket(Path path) throws IOException {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (mode instanceof Integer m && (m & 0170000) == 0140000) Files.deleteIfExists(path);
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing there: the usual case
        } catch (UnsupportedOperationException e) {
            // no "unix" attribute view: leave the file for bind to report
        }
    }

    // ---------------------------------------------------------------- datagrams

    /**
     * Creates a UDP endpoint bound to {@code localAddr} (null: an ephemeral port) and, if {@code remoteAddr} is
     * given, connected to it (then {@code sendto} needs no address and ICMP errors reach
     * {@code errorReceived}). At least one of them must be given.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param localAddr the local address, or null
     * @param remoteAddr the remote address, or null
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if the socket cannot be opened, bound or connected
     */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(Supplier<P> protocolFactory,
            SocketAddress localAddr, SocketAddress remoteAddr) throws IOException {
        return createDatagramEndpoint(protocolFactory, localAddr, remoteAddr, DatagramOptions.DEFAULTS);
    }

    /**
     * {@link #createDatagramEndpoint(Supplier, SocketAddress, SocketAddress)} with asyncio's {@code family},
     * {@code reuse_port} and {@code allow_broadcast}: see {@link DatagramOptions}. Either address may be null when
     * the options name a family.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param localAddr the local address, or null
     * @param remoteAddr the remote address, or null
     * @param options the options
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if the socket cannot be opened, bound or connected
     */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(Supplier<P> protocolFactory,
            SocketAddress localAddr, SocketAddress remoteAddr, DatagramOptions options) throws IOException {
        ProtocolFamily family = options.family();
        boolean reusePort = options.reusePort();
        boolean allowBroadcast = options.allowBroadcast();
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        if (localAddr == null && remoteAddr == null && family == null) {
            throw new IllegalArgumentException("unexpected address family: give localAddr, remoteAddr or a family");
        }
        EventLoop loop = Asyncio.getRunningLoop();
        if (family == null && localAddr != null && remoteAddr != null) {
            family = commonFamily(localAddr, remoteAddr); // asyncio pairs the two by family
        }
        SocketAddress local = resolved(localAddr, family);
        SocketAddress remote = resolved(remoteAddr, family);
        DatagramChannel ch = null;
        try {
            ProtocolFamily fam = family != null ? family : family(local != null ? local : remote);
            ch = DatagramChannel.open(fam);
            if (reusePort) setReusePort(ch);
            if (allowBroadcast) ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
            ch.configureBlocking(false);
            if (local != null) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, false);
                ch.bind(local);
            }
            if (remote != null && !allowBroadcast) ch.connect(remote);
        } catch (Throwable e) {
            if (ch != null) closeQuietly(ch);
            throw e;
        }
        return datagramEndpoint(loop, protocolFactory, ch, remote);
    }

    /**
     * Serves an already bound (and maybe connected) {@code DatagramChannel} (asyncio's {@code sock=}).
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param sock the channel (owned by the transport from now on)
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if the socket cannot be opened, bound or connected
     */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(Supplier<P> protocolFactory,
            DatagramChannel sock) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        SocketAddress remote;
        try {
            sock.configureBlocking(false);
            remote = sock.getRemoteAddress();
        } catch (IOException e) {
            throw e;
        }
        return datagramEndpoint(Asyncio.getRunningLoop(), protocolFactory, sock, remote);
    }

    private static <P extends DatagramProtocol> DatagramEndpoint<P> datagramEndpoint(EventLoop loop,
            Supplier<P> protocolFactory, DatagramChannel ch, SocketAddress remote) {
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        Future<Void> waiter = loop.createFuture();
        DatagramSocketTransport t = new DatagramSocketTransport(loop, ch, protocol, remote, waiter);
        try {
            Asyncio.await(waiter);
        } catch (Throwable e) {
            t.close();
            throw e;
        }
        return new DatagramEndpoint<>(t, protocol);
    }

    // ---------------------------------------------------------------- pipes

    /**
     * asyncio's {@code loop.connect_read_pipe}: reads {@code pipe} (a child's stdout, {@code System.in}, a FIFO
     * opened as a stream...) into a protocol from {@code protocolFactory}, and returns once its
     * {@code connectionMade} has run. The JDK's streams block, so one virtual thread reads the pipe while it is
     * open (see the asyncio.subprocess notes of the mapping); each {@code dataReceived} buffer is a fresh one. At
     * the end of the pipe: {@code eofReceived()}, then {@code connectionLost(null)}. The transport owns the stream
     * and closes it. For a {@link StreamReader}: {@code connectReadPipe(() -> new StreamReaderProtocol(reader), pipe)}.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param pipe the pipe (owned by the transport from now on)
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if the pipe cannot be made non-blocking
     */
    public static <P extends Protocol> PipeConnection<ReadTransport, P> connectReadPipe(Supplier<P> protocolFactory,
            java.io.InputStream pipe) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(pipe, "pipe");
        EventLoop loop = Asyncio.getRunningLoop();
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        PipeReadTransport transport = new PipeReadTransport(loop, pipe, protocol, "read-pipe");
        return connectPipe(loop, transport, protocol, transport::start);
    }

    /**
     * asyncio's {@code loop.connect_write_pipe}: a {@link WriteTransport} writing to {@code pipe} (a child's stdin,
     * {@code System.out}, a FIFO...), with a protocol from {@code protocolFactory}; returns once its
     * {@code connectionMade} has run. Writes never block: one virtual thread writes the queued bytes while the
     * pipe is open, with the usual flow control ({@code pauseWriting}/{@code resumeWriting}). {@code close()}
     * closes the pipe once the queue is written; a write the reader is gone for closes the transport with a
     * {@link BrokenPipeError}. The transport owns the stream and closes it.
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param pipe the pipe (owned by the transport from now on)
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if the pipe cannot be made non-blocking
     */
    public static <P extends BaseProtocol> PipeConnection<WriteTransport, P> connectWritePipe(Supplier<P> protocolFactory,
            java.io.OutputStream pipe) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(pipe, "pipe");
        EventLoop loop = Asyncio.getRunningLoop();
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        PipeWriteTransport transport = new PipeWriteTransport(loop, pipe, protocol, "write-pipe");
        return connectPipe(loop, transport, protocol, transport::start);
    }

    /**
     * {@code connect_read_pipe} over the reading end of a {@link java.nio.channels.Pipe}: the loop's selector watches
     * it, so no thread is involved; otherwise as {@link #connectReadPipe(Supplier, java.io.InputStream)}. The
     * transport owns the channel and closes it (at the latest when the loop closes).
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param pipe the pipe (owned by the transport from now on)
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if the pipe cannot be made non-blocking
     */
    public static <P extends Protocol> PipeConnection<ReadTransport, P> connectReadPipe(Supplier<P> protocolFactory,
            java.nio.channels.Pipe.SourceChannel pipe) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        nonBlocking(Objects.requireNonNull(pipe, "pipe"));
        EventLoop loop = Asyncio.getRunningLoop();
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        SelectorReadPipeTransport transport = new SelectorReadPipeTransport(loop, pipe, protocol);
        return connectPipe(loop, transport, protocol, transport::start);
    }

    /**
     * {@code connect_write_pipe} over the writing end of a {@link java.nio.channels.Pipe}: writes go out at once as
     * far as the pipe takes them, the rest when the loop's selector reports room, with no thread; otherwise as
     * {@link #connectWritePipe(Supplier, java.io.OutputStream)}. The transport owns the channel and closes it (at
     * the latest when the loop closes).
     *
     * @param <P> the protocol type
     * @param protocolFactory makes the protocol (of each connection, for a server)
     * @param pipe the pipe (owned by the transport from now on)
     * @return the transport and the protocol, once {@code connectionMade} has run
     * @throws IOException if the pipe cannot be made non-blocking
     */
    public static <P extends BaseProtocol> PipeConnection<WriteTransport, P> connectWritePipe(Supplier<P> protocolFactory,
            java.nio.channels.Pipe.SinkChannel pipe) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        nonBlocking(Objects.requireNonNull(pipe, "pipe"));
        EventLoop loop = Asyncio.getRunningLoop();
        P protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        SelectorWritePipeTransport transport = new SelectorWritePipeTransport(loop, pipe, protocol);
        return connectPipe(loop, transport, protocol, transport::start);
    }

    private static void nonBlocking(java.nio.channels.SelectableChannel ch) {
        try {
            ch.configureBlocking(false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot make " + ch + " non-blocking: " + e.getMessage(), e);
        }
    }

    /** As asyncio's pipe transports: connectionMade, then the pipe is watched, then the caller wakes up. */
    private static <T extends BaseTransport, P extends BaseProtocol> PipeConnection<T, P> connectPipe(EventLoop loop,
            T transport, P protocol, Runnable startWatching) {
        Future<Void> waiter = loop.createFuture();
        loop.callSoon(() -> protocol.connectionMade(transport));
        loop.callSoon(startWatching);
        loop.callSoon(() -> {
            if (!waiter.cancelled()) waiter.setResult(null);
        });
        try {
            Asyncio.await(waiter);
        } catch (Throwable e) {
            transport.close();
            throw e;
        }
        return new PipeConnection<>(transport, protocol);
    }

    // ---------------------------------------------------------------- sendfile

    /**
     * Sends the whole of {@code file} through {@code transport} ({@code loop.sendfile(transport, file)}); see below.
     *
     * @param transport a stream transport
     * @param file the file, read from {@code offset}
     * @return how many bytes were sent
     * @throws IOException if the connection is lost meanwhile ({@code SocketException}) or the file cannot be read
     */
    public static long sendfile(BaseTransport transport, SeekableByteChannel file) throws IOException {
        return sendfile(transport, file, 0, null, true);
    }

    /**
     * Sends {@code count} bytes (null: up to the end) of {@code file} from {@code offset}; see below.
     *
     * @param transport a stream transport
     * @param file the file, read from {@code offset}
     * @param offset where to start in the file
     * @param count how many bytes, or null for up to the end
     * @return how many bytes were sent
     * @throws IOException if the connection is lost meanwhile ({@code SocketException}) or the file cannot be read
     */
    public static long sendfile(BaseTransport transport, SeekableByteChannel file, long offset, Long count) throws IOException {
        return sendfile(transport, file, offset, count, true);
    }

    /**
     * asyncio's {@code loop.sendfile}: sends {@code count} bytes of {@code file} (null: up to its end) from
     * {@code offset} through a stream transport and returns how many were sent. On a TCP or Unix transport
     * reading is paused, what is buffered is written, then a {@link java.nio.channels.FileChannel} goes from the
     * file to the socket without copying (see {@link Sockets#sockSendfile}); {@code write} meanwhile throws
     * {@link IllegalStateException} ("sendfile is in progress"). A TLS transport, or another kind of channel,
     * uses the fallback: chunks read on the default executor and written through the transport, waiting on its
     * flow control; with {@code fallback} false that is refused ({@link IllegalStateException} for TLS,
     * {@link SendfileNotAvailableError} for a channel). Afterwards the transport reads again if it did before.
     * The file's position is left after the last byte sent, even on failure. A closing transport, or one that is
     * not a stream (datagrams, pipes): {@link IllegalStateException}. A connection lost meanwhile: a
     * {@link java.net.SocketException} (or the I/O error that broke it).
     *
     * @param transport a stream transport
     * @param file the file, read from {@code offset}
     * @param offset where to start in the file
     * @param count how many bytes, or null for up to the end
     * @param fallback whether the copying fallback may be used
     * @return how many bytes were sent
     * @throws IOException if the connection is lost meanwhile ({@code SocketException}) or the file cannot be read
     */
    public static long sendfile(BaseTransport transport, SeekableByteChannel file, long offset, Long count,
            boolean fallback) throws IOException {
        return Sendfile.sendfile(transport, file, offset, count, fallback);
    }
}
