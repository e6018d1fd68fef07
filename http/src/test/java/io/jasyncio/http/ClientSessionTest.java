package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.TimeoutError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClientSession} against jasyncio's own server, against canned byte-exact responses from a plain socket
 * (chunked bodies, interim responses, HTTP/1.0, a server that drops a kept-alive connection) and against
 * Python's {@code http.server}.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientSessionTest {
    private static Application app() {
        Application app = new Application();
        app.router().addGet("/", r -> Response.text("Hello, World!").header("X-Port", String.valueOf(
                ((java.net.InetSocketAddress) r.remoteAddress()).getPort())));
        app.router().addPost("/echo", r -> new Response(200, r.body(), r.header("Content-Type")));
        app.router().addGet("/sleep", r -> {
            Asyncio.sleep(Double.parseDouble(r.queryParam("s")));
            return Response.text("slept");
        });
        return app;
    }

    @Test
    void getsPostsAndReusesItsConnection() throws Exception {
        try (Served s = Served.start(app())) {
            String base = "http://127.0.0.1:" + s.port;
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    ClientResponse a = http.get(base + "/");
                    assertEquals(200, a.status());
                    assertEquals("OK", a.reason());
                    assertEquals("Hello, World!", a.text());
                    assertEquals("text/plain; charset=utf-8", a.header("content-type"));
                    ClientResponse b = http.get(base + "/");
                    assertEquals(a.header("X-Port"), b.header("X-Port"), "the second request went over the same connection");
                    assertEquals(0, http.idleConnections(), "b's body is not read yet: its connection is in use");
                    assertEquals("Hello, World!", b.text());
                    assertEquals(1, http.idleConnections(), "read to its end, b's connection went back to the pool");
                    ClientResponse e = http.post(base + "/echo", "héllo".getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
                    assertEquals("héllo", e.text());
                    ClientResponseError notFound = assertThrows(ClientResponseError.class, () -> http.get(base + "/missing").raiseForStatus());
                    assertEquals(404, notFound.status());
                    assertTrue(notFound.getMessage().contains("/missing"), notFound.getMessage());
                }
                return null;
            });
        }
    }

    @Test
    void concurrentRequestsEachGetAConnection() throws Exception {
        try (Served s = Served.start(app())) {
            String url = "http://127.0.0.1:" + s.port + "/sleep?s=0.2";
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    List<Object> all = Asyncio.await(Asyncio.gather(() -> http.get(url).text(), () -> http.get(url).text(),
                            () -> http.get(url).text()));
                    assertEquals(List.of("slept", "slept", "slept"), all);
                    assertEquals(3, http.idleConnections());
                }
                return null;
            });
        }
    }

    @Test
    void aTimedOutRequestClosesItsConnection() throws Exception {
        try (Served s = Served.start(app())) {
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    assertThrows(TimeoutError.class, () -> Asyncio.timeout(0.1, () -> http.get("http://127.0.0.1:" + s.port + "/sleep?s=10")));
                    assertEquals(0, http.idleConnections(), "a connection in an unknown state is not reused");
                    assertEquals("Hello, World!", http.get("http://127.0.0.1:" + s.port + "/").text());
                }
                return null;
            });
        }
    }

    @Test
    void chunkedBodiesInterimResponsesAndHttp10() throws Exception {
        try (ServerSocket ss = CannedServer.start((n, sock, in, out) -> {
            CannedServer.readHead(in);
            CannedServer.send(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: x\r\n\r\n");
            CannedServer.readHead(in);
            CannedServer.send(out, "HTTP/1.0 200 OK\r\n\r\nuntil the end"); // no length: the body ends with the connection
        })) {
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/";
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    assertEquals("Wikipedia", http.get(url).text());
                    ClientResponse r = http.get(url);
                    assertEquals("HTTP/1.0", r.version());
                    assertEquals("until the end", r.text());
                    assertEquals(0, http.idleConnections(), "a body read to the end leaves no connection to reuse");
                }
                return null;
            });
        }
    }

    @Test
    void aKeptConnectionTheServerDroppedIsRetriedOnceForAGetButNotForAPost() throws Exception {
        try (ServerSocket ss = CannedServer.start((n, sock, in, out) -> {
            CannedServer.readHead(in);
            CannedServer.send(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
            CannedServer.readHead(in); // then close without answering: a keep-alive race lost
        })) {
            String url = "http://127.0.0.1:" + ss.getLocalPort() + "/";
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    assertEquals("first", http.get(url).text());
                    assertEquals("first", http.get(url).text(), "sent again on a new connection");
                    IOException e = assertThrows(IOException.class, () -> http.post(url, new byte[] {1}, null));
                    assertTrue(e.getMessage().contains("closed the connection without answering"), e.getMessage());
                }
                return null;
            });
        }
    }

    @Test
    void errorsNameTheUrlAndWhatToDo() throws Exception {
        int freePort;
        try (ServerSocket ss = new ServerSocket(0)) {
            freePort = ss.getLocalPort();
        }
        try (ServerSocket big = CannedServer.start((n, sock, in, out) -> {
            CannedServer.readHead(in);
            CannedServer.send(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "x".repeat(100));
        })) {
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession(10)) {
                    IOException refused = assertThrows(IOException.class, () -> http.get("http://127.0.0.1:" + freePort + "/x"));
                    assertTrue(refused.getMessage().contains("127.0.0.1:" + freePort), refused.getMessage());
                    IOException tooBig = assertThrows(IOException.class, () -> http.get("http://127.0.0.1:" + big.getLocalPort() + "/").read());
                    assertTrue(tooBig.getMessage().contains("larger than 10 bytes"), tooBig.getMessage());
                    InvalidUrlError ftp = assertThrows(InvalidUrlError.class, () -> http.get("ftp://example.com/"));
                    assertTrue(ftp.getMessage().contains("ftp://example.com/") && ftp.getMessage().contains("unsupported scheme ftp"), ftp.getMessage());
                    InvalidUrlError bad = assertThrows(InvalidUrlError.class, () -> http.get("http:// bad url"));
                    assertTrue(bad.getMessage().contains("http:// bad url"), bad.getMessage());
                    assertTrue(assertThrows(InvalidUrlError.class, () -> http.get("/relative")).getMessage().contains("no scheme"));
                }
                return null;
            });
        }
    }

    @Test
    void fetchesAFileFromPythonsHttpServer(@TempDir Path dir) throws Exception {
        byte[] data = new byte[300_000];
        new Random(3).nextBytes(data);
        Files.write(dir.resolve("blob.bin"), data);
        int port;
        try (ServerSocket ss = new ServerSocket(0)) {
            port = ss.getLocalPort();
        }
        Process py = new ProcessBuilder("python3", "-m", "http.server", String.valueOf(port), "--bind", "127.0.0.1")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int i = 0; i < 100; i++) {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    break;
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    ClientResponse r = http.get("http://127.0.0.1:" + port + "/blob.bin");
                    assertEquals(200, r.status());
                    assertArrayEquals(data, r.body());
                    assertEquals(404, http.get("http://127.0.0.1:" + port + "/nope").status());
                }
                return null;
            });
        } finally {
            py.destroy();
            py.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
