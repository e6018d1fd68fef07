package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.transport.Server;
import io.jasyncio.streams.StreamReaderProtocol;
import io.jasyncio.streams.Streams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Client tests' fixtures: a virtual-clock loop that runs a server and the client together (so timeouts take
 * no real time), jasyncio's own server for an {@link Application}, and raw stream servers for hostile peers.
 */
final class ClientTesting {
    private ClientTesting() {}

    static {
        // NIO holds one socket for the JVM's lifetime (UnixDispatcher's pre-close socketpair end), made when the
        // first channel is opened: made here, before any test counts sockets, so it is never taken for a leak
        try {
            java.nio.channels.SocketChannel.open().close();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FunctionalInterface
    interface Body<T> {
        T run() throws Exception;
    }

    @FunctionalInterface
    interface AppBody<T> {
        T run(String base) throws Exception;
    }

    /** Runs {@code body} in a task of a new virtual-clock loop. */
    static <T> T virtual(Body<T> body) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(body::run);
        }
    }

    /** Serves {@code app} on 127.0.0.1 in the running loop for the length of {@code body}, given its base URL. */
    static <T> T withApp(Application app, AppBody<T> body) throws Exception {
        try (AppRunner runner = new AppRunner(app)) {
            runner.setup();
            TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
            site.start();
            return body.run("http://127.0.0.1:" + site.port());
        }
    }

    /**
     * A raw stream server in the running loop on 127.0.0.1 (each connection a task); close it when done. The
     * connection is closed when the handler returns; the client going away mid-way (what hostile-server tests
     * provoke) ends the handler quietly.
     */
    static Server raw(StreamReaderProtocol.ClientConnected handler) throws IOException {
        return Streams.startServer((in, out) -> {
            try {
                handler.handle(in, out);
            } catch (IOException clientWentAway) {
                // a reset or a lost connection: the client gave up, as the test meant it to
            } finally {
                out.close();
            }
        }, "127.0.0.1", 0);
    }

    static int port(Server s) throws IOException {
        return ((java.net.InetSocketAddress) s.getSockets().get(0).getLocalAddress()).getPort();
    }

    /** Reads a request's head off a raw connection; null at EOF. */
    static String readHead(io.jasyncio.streams.StreamReader in) {
        try {
            return new String(in.readuntil("\r\n\r\n".getBytes()), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (io.jasyncio.streams.IncompleteReadError e) {
            return null;
        }
    }

    /** Open file descriptors that are sockets (Linux), for tests that no socket is left open. */
    static long openSockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    /**
     * Waits (loop time, 5 s at most) until {@link #openSockets()} is at most {@code n} — at most, not exactly:
     * sockets other tests left to daemon threads may close meanwhile; returns the last count.
     */
    static long awaitOpenSocketsAtMost(long n) throws IOException {
        long now = openSockets();
        for (int i = 0; i < 500 && now > n; i++) {
            Asyncio.sleep(0.01);
            now = openSockets();
        }
        return now;
    }
}
