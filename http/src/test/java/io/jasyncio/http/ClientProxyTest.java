package io.jasyncio.http;

import io.jasyncio.transport.ServerOptions;
import java.io.IOException;
import static io.jasyncio.http.ClientTesting.*;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.transport.Server;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamWriter;
import io.jasyncio.streams.Streams;
import io.jasyncio.tls.TlsOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proxies: http:// through an HTTP proxy in absolute form, https:// through a CONNECT tunnel with TLS end to
 * end, Basic proxy credentials. The proxy is written here, on jasyncio; the https server uses a certificate
 * made for the test with the JDK's keytool.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientProxyTest {
    private static final BasicAuth CREDENTIALS = new BasicAuth("proxy-user", "s3cret");
    private static SSLContext serverCtx, clientCtx;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<io.jasyncio.Future<Object>> proxyConnections = new java.util.ArrayList<>();

    @BeforeAll
    static void certificate(@TempDir Path dir) throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        serverCtx = SSLContext.getInstance("TLS");
        serverCtx.init(kmf.getKeyManagers(), null, null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", store.getCertificate("server"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        clientCtx = SSLContext.getInstance("TLS");
        clientCtx.init(null, tmf.getTrustManagers(), null);
    }

    /** Copies bytes one way until the end, then passes the end on. */
    private static void pipe(StreamReader from, StreamWriter to) {
        try {
            for (byte[] b; (b = from.read(1 << 16)).length > 0; ) {
                to.write(b);
                to.drain();
            }
            if (to.canWriteEof()) to.writeEof();
        } catch (Exception e) {
            to.transport().abort();
        }
    }

    /** A proxy: CONNECT tunnels, or one absolute-form request forwarded; credentials checked; request lines recorded. */
    private Server proxy() throws IOException {
        return raw((in, out) -> {
            io.jasyncio.Future<Object> done = Asyncio.getRunningLoop().createFuture();
            proxyConnections.add(done);
            try {
                proxyConnection(in, out);
            } finally {
                done.setResult(null);
            }
        });
    }

    /** Waits until every connection the proxy took is over (after the session closed them). */
    private void proxyFinished() {
        for (io.jasyncio.Future<Object> f : proxyConnections) Asyncio.await(f);
    }

    private void proxyConnection(StreamReader in, StreamWriter out) throws Exception {
        String head = readHead(in);
        if (head == null) return;
        String line = head.substring(0, head.indexOf("\r\n"));
        seen.add(line);
        if (!head.contains("Proxy-Authorization: " + CREDENTIALS.encode() + "\r\n")) {
            out.write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.drain();
            out.close();
            return;
        }
        String[] parts = line.split(" ");
        StreamPair up;
        if (parts[0].equals("CONNECT")) {
            String[] hp = parts[1].split(":");
            up = Streams.openConnection(hp[0], Integer.parseInt(hp[1]));
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            java.net.URI u = java.net.URI.create(parts[1]);
            up = Streams.openConnection(u.getHost(), u.getPort());
            String originForm = parts[0] + " " + u.getRawPath() + " " + parts[2];
            up.writer().write((originForm + head.substring(line.length())).getBytes(StandardCharsets.ISO_8859_1));
        }
        var back = Asyncio.createTask(() -> {
            pipe(up.reader(), out);
            return null;
        });
        pipe(in, up.writer());
        Asyncio.await(back);
        up.writer().close();
        out.close();
    }

    /** An https server: answers each request with its request line. */
    private static Server tlsServer() throws IOException {
        return Streams.startServer((in, out) -> {
            try {
                for (String head; (head = readHead(in)) != null; ) {
                    byte[] body = ("secure " + head.substring(0, head.indexOf("\r\n"))).getBytes(StandardCharsets.US_ASCII);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.drain();
                }
            } catch (io.jasyncio.CancelledError e) {
                throw e;
            } catch (Exception clientWentAway) {
                // a client that failed the handshake (the untrusting one) or went away
            } finally {
                out.close();
            }
        }, "127.0.0.1", 0, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULTS.withTls(TlsOptions.server(serverCtx)));
    }

    @Test
    void httpThroughAProxyInAbsoluteFormWithCredentials() {
        Application app = new Application();
        app.router().addGet("/hello", r -> Response.text("hello, host " + r.header("Host") + ", proxy auth " + r.header("Proxy-Authorization")));
        virtual(() -> withApp(app, base -> {
            try (Server p = proxy(); ClientSession http = ClientSession.builder().proxy("http://127.0.0.1:" + port(p), CREDENTIALS).build()) {
                String hostPort = base.substring("http://".length());
                assertEquals("hello, host " + hostPort + ", proxy auth " + CREDENTIALS.encode(), http.get(base + "/hello").text());
                assertEquals(List.of("GET " + base + "/hello HTTP/1.1"), seen, "absolute form to the proxy");
                ClientResponse refused = http.get(base + "/hello", RequestOptions.of().proxy("http://127.0.0.1:" + port(p), null));
                assertEquals(407, refused.status(), "the proxy's answer, as for any request");
                refused.close();
            }
            proxyFinished();
            return null;
        }));
    }

    /**
     * A tunnel the proxy opened for one set of credentials serves no request that gives others, even others whose
     * {@code hashCode} is the same ("rRcret" and "s3cret" collide: 31*'r'+'R' == 31*'s'+'3').
     */
    @Test
    void aTunnelIsNotReusedForOtherCredentialsWithTheSameHashCode() {
        BasicAuth other = new BasicAuth(CREDENTIALS.login(), "rRcret");
        assertEquals(CREDENTIALS.hashCode(), other.hashCode(), "the test's premise: the two collide");
        virtual(() -> {
            try (Server p = proxy(); Server target = tlsServer();
                    ClientSession http = ClientSession.builder().connector(new TcpConnector().tls(TlsOptions.client(clientCtx)), true)
                            .proxy("http://127.0.0.1:" + port(p), CREDENTIALS).build()) {
                String url = "https://localhost:" + port(target) + "/secret";
                assertEquals("secure GET /secret HTTP/1.1", http.get(url).text());
                ClientResponseError e = assertThrows(ClientResponseError.class,
                        () -> http.get(url, RequestOptions.of().proxy("http://127.0.0.1:" + port(p), other)).text(),
                        "the proxy never accepted these credentials: the idle tunnel made with the right ones must not serve them");
                assertEquals(407, e.status());
            }
            proxyFinished();
            return null;
        });
    }

    @Test
    void httpsThroughAConnectTunnel() {
        virtual(() -> {
            try (Server p = proxy(); Server target = tlsServer();
                    ClientSession http = ClientSession.builder().connector(new TcpConnector().tls(TlsOptions.client(clientCtx)), true)
                            .proxy("http://127.0.0.1:" + port(p), CREDENTIALS).build()) {
                String url = "https://localhost:" + port(target) + "/secret";
                assertEquals("secure GET /secret HTTP/1.1", http.get(url).text());
                assertEquals("secure GET /secret HTTP/1.1", http.get(url).text(), "the tunnel is kept and reused");
                assertEquals(List.of("CONNECT localhost:" + port(target) + " HTTP/1.1"), seen, "one tunnel, the requests inside it unseen");
                ClientResponseError e = assertThrows(ClientResponseError.class,
                        () -> http.get(url, RequestOptions.of().proxy("http://127.0.0.1:" + port(p), null)));
                assertEquals(407, e.status());
                assertTrue(e.getMessage().contains("refused CONNECT localhost:" + port(target)) && e.getMessage().contains("give proxyAuth"), e.getMessage());
            }
            proxyFinished();
            return null;
        });
    }

    @Test
    void httpsThroughAConnectTunnelSpeaksH2WhenTheOriginChoosesItOneConnectionPerProxyAndOrigin() throws Exception {
        Application app = new Application();
        app.router().addGet("/hello", r -> Response.text("hello " + r.version() + " " + r.queryParam("i")));
        Asyncio.run(() -> {
            try (AppRunner runner = new AppRunner(app)) {
                runner.setup();
                TcpSite site = new TcpSite(runner, "127.0.0.1", 0, TlsOptions.server(TestCerts.server()).withHandshakeTimeout(5));
                site.start();
                String url = "https://localhost:" + site.port() + "/hello";
                try (Server p = proxy();
                        ClientSession http = ClientSession.builder().connector(new TcpConnector().tls(TlsOptions.client(TestCerts.client())), true)
                                .proxy("http://127.0.0.1:" + port(p), CREDENTIALS).build()) {
                    List<io.jasyncio.Task<String>> tasks = new java.util.ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        int n = i;
                        tasks.add(Asyncio.createTask(() -> {
                            try (ClientResponse r = http.get(url + "?i=" + n)) {
                                return r.version() + " " + r.text();
                            }
                        }));
                    }
                    for (int i = 0; i < 20; i++) assertEquals("HTTP/2 hello HTTP/2 " + i, Asyncio.await(tasks.get(i)));
                    assertEquals(List.of("CONNECT localhost:" + site.port() + " HTTP/1.1"), seen, "one tunnel, h2 inside it, its 20 streams unseen");
                    assertEquals(1, http.connector().openConnections(), "the requests shared one HTTP/2 connection through the proxy");
                    // another proxy identity is another pool key: a tunnel of its own, refused here without credentials
                    ClientResponseError e = assertThrows(ClientResponseError.class,
                            () -> http.get(url, RequestOptions.of().proxy("http://127.0.0.1:" + port(p), null)));
                    assertEquals(407, e.status());
                    assertTrue(e.getMessage().contains("refused CONNECT localhost:" + site.port()) && e.getMessage().contains("give proxyAuth"), e.getMessage());
                    try (ClientSession h1 = ClientSession.builder().connector(new TcpConnector().tls(TlsOptions.client(TestCerts.client())), true)
                            .proxy("http://127.0.0.1:" + port(p), CREDENTIALS).http2(io.jasyncio.http.h2.Http2ClientOptions.OFF).build()) {
                        assertEquals("hello HTTP/1.1 x", h1.get(url + "?i=x").text(), "HTTP/2 turned off: HTTP/1.1 in the tunnel");
                    }
                }
                proxyFinished();
            }
            return null;
        });
    }

    @Test
    void httpsDirectlyWithTheConnectorsTrustAndItsHostNameCheck() {
        virtual(() -> {
            try (Server target = tlsServer();
                    ClientSession http = ClientSession.builder().connector(new TcpConnector().tls(TlsOptions.client(clientCtx)), true).build();
                    ClientSession defaultTrust = new ClientSession()) {
                assertEquals("secure GET / HTTP/1.1", http.get("https://localhost:" + port(target) + "/").text());
                java.io.IOException e = assertThrows(java.io.IOException.class, () -> defaultTrust.get("https://localhost:" + port(target) + "/"));
                assertTrue(e.getMessage().contains("https://localhost:" + port(target)), e.getMessage());
                assertThrows(InvalidUrlError.class, () -> ClientSession.builder().proxy("https://proxy:1/", null));
            }
            return null;
        });
    }
}
