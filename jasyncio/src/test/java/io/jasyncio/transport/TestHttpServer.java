package io.jasyncio.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny blocking HTTP/1.0 server on its own thread, independent of jasyncio (the role of CPython's
 * {@code test_utils.run_test_server}): answers every request with "HTTP/1.0 200 OK" and "Test message", then
 * closes the connection.
 */
public final class TestHttpServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Thread thread;
    private final Path unixPath;

    private TestHttpServer(ServerSocketChannel server, Path unixPath) {
        this.server = server;
        this.unixPath = unixPath;
        this.thread = new Thread(this::serve, "test-http-server");
        thread.setDaemon(true);
        thread.start();
    }

    public static TestHttpServer tcp() throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress("127.0.0.1", 0));
        return new TestHttpServer(s, null);
    }

    public static TestHttpServer unix() throws IOException {
        Path dir = Files.createTempDirectory("jasyncio-test");
        Path p = dir.resolve("http.sock");
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(p));
        return new TestHttpServer(s, p);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path path() {
        return unixPath;
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel c = server.accept()) {
                ByteBuffer in = ByteBuffer.allocate(4096);
                StringBuilder req = new StringBuilder();
                while (!req.toString().contains("\r\n\r\n")) {
                    in.clear();
                    int n = c.read(in);
                    if (n < 0) break;
                    req.append(new String(in.array(), 0, n, StandardCharsets.ISO_8859_1));
                }
                String body = "Test message";
                String resp = "HTTP/1.0 200 OK\r\nContent-type: text/plain\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body;
                ByteBuffer out = ByteBuffer.wrap(resp.getBytes(StandardCharsets.ISO_8859_1));
                while (out.hasRemaining()) c.write(out);
            } catch (IOException e) {
                if (!server.isOpen()) return; // closed by close(): done
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5000);
        if (unixPath != null) {
            Files.deleteIfExists(unixPath);
            Files.deleteIfExists(unixPath.getParent());
        }
    }
}
