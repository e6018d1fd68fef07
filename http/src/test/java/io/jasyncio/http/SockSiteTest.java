package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.tls.TlsOptions;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link SockSite}: an application served on a listening socket the caller bound (aiohttp's {@code web.SockSite}). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SockSiteTest {
    @TempDir
    Path tmp;

    static Application app() {
        Application app = new Application();
        app.router().addGet("/", r -> Response.text("hello " + r.scheme()));
        return app;
    }

    @Test
    void aBoundTcpSocketIsServedAndClosedWithTheSite() throws Exception {
        ServerSocketChannel sock = ServerSocketChannel.open();
        sock.bind(new InetSocketAddress("127.0.0.1", 0), 16);
        int port = ((InetSocketAddress) sock.getLocalAddress()).getPort();
        try (Served s = Served.start(app(), r -> {}, r -> new SockSite(r, sock)); RawClient c = new RawClient(port)) {
            RawClient.Reply r = c.get("/").read();
            assertEquals(200, r.status());
            assertEquals("hello http", r.text());
            assertEquals("http://127.0.0.1:" + port, s.onLoop(() -> s.runner.sites().get(0).name()));
            assertEquals(List.of(), s.errors);
        }
        assertFalse(sock.isOpen(), "the site owns the socket once started: the runner's cleanup closed it");
    }

    @Test
    void aBoundUnixSocketIsServedAndItsFileRemoved() throws Exception {
        Path path = tmp.resolve("app.sock");
        ServerSocketChannel sock = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        sock.bind(UnixDomainSocketAddress.of(path));
        try (Served s = Served.start(app(), r -> {}, r -> new SockSite(r, sock))) {
            assertEquals("http://unix:" + path + ":", s.onLoop(() -> s.runner.sites().get(0).name()));
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                ch.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
                String reply = new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(reply.startsWith("HTTP/1.1 200 OK"), reply);
                assertTrue(reply.endsWith("hello http"), reply);
            }
        }
        assertFalse(sock.isOpen());
        assertFalse(Files.exists(path), "the socket file is removed when the site stops");
    }

    @Test
    void aBoundSocketServesHttpsWithTlsOptions() throws Exception {
        ServerSocketChannel sock = ServerSocketChannel.open();
        sock.bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) sock.getLocalAddress()).getPort();
        TlsOptions tls = TlsOptions.server(TestCerts.server()).withHandshakeTimeout(5);
        try (Served s = Served.start(app(), r -> {}, r -> new SockSite(r, sock, tls));
                HttpClient client = HttpClient.newBuilder().sslContext(TestCerts.client()).version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("hello https", r.body());
            assertEquals("https://127.0.0.1:" + port, s.onLoop(() -> s.runner.sites().get(0).name()));
        }
    }

    @Test
    void anUnboundOrClosedSocketIsRefusedWithWhatToDo() throws Exception {
        try (ServerSocketChannel unbound = ServerSocketChannel.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SockSite(new AppRunner(new Application()), unbound));
            assertTrue(e.getMessage().contains("not bound") && e.getMessage().contains("bind"), e.getMessage());
        }
        ServerSocketChannel closed = ServerSocketChannel.open();
        closed.close();
        assertThrows(IllegalArgumentException.class, () -> new SockSite(new AppRunner(new Application()), closed));
    }
}
