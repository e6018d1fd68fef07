package io.jasyncio.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.Version;
import java.net.InetSocketAddress;

/**
 * The Netty peers of the echo and HTTP benchmarks, one command each:
 *
 * <pre>
 * java -jar netty-peers.jar echo --port P [--threads N] [--transport epoll|nio]
 * java -jar netty-peers.jar http --port P [--threads N] [--transport epoll|nio] [--reuse-port]
 * java -jar netty-peers.jar h2 --port P [--threads N] [--transport epoll|nio]     (h2c, prior knowledge)
 * java -jar netty-peers.jar ws --port P [--threads N] [--transport epoll|nio]     (WebSocket echo at /ws)
 * java -jar netty-peers.jar http --port P --cert CHAIN.pem --key KEY.pem          (HTTPS, the JDK's SSLEngine)
 * </pre>
 *
 * Each binds 127.0.0.1:P with one event-loop group of N threads (default 1: one thread accepts and serves
 * every connection, as one asyncio loop does) on the native epoll transport (default; it fails rather than
 * falls back when epoll is not available) or on NIO. Accepted sockets get TCP_NODELAY, as the other servers'.
 * With {@code --reuse-port} (epoll only) there are instead N groups of one thread, each binding its own listening
 * socket with SO_REUSEPORT and serving what it accepts on that thread: the kernel spreads the connections, as
 * jasyncio's {@code ShardedServer} (REUSE_PORT) and nginx's {@code reuseport} do. Without it, Netty's usual
 * shape: one listening socket, one thread accepting, the connections handed to the group's threads in turn.
 * The server runs until the process is signalled.
 */
public final class NettyPeers {
    private NettyPeers() {}

    /** What to serve and how. */
    record Options(String server, int port, int threads, String transport, boolean reusePort, String cert, String key,
                   String ciphers) {
        static Options parse(String[] args) {
            if (args.length == 0 || !java.util.List.of("echo", "http", "h2", "ws").contains(args[0])) {
                throw new IllegalArgumentException("the first argument is the server: echo, http, h2 or ws");
            }
            int port = -1, threads = 1;
            String transport = "epoll", cert = null, key = null, ciphers = "jdk";
            boolean reusePort = false;
            for (int i = 1; i < args.length; i++) {
                if (args[i].equals("--reuse-port")) {
                    reusePort = true;
                    continue;
                }
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (value == null) throw new IllegalArgumentException(args[i] + " needs a value");
                switch (args[i]) {
                    case "--port" -> port = number(args[i], value, 1, 65535);
                    case "--threads" -> threads = number(args[i], value, 1, 1024);
                    case "--transport" -> {
                        if (!value.equals("epoll") && !value.equals("nio")) {
                            throw new IllegalArgumentException("--transport is epoll or nio, not " + value);
                        }
                        transport = value;
                    }
                    case "--cert" -> cert = value;
                    case "--key" -> key = value;
                    case "--ciphers" -> {
                        if (!value.equals("jdk") && !value.equals("netty")) {
                            throw new IllegalArgumentException("--ciphers is jdk or netty, not " + value);
                        }
                        ciphers = value;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (port < 0) throw new IllegalArgumentException("--port P is needed");
            if (reusePort && !transport.equals("epoll")) throw new IllegalArgumentException("--reuse-port needs --transport epoll");
            if ((cert == null) != (key == null)) throw new IllegalArgumentException("--cert and --key go together");
            if (cert != null && !args[0].equals("http")) throw new IllegalArgumentException("--cert/--key are for the http server only");
            return new Options(args[0], port, threads, transport, reusePort, cert, key, ciphers);
        }

        private static int number(String option, String value, int min, int max) {
            try {
                int n = Integer.parseInt(value);
                if (n >= min && n <= max) return n;
            } catch (NumberFormatException e) {
                // explained below
            }
            throw new IllegalArgumentException(option + " wants a number from " + min + " to " + max + ", not " + value);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("netty-peers: " + e.getMessage());
            System.err.println("usage: java -jar netty-peers.jar echo|http|h2|ws --port P [--threads N] [--transport epoll|nio] [--reuse-port]"
                    + " [--cert CHAIN.pem --key KEY.pem [--ciphers jdk|netty] (http: HTTPS)]");
            System.exit(2);
            return;
        }
        io.netty.handler.ssl.SslContext tls = options.cert() == null ? null : tls(options);
        ChannelHandler child = options.server().equals("echo") ? EchoHandler.INSTANCE
                : options.server().equals("ws") ? new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) { // the upgrade at /ws, then whole messages echoed
                        ch.pipeline().addLast(new HttpServerCodec(),
                                new io.netty.handler.codec.http.HttpObjectAggregator(65536),
                                new io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler("/ws"),
                                WsEchoHandler.INSTANCE);
                    }
                }
                : options.server().equals("h2") ? new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) { // h2c with prior knowledge: frames from the start
                        ch.pipeline().addLast(io.netty.handler.codec.http2.Http2FrameCodecBuilder.forServer().build(),
                                H2HelloHandler.INSTANCE);
                    }
                }
                : new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (tls != null) ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                ch.pipeline().addLast(new HttpServerCodec(), HelloHandler.INSTANCE);
            }
        };
        serve(options, child);
    }

    private static void serve(Options options, ChannelHandler child) throws InterruptedException {
        boolean epoll = options.transport().equals("epoll");
        if (epoll) Epoll.ensureAvailability(); // a peer silently on NIO would measure something else
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        // --reuse-port: a one-thread group per listening socket; else one group of N threads for one socket.
        int groups = options.reusePort() ? options.threads() : 1;
        java.util.List<EventLoopGroup> all = new java.util.ArrayList<>();
        try {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", options.port());
            java.util.List<Channel> servers = new java.util.ArrayList<>();
            for (int i = 0; i < groups; i++) {
                EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.reusePort() ? 1 : options.threads(), io);
                all.add(group);
                ServerBootstrap b = new ServerBootstrap()
                        .group(group)
                        .channel(channel)
                        .option(ChannelOption.SO_BACKLOG, 4096)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(child);
                if (options.reusePort()) b.option(EpollChannelOption.SO_REUSEPORT, true);
                servers.add(b.bind(address).sync().channel());
            }
            System.out.println("netty-" + options.transport() + " " + options.server()
                    + (options.cert() != null ? " (HTTPS, JDK SSLEngine, " + options.ciphers() + " cipher order)" : "") + " server on 127.0.0.1:"
                    + options.port() + " (Netty " + nettyVersion() + ", " + options.threads()
                    + " event-loop thread(s)" + (options.reusePort() ? ", one SO_REUSEPORT socket each" : "")
                    + ", JDK " + Runtime.version() + ")");
            servers.get(0).closeFuture().sync();
        } finally {
            for (EventLoopGroup g : all) g.shutdownGracefully();
        }
    }

    // HTTPS: the JDK's SSLEngine (not OpenSSL), as jasyncio's TLS uses; the key is PEM PKCS#8, unencrypted.
    // The server's cipher order picks the suite: Netty's own list puts TLS_AES_128_GCM_SHA256 first, the JDK's
    // (which jasyncio keeps) TLS_AES_256_GCM_SHA384; --ciphers jdk (the default) serves the JDK's list in the
    // JDK's order, so that both servers negotiate the same suite with the same client.
    private static io.netty.handler.ssl.SslContext tls(Options options) throws Exception {
        var builder = io.netty.handler.ssl.SslContextBuilder.forServer(new java.io.File(options.cert()), new java.io.File(options.key()))
                .sslProvider(io.netty.handler.ssl.SslProvider.JDK);
        if (options.ciphers().equals("jdk")) {
            builder.ciphers(java.util.List.of(javax.net.ssl.SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites()),
                    io.netty.handler.ssl.IdentityCipherSuiteFilter.INSTANCE);
        }
        return builder.build();
    }

    private static String nettyVersion() {
        Version v = Version.identify().get("netty-transport");
        return v == null ? "?" : v.artifactVersion();
    }
}
