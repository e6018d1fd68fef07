package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.tls.TlsOptions;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS sites (the library's TLS, ALPN http/1.1) and Unix-socket sites (issue 17). */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SitesTest {
    @TempDir
    static Path tmp;
    static byte[] big;

    @BeforeAll
    static void files() throws Exception {
        big = new byte[3 * 1024 * 1024 + 11];
        new Random(3).nextBytes(big);
        Files.createDirectories(tmp.resolve("www"));
        Files.write(tmp.resolve("www/big.bin"), big);
    }

    static Application app() {
        Application app = new Application();
        app.router().addGet("/", r -> Response.text("hello " + r.remoteAddress().getClass().getSimpleName()));
        app.router().addGet("/scheme", r -> Response.text(r.scheme() + " " + r.secure()));
        app.router().addPost("/echo", r -> new Response(200, r.body(), "application/octet-stream"));
        app.router().addStatic("/static", tmp.resolve("www"));
        return app;
    }

    static Served https() throws Exception {
        TlsOptions tls = TlsOptions.server(TestCerts.server()).withHandshakeTimeout(2);
        return Served.start(app(), r -> {}, r -> new TcpSite(r, "127.0.0.1", 0, tls));
    }

    @Test
    void theJdkClientTalksToAnHttpsSite() throws Exception {
        try (Served s = https();
                HttpClient client = HttpClient.newBuilder().sslContext(TestCerts.client()).version(HttpClient.Version.HTTP_1_1).build()) {
            String base = "https://localhost:" + s.port;
            HttpResponse<String> hello = client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, hello.statusCode());
            assertEquals("hello InetSocketAddress", hello.body());
            assertEquals("https true", client.send(HttpRequest.newBuilder(URI.create(base + "/scheme")).build(), HttpResponse.BodyHandlers.ofString()).body());
            byte[] up = "x".repeat(200_000).getBytes(StandardCharsets.US_ASCII);
            HttpResponse<byte[]> echo = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(up)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(up, echo.body());
            // a file through TLS: read and encrypted in chunks (no zero-copy there), whole and in range
            HttpResponse<byte[]> file = client.send(HttpRequest.newBuilder(URI.create(base + "/static/big.bin")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(big, file.body());
            HttpResponse<byte[]> part = client.send(HttpRequest.newBuilder(URI.create(base + "/static/big.bin"))
                    .header("Range", "bytes=100-199").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, part.statusCode());
            assertArrayEquals(java.util.Arrays.copyOfRange(big, 100, 200), part.body());
            assertEquals(List.of(), s.errors);
            assertEquals("https://127.0.0.1:" + s.port, s.onLoop(() -> s.runner.sites().get(0).name()));
        }
    }

    @Test
    void anHttpsSiteOffersH2ThenHttp11ThroughAlpn() throws Exception {
        try (Served s = https();
                SSLSocket h2 = (SSLSocket) TestCerts.client().getSocketFactory().createSocket("127.0.0.1", s.port);
                SSLSocket sock = (SSLSocket) TestCerts.client().getSocketFactory().createSocket("127.0.0.1", s.port)) {
            SSLParameters p = h2.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            h2.setSSLParameters(p);
            h2.setSoTimeout(10_000);
            h2.startHandshake();
            assertEquals("h2", h2.getApplicationProtocol(), "h2 is offered first (io.jasyncio.http.h2)");
            p = sock.getSSLParameters();
            p.setApplicationProtocols(new String[] {"http/1.1"});
            sock.setSSLParameters(p);
            sock.setSoTimeout(10_000);
            sock.startHandshake();
            assertEquals("http/1.1", sock.getApplicationProtocol(), "a client offering http/1.1 only gets it");
            sock.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String reply = new String(sock.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(reply.startsWith("HTTP/1.1 200 OK"), reply);
        }
    }

    /** A peer that connects and never starts the handshake is dropped after the handshake timeout. */
    @Test
    void aSilentTlsPeerIsDropped() throws Exception {
        try (Served s = https(); RawClient c = new RawClient(s.port)) {
            c.socket.setSoTimeout(30_000);
            assertTrue(c.closedByServer(), "closed by the handshake timeout (2 s here)");
        }
    }

    @Test
    void aUnixSiteServesRequestsAndFiles() throws Exception {
        Path sock = tmp.resolve("app.sock");
        try (Served s = Served.start(app(), r -> {}, r -> new UnixSite(r, sock))) {
            assertEquals("http://unix:" + sock + ":", s.onLoop(() -> s.runner.sites().get(0).name()));
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                ch.write(ByteBuffer.wrap(("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /scheme HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /static/big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
                InputStream in = Channels.newInputStream(ch);
                byte[] all = in.readAllBytes();
                String text = new String(all, StandardCharsets.ISO_8859_1);
                assertTrue(text.startsWith("HTTP/1.1 200 OK"), text.substring(0, 100));
                assertTrue(text.contains("hello UnixDomainSocketAddress"), text.substring(0, 300));
                assertTrue(text.contains("http false"), "the scheme of a plain site");
                int bodyAt = text.indexOf("\r\n\r\n", text.indexOf("Content-Length: " + big.length)) + 4;
                assertArrayEquals(big, java.util.Arrays.copyOfRange(all, bodyAt, all.length), "sent zero-copy over the Unix socket");
            }
            assertEquals(List.of(), s.errors);
        }
        assertFalse(Files.exists(sock), "the socket file is removed when the site stops");
    }
}
