package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Task;
import io.jasyncio.http.h2.Http2ClientOptions;
import io.jasyncio.tls.TlsOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ClientSession} over HTTP/2 against the project's own HTTP/2 server: h2c by prior knowledge and h2 by ALPN
 * over TLS, many requests multiplexed on one connection, flow control both ways, and the session's features
 * (cookies, redirects, decompression, timeouts) the same as over HTTP/1.1.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2ClientTest {
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();

    Application app() {
        Application app = new Application(32 << 20);
        app.router().addGet("/hello", r -> Response.text("hello " + r.version()));
        app.router().addPost("/echo", r -> Response.bytes(r.body(), "application/octet-stream"));
        app.router().addGet("/big", r -> Response.bytes(pattern(Integer.parseInt(r.queryParam("n"))), "application/octet-stream"));
        app.router().addGet("/sleep", r -> {
            mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Asyncio.sleep(Double.parseDouble(r.queryParam("s")));
            } finally {
                running.decrementAndGet();
            }
            return Response.text("slept " + r.queryParam("i"));
        });
        app.router().addGet("/set", r -> Response.text("set").setCookie("flavour", "ginger"));
        app.router().addGet("/cookie", r -> Response.text("cookie " + r.cookies().get("flavour")));
        app.router().addGet("/redirect", r -> new Response(302).header("Location", "/hello"));
        app.router().addGet("/gzip", r -> Response.text("squeezed ".repeat(1000)).enableCompression("gzip"));
        return app;
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + (i >>> 11));
        return b;
    }

    static ClientSession h2c() {
        return ClientSession.builder().http2(Http2ClientOptions.PRIOR_KNOWLEDGE).build();
    }

    @Test
    void h2cWithPriorKnowledgeAnswersGetPostHeadAndSaysHttp2() throws Exception {
        ClientTesting.virtual(() -> ClientTesting.withApp(app(), base -> {
            try (ClientSession s = h2c()) {
                try (ClientResponse r = s.get(base + "/hello")) {
                    assertEquals(200, r.status());
                    assertEquals("HTTP/2", r.version());
                    assertEquals("hello HTTP/2", r.text()); // the server saw HTTP/2 too
                    assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
                }
                try (ClientResponse r = s.post(base + "/echo", "abcde".getBytes(), "application/octet-stream")) {
                    assertEquals("abcde", r.text());
                }
                try (ClientResponse r = s.head(base + "/hello")) {
                    assertEquals(200, r.status());
                    assertEquals(0, r.read().length);
                }
                try (ClientResponse r = s.get(base + "/nowhere")) {
                    assertEquals(404, r.status());
                    r.read();
                }
                assertEquals(1, s.connector().openConnections(), "every request went on the one HTTP/2 connection");
            }
            return null;
        }));
    }

    @Test
    void aHundredAndFiftyConcurrentRequestsShareOneConnectionWithinTheServersStreamLimit() throws Exception {
        ClientTesting.virtual(() -> ClientTesting.withApp(app(), base -> {
            try (ClientSession s = ClientSession.builder().http2(Http2ClientOptions.PRIOR_KNOWLEDGE)
                    .connector(new TcpConnector().limitPerHost(1), true).build()) {
                List<Task<String>> tasks = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    int n = i;
                    tasks.add(Asyncio.createTask(() -> {
                        try (ClientResponse r = s.get(base + "/sleep?s=0.5&i=" + n)) {
                            return r.text();
                        }
                    }));
                }
                for (int i = 0; i < 150; i++) assertEquals("slept " + i, Asyncio.await(tasks.get(i)));
                assertEquals(1, s.connector().openConnections(), "one connection, though limitPerHost is 1 and 150 requests ran");
                assertEquals(100, mostRunning.get(), "the server's 100 concurrent streams were used, the other 50 waited");
            }
            return null;
        }));
    }

    @Test
    void tenMibUpAndDownThroughSmallWindows() throws Exception {
        ClientTesting.virtual(() -> ClientTesting.withApp(app(), base -> {
            // the client's receive windows small: 16 KiB a stream, 64 KiB the connection
            try (ClientSession s = ClientSession.builder().maxBody(32 << 20)
                    .http2(Http2ClientOptions.PRIOR_KNOWLEDGE.withWindows(65_535, 16_384)).build()) {
                int n = 10 << 20;
                try (ClientResponse r = s.get(base + "/big?n=" + n)) {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    long got = 0;
                    for (byte[] b : r.content().iterChunked(100_000)) {
                        assertTrue(b.length <= 16_384, "no more than a stream window is ever held: " + b.length);
                        md.update(b);
                        got += b.length;
                    }
                    assertEquals(n, got);
                    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(pattern(n)), md.digest());
                }
                // up: the server's windows (64 KiB a stream, 1 MiB the connection) bound what is sent ahead
                byte[] up = pattern(n);
                try (ClientResponse r = s.post(base + "/echo", up, "application/octet-stream")) {
                    assertArrayEquals(up, r.read());
                }
                assertEquals(1, s.connector().openConnections());
            }
            return null;
        }));
    }

    @Test
    void cookiesRedirectsAndDecompressionWorkAsOverHttp11() throws Exception {
        ClientTesting.virtual(() -> ClientTesting.withApp(app(), base -> {
            try (ClientSession s = ClientSession.builder().http2(Http2ClientOptions.PRIOR_KNOWLEDGE).cookieJar(new CookieJar(true)).build()) {
                s.get(base + "/set").read();
                assertEquals("cookie ginger", s.get(base + "/cookie").text());
                try (ClientResponse r = s.get(base + "/redirect")) {
                    assertEquals("hello HTTP/2", r.text());
                    assertEquals(1, r.history().size());
                    assertEquals(302, r.history().get(0).status());
                }
                try (ClientResponse r = s.get(base + "/gzip")) {
                    assertEquals("gzip", r.header("Content-Encoding"));
                    assertEquals("squeezed ".repeat(1000), r.text());
                }
            }
            return null;
        }));
    }

    @Test
    void aReadTimeoutEndsOneStreamAndTheConnectionServesTheNext() throws Exception {
        ClientTesting.virtual(() -> ClientTesting.withApp(app(), base -> {
            try (ClientSession s = h2c()) {
                ClientTimeoutError e = assertThrows(ClientTimeoutError.class,
                        () -> s.get(base + "/sleep?s=30&i=0", RequestOptions.of().timeout(ClientTimeout.DEFAULT.withSockRead(1.0))));
                assertTrue(e.getMessage().contains("sockRead"), e.getMessage());
                assertEquals("hello HTTP/2", s.get(base + "/hello").text());
                assertEquals(1, s.connector().openConnections());
            }
            return null;
        }));
    }

    @Test
    void aResponseClosedUnreadResetsItsStreamOnly() throws Exception {
        ClientTesting.virtual(() -> ClientTesting.withApp(app(), base -> {
            try (ClientSession s = h2c()) {
                ClientResponse big = s.get(base + "/big?n=5000000");
                assertEquals(200, big.status());
                big.content().read(1000);
                big.close(); // RST_STREAM CANCEL: the rest is not sent, the connection goes on
                assertEquals("hello HTTP/2", s.get(base + "/hello").text());
                assertEquals(1, s.connector().openConnections());
            }
            return null;
        }));
    }

    @Test
    void theSessionClosingLeavesNoSocketOpen() throws Exception {
        ClientTesting.virtual(() -> ClientTesting.withApp(app(), base -> {
            long before = ClientTesting.openSockets();
            try (ClientSession s = h2c()) {
                assertEquals("hello HTTP/2", s.get(base + "/hello").text());
            }
            assertTrue(ClientTesting.awaitOpenSocketsAtMost(before) <= before, "the HTTP/2 connection was closed with the session");
            return null;
        }));
    }

    @Test
    void anIdleConnectionClosesAfterTheKeepAliveTimeoutAndAHeadNeedsNoBodyRoom() throws Exception {
        ClientTesting.virtual(() -> ClientTesting.withApp(app(), base -> {
            try (ClientSession s = ClientSession.builder().http2(Http2ClientOptions.PRIOR_KNOWLEDGE).maxBody(10)
                    .connector(new TcpConnector().keepaliveTimeout(5), true).build()) {
                try (ClientResponse r = s.head(base + "/big?n=1000")) {
                    assertEquals("1000", r.header("Content-Length"));
                    assertEquals(0, r.read().length, "a HEAD's content-length is no body to refuse");
                }
                assertEquals(1, s.connector().openConnections());
                Asyncio.sleep(6);
                assertEquals(0, s.connector().openConnections(), "closed (GOAWAY) after 5 s with no stream");
                assertEquals(5, s.get(base + "/big?n=5").read().length);
                assertEquals(1, s.connector().openConnections(), "a new one for the next request");
            }
            return null;
        }));
    }

    // ---------------------------------------------------------------- h2c by Upgrade

    @Test
    void upgradeH2cMakesTheFirstConnectionHttp2WithItsFirstResponseAsStream1AndTheOthersWaitToShareIt() throws Exception {
        ClientTesting.virtual(() -> ClientTesting.withApp(app(), base -> {
            try (ClientSession s = ClientSession.builder().http2(Http2ClientOptions.UPGRADE).build()) {
                List<Task<String>> tasks = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    tasks.add(Asyncio.createTask(() -> {
                        try (ClientResponse r = s.get(base + "/hello")) {
                            return r.version() + " " + r.text();
                        }
                    }));
                }
                for (Task<String> t : tasks) assertEquals("HTTP/2 hello HTTP/2", Asyncio.await(t));
                assertEquals(1, s.connector().openConnections(), "the upgraded connection served all ten");
                try (ClientResponse r = s.post(base + "/echo", "abcde".getBytes(), "application/octet-stream")) {
                    assertEquals("HTTP/2", r.version());
                    assertEquals("abcde", r.text());
                }
            }
            // a HEAD as the upgraded request: its content-length describes no DATA
            try (ClientSession s = ClientSession.builder().http2(Http2ClientOptions.UPGRADE).build();
                    ClientResponse r = s.head(base + "/hello")) {
                assertEquals("HTTP/2", r.version());
                assertEquals(200, r.status());
                assertEquals(0, r.read().length);
            }
            // a first request with a body is sent as HTTP/1.1, without the offer; the next (bodiless, on a new
            // connection while the first is busy) still offers it
            try (ClientSession s = ClientSession.builder().http2(Http2ClientOptions.UPGRADE).build()) {
                try (ClientResponse r = s.post(base + "/echo", "xyz".getBytes(), "application/octet-stream")) {
                    assertEquals("HTTP/1.1", r.version());
                    assertEquals("HTTP/2", s.get(base + "/hello").version());
                    assertEquals("xyz", r.text());
                }
            }
            return null;
        }));
    }

    @Test
    void upgradeH2cAnsweredInHttp11StaysHttp11AndTheOriginIsNotOfferedItAgain() throws Exception {
        List<String> heads = new java.util.concurrent.CopyOnWriteArrayList<>();
        ClientTesting.virtual(() -> {
            try (io.jasyncio.transport.Server srv = ClientTesting.raw((in, out) -> {
                        for (String head; (head = ClientTesting.readHead(in)) != null; ) {
                            heads.add(head);
                            Asyncio.sleep(0.1);
                            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                        }
                    });
                    ClientSession s = ClientSession.builder().http2(Http2ClientOptions.UPGRADE).build()) {
                String base = "http://127.0.0.1:" + ClientTesting.port(srv);
                try (ClientResponse r = s.get(base + "/")) {
                    assertEquals("HTTP/1.1", r.version());
                    assertEquals("ok", r.text());
                }
                List<Task<String>> tasks = new ArrayList<>();
                for (int i = 0; i < 3; i++) tasks.add(Asyncio.createTask(() -> s.get(base + "/").text()));
                for (Task<String> t : tasks) assertEquals("ok", Asyncio.await(t));
                assertEquals(3, s.connector().openConnections(), "HTTP/1.1: a connection each");
            }
            return null;
        });
        assertEquals(4, heads.size());
        String first = heads.get(0);
        assertTrue(first.contains("Connection: Upgrade, HTTP2-Settings\r\n") && first.contains("Upgrade: h2c\r\n")
                && first.contains("HTTP2-Settings: " + io.jasyncio.http.h2.Http2ClientConnection.upgradeSettings(Http2ClientOptions.UPGRADE) + "\r\n"), first);
        for (String h : heads.subList(1, 4)) assertFalse(h.contains("h2c"), "remembered as HTTP/1.1, new connections too: " + h);
    }

    // ---------------------------------------------------------------- TLS and ALPN

    @Test
    void httpsChoosesH2ByAlpnAndFallsBackToHttp11WhenTheServerPicksIt() throws Exception {
        TlsOptions serverTls = TlsOptions.server(TestCerts.server()).withHandshakeTimeout(5);
        try (Served h2 = Served.start(app(), r -> {}, r -> new TcpSite(r, "127.0.0.1", 0, serverTls))) {
            javax.net.ssl.SSLParameters only11 = TestCerts.server().getDefaultSSLParameters();
            only11.setApplicationProtocols(new String[] {"http/1.1"});
            try (Served h1 = Served.start(app(), r -> {}, r -> new TcpSite(r, "127.0.0.1", 0, serverTls.withParameters(only11)))) {
                Asyncio.run(() -> {
                    TcpConnector connector = new TcpConnector().tls(TlsOptions.client(TestCerts.client()));
                    try (ClientSession s = ClientSession.builder().connector(connector, true).build()) {
                        try (ClientResponse r = s.get("https://localhost:" + h2.port + "/hello")) {
                            assertEquals("HTTP/2", r.version());
                            assertEquals("hello HTTP/2", r.text());
                        }
                        List<Task<String>> tasks = new ArrayList<>();
                        for (int i = 0; i < 20; i++) tasks.add(Asyncio.createTask(() -> s.get("https://localhost:" + h2.port + "/big?n=100000").read().length + ""));
                        for (Task<String> t : tasks) assertEquals("100000", Asyncio.await(t));
                        assertEquals(1, connector.openConnections(), "the h2 requests shared one TLS connection");
                        try (ClientResponse r = s.get("https://localhost:" + h1.port + "/hello")) {
                            assertEquals("HTTP/1.1", r.version());
                            assertEquals("hello HTTP/1.1", r.text());
                        }
                    }
                    TcpConnector c2 = new TcpConnector().tls(TlsOptions.client(TestCerts.client()));
                    try (ClientSession off = ClientSession.builder().connector(c2, true).http2(Http2ClientOptions.OFF).build()) {
                        assertEquals("HTTP/1.1", off.get("https://localhost:" + h2.port + "/hello").version(), "HTTP/2 turned off");
                    }
                    return null;
                });
            }
            assertEquals(List.of(), h2.errors);
        }
    }
}
