package io.jasyncio.transport;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.TestLoops;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Helpers shared by the networking tests. */
public final class NetTesting {
    private NetTesting() {}

    public static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** {@link TestLoops#runRealCollectingErrors}: {@code main} on a fresh real-time loop, bounded in time. */
    public static List<ExceptionContext> runCollectingErrors(Coroutine<?> main) {
        return TestLoops.runRealCollectingErrors(main);
    }

    /**
     * Runs {@code coro} in a task and waits at most {@code timeout} seconds for it (a local stand-in for
     * {@code asyncio.wait_for}, which another part of jasyncio provides): on expiry the task is cancelled and
     * {@link io.jasyncio.TimeoutError} is thrown.
     */
    public static <T> T waitFor(Coroutine<T> coro, double timeout) {
        EventLoop loop = Asyncio.getRunningLoop();
        io.jasyncio.Task<T> t = loop.createTask(coro);
        boolean[] expired = {false};
        io.jasyncio.TimerHandle h = loop.callLater(timeout, () -> {
            expired[0] = true;
            t.cancel();
        });
        try {
            return Asyncio.await(t);
        } catch (io.jasyncio.CancelledError e) {
            if (expired[0]) throw new io.jasyncio.TimeoutError();
            throw e;
        } finally {
            h.cancel();
        }
    }

    /** A UDP echo server on its own thread (CPython's {@code run_udp_echo_server}). */
    public static final class UdpEchoServer implements AutoCloseable {
        final java.nio.channels.DatagramChannel ch;
        private final Thread thread;

        UdpEchoServer() throws IOException {
            ch = java.nio.channels.DatagramChannel.open();
            ch.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            thread = new Thread(() -> {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(65536);
                while (ch.isOpen()) {
                    try {
                        buf.clear();
                        java.net.SocketAddress from = ch.receive(buf);
                        buf.flip();
                        ch.send(buf, from);
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "udp-echo");
            thread.setDaemon(true);
            thread.start();
        }

        java.net.InetSocketAddress address() throws IOException {
            return (java.net.InetSocketAddress) ch.getLocalAddress();
        }

        @Override
        public void close() throws Exception {
            ch.close();
            thread.join(5000);
        }
    }

    /** A TCP server on its own thread that echoes every byte back until EOF (blocking, plain JDK). */
    public static final class TcpEchoServer implements AutoCloseable {
        final java.nio.channels.ServerSocketChannel server;
        private final Thread thread;

        TcpEchoServer() throws IOException {
            server = java.nio.channels.ServerSocketChannel.open();
            server.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            thread = new Thread(() -> {
                while (server.isOpen()) {
                    try (java.nio.channels.SocketChannel c = server.accept()) {
                        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(65536);
                        while (c.read(buf) >= 0) {
                            buf.flip();
                            while (buf.hasRemaining()) c.write(buf);
                            buf.clear();
                        }
                    } catch (IOException e) {
                        if (!server.isOpen()) return;
                    }
                }
            }, "tcp-echo");
            thread.setDaemon(true);
            thread.start();
        }

        java.net.InetSocketAddress address() throws IOException {
            return (java.net.InetSocketAddress) server.getLocalAddress();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5000);
        }
    }

    /** Open file descriptors of this process. */
    public static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh path for a Unix socket in a new temporary directory. */
    public static Path tempSocketPath() {
        try {
            return Files.createTempDirectory("jasyncio-net").resolve("s.sock");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void deleteSocketPath(Path p) {
        try {
            Files.deleteIfExists(p);
            Files.deleteIfExists(p.getParent());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A test body that gets a fresh Unix socket path. */
    @FunctionalInterface
    public interface SocketPathBody {
        void run(Path path) throws Exception;
    }

    /**
     * Runs {@code body} on a fresh real-time loop ({@link TestLoops#runReal}) with a fresh Unix socket path
     * ({@link #tempSocketPath()}), then deletes the path and its directory however the body ends.
     */
    public static void runWithSocketPath(SocketPathBody body) {
        Path path = tempSocketPath();
        try {
            TestLoops.runReal(() -> {
                body.run(path);
                return null;
            });
        } finally {
            deleteSocketPath(path);
        }
    }
}
