package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Answers sent while they are made: chunked, with a length, to HTTP/1.0, to HEAD, failing half-way, to a slow reader. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamResponseTest {
    private static Application app() {
        Application app = new Application();
        app.router().addGet("/count", r -> {
            StreamResponse s = new StreamResponse(200).header("Content-Type", "text/plain");
            s.prepare(r);
            for (int i = 1; i <= 3; i++) {
                s.write("part " + i + "\n");
                Asyncio.sleep(0.01);
            }
            return s.writeEof();
        });
        app.router().addGet("/sized", r -> {
            StreamResponse s = new StreamResponse(200).contentLength(10);
            s.prepare(r);
            s.write("01234");
            s.write("56789");
            return s.writeEof();
        });
        app.router().addGet("/fails", r -> {
            StreamResponse s = new StreamResponse(200);
            s.prepare(r);
            s.write("the start, ");
            throw new IllegalStateException("broke half-way");
        });
        app.router().addGet("/overflow", r -> {
            StreamResponse s = new StreamResponse(200).contentLength(3);
            s.prepare(r);
            s.write("too long");
            return s.writeEof();
        });
        app.router().addGet("/plain", r -> Response.text("plain"));
        return app;
    }

    @Test
    void aChunkedStreamArrivesWholeAndTheConnectionGoesOn() throws Exception {
        try (Served s = Served.start(app()); RawClient raw = new RawClient(s.port)) {
            raw.get("/count");
            RawClient.Reply head = raw.read(true);
            assertEquals(200, head.status());
            assertEquals("chunked", head.header("Transfer-Encoding"));
            assertNull(head.header("Content-Length"));
            StringBuilder body = new StringBuilder();
            byte[] b = new byte[1];
            while (!body.toString().endsWith("0\r\n\r\n")) {
                assertEquals(1, raw.socket.getInputStream().read(b));
                body.append((char) b[0]);
            }
            assertEquals("7\r\npart 1\n\r\n7\r\npart 2\n\r\n7\r\npart 3\n\r\n0\r\n\r\n", body.toString());
            assertEquals("plain", raw.get("/plain").read().text(), "keep-alive after a chunked answer");
            Asyncio.run(() -> {
                try (ClientSession http = new ClientSession()) {
                    assertEquals("part 1\npart 2\npart 3\n", http.get("http://127.0.0.1:" + s.port + "/count").text());
                }
                return null;
            });
            try (HttpClient jdk = HttpClient.newHttpClient()) {
                HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port + "/count")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("part 1\npart 2\npart 3\n", r.body());
            }
        }
    }

    @Test
    void aLengthInsteadOfChunksAndHttp10AndHead() throws Exception {
        try (Served s = Served.start(app())) {
            try (RawClient c = new RawClient(s.port)) {
                RawClient.Reply r = c.get("/sized").read();
                assertEquals("10", r.header("Content-Length"));
                assertNull(r.header("Transfer-Encoding"));
                assertEquals("0123456789", r.text());
                RawClient.Reply h = c.send("HEAD /count HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
                assertEquals(200, h.status());
                assertEquals("plain", c.get("/plain").read().text(), "a HEAD's streamed answer sends no body bytes");
            }
            try (RawClient c = new RawClient(s.port)) {
                c.send("GET /count HTTP/1.0\r\n\r\n");
                RawClient.Reply r = c.read(true);
                assertEquals("close", r.header("Connection"));
                assertNull(r.header("Transfer-Encoding"), "HTTP/1.0 has no chunked coding: the body ends with the connection");
                String rest = new String(c.socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertEquals("part 1\npart 2\npart 3\n", rest);
            }
        }
    }

    @Test
    void aHandlerFailingAfterPrepareLeavesTheBodyIncompleteAndIsReported() throws Exception {
        try (Served s = Served.start(app())) {
            for (String path : new String[] {"/fails", "/overflow"}) {
                try (RawClient c = new RawClient(s.port)) {
                    RawClient.Reply r = c.get(path).read(true);
                    assertEquals(200, r.status());
                    byte[] rest = readUntilClosed(c);
                    String text = new String(rest, StandardCharsets.US_ASCII);
                    assertFalse(text.endsWith("0\r\n\r\n"), "no last chunk: the client can tell the body is incomplete: " + text);
                }
            }
            assertEquals(2, s.errors.size());
            assertEquals("broke half-way", s.errors.get(0).exception().getMessage());
            assertTrue(s.errors.get(1).exception().getMessage().contains("exceed the announced content length"),
                    s.errors.get(1).exception().getMessage());
        }
    }

    private static byte[] readUntilClosed(RawClient c) throws IOException {
        try {
            return c.socket.getInputStream().readAllBytes();
        } catch (java.net.SocketException reset) {
            return new byte[0];
        }
    }

    @Test
    void writesWaitWhileTheClientDoesNotRead() throws Exception {
        int pieces = 400; // 400 x 64 KiB = 25 MiB: more than the loopback socket buffers hold
        byte[] piece = new byte[64 * 1024];
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> finished = new CompletableFuture<>();
        Application app = new Application();
        app.router().addGet("/big", r -> {
            StreamResponse s = new StreamResponse(200).contentLength((long) pieces * piece.length);
            s.prepare(r);
            for (int i = 0; i < pieces; i++) {
                s.write(piece);
                written.incrementAndGet();
            }
            finished.complete(null);
            return s.writeEof();
        });
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            c.get("/big");
            Thread.sleep(500); // the client reads nothing meanwhile
            int early = written.get();
            assertTrue(early < pieces, "the handler waited for the client: " + early + " of " + pieces + " written");
            assertFalse(finished.isDone());
            RawClient.Reply r = c.read();
            assertEquals(pieces * piece.length, r.body().length);
            finished.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void misuseIsRefusedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> new StreamResponse(204));
        StreamResponse s = new StreamResponse(200);
        assertTrue(assertThrows(IllegalStateException.class, () -> s.write("x")).getMessage().contains("prepare"));
        assertThrows(IllegalArgumentException.class, () -> s.contentLength(-1));
    }
}
