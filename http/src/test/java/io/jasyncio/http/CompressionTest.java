package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Response compression: negotiation, what is never compressed, whole and streamed bodies, the automatic option. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompressionTest {
    private static final String TEXT = "All work and no play makes Jack a dull boy.\n".repeat(2000);

    @Test
    void negotiatesByQValues() {
        assertEquals("gzip", Compression.negotiate("gzip, deflate"));
        assertEquals("gzip", Compression.negotiate("deflate, gzip"), "gzip first at equal weight");
        assertEquals("deflate", Compression.negotiate("gzip;q=0.5, deflate"));
        assertEquals("deflate", Compression.negotiate("gzip;q=0, deflate;q=0.1"));
        assertEquals("gzip", Compression.negotiate("*"));
        assertEquals("deflate", Compression.negotiate("gzip;q=0, *"));
        assertEquals("gzip", Compression.negotiate("GZIP ; Q=0.8"));
        assertNull(Compression.negotiate("identity"));
        assertNull(Compression.negotiate("br"));
        assertNull(Compression.negotiate("gzip;q=0"));
        assertNull(Compression.negotiate("*;q=0"));
        assertNull(Compression.negotiate("gzip;q=junk, deflate;q=2"), "weights that cannot be read accept nothing");
        assertNull(Compression.negotiate(""));
        assertNull(Compression.negotiate(null));
        assertEquals("gzip", Compression.negotiate(",".repeat(10_000) + "gzip"), "a hostile list: blanks are cheap");
        assertNull(Compression.negotiate("x, ".repeat(64) + "gzip"), "codings past the 64th are not read");
        assertTrue(Compression.identityRefused("gzip, identity;q=0"));
        assertTrue(Compression.identityRefused("*;q=0"));
        assertFalse(Compression.identityRefused("*;q=0, identity"));
        assertFalse(Compression.identityRefused("gzip"));
    }

    private static Application app() {
        Application app = new Application();
        app.router().addGet("/text", r -> Response.text(TEXT).header("ETag", "\"v1\"").enableCompression());
        app.router().addGet("/deflate", r -> Response.text(TEXT).enableCompression("deflate"));
        app.router().addGet("/plain", r -> Response.text(TEXT));
        app.router().addGet("/small", r -> Response.text("tiny"));
        app.router().addGet("/png", r -> new Response(200, TEXT.getBytes(StandardCharsets.UTF_8), "image/png"));
        app.router().addGet("/none", r -> new Response(204).enableCompression());
        app.router().addGet("/encoded", r -> Response.text(TEXT).header("Content-Encoding", "br").enableCompression());
        app.router().addGet("/stream", r -> {
            StreamResponse s = new StreamResponse(200).header("Content-Type", "text/plain").contentLength(TEXT.length() * 40L);
            s.enableCompression().prepare(r);
            for (int i = 0; i < 40; i++) s.write(TEXT);
            return s.writeEof();
        });
        app.router().addGet("/events", r -> {
            StreamResponse s = new StreamResponse(200).header("Content-Type", "text/event-stream").prepare(r);
            s.write("data: 1\n\n");
            return s.writeEof();
        });
        return app;
    }

    private static HttpResponse<byte[]> get(HttpClient c, int port, String path, String acceptEncoding, String method) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (acceptEncoding != null) b.header("Accept-Encoding", acceptEncoding);
        return c.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gunzip(byte[] b) throws Exception {
        return new String(new GZIPInputStream(new ByteArrayInputStream(b)).readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void enableCompressionNegotiatesAndSaysVary() throws Exception {
        try (Served s = Served.start(app()); HttpClient c = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> r = get(c, s.port, "/text", "gzip, deflate", "GET");
            assertEquals("gzip", r.headers().firstValue("content-encoding").orElseThrow());
            assertEquals("Accept-Encoding", r.headers().firstValue("vary").orElseThrow());
            assertEquals(Long.toString(r.body().length), r.headers().firstValue("content-length").orElseThrow());
            assertTrue(r.body().length < TEXT.length() / 20, "compressed to " + r.body().length);
            assertEquals(TEXT, gunzip(r.body()));
            assertEquals("W/\"v1\"", r.headers().firstValue("etag").orElseThrow(), "other bytes: a weak ETag");

            r = get(c, s.port, "/text", "deflate;q=1, gzip;q=0.5", "GET");
            assertEquals("deflate", r.headers().firstValue("content-encoding").orElseThrow());
            assertEquals(TEXT, new String(new InflaterInputStream(new ByteArrayInputStream(r.body())).readAllBytes(), StandardCharsets.UTF_8));

            r = get(c, s.port, "/text", "br, identity;q=0", "GET");
            assertTrue(r.headers().firstValue("content-encoding").isEmpty(), "nothing acceptable: identity, as nginx does");
            assertEquals(TEXT, new String(r.body(), StandardCharsets.UTF_8));
            assertEquals("Accept-Encoding", r.headers().firstValue("vary").orElseThrow());

            r = get(c, s.port, "/text", null, "GET");
            assertTrue(r.headers().firstValue("content-encoding").isEmpty());
            assertEquals("\"v1\"", r.headers().firstValue("etag").orElseThrow());

            r = get(c, s.port, "/deflate", null, "GET");
            assertEquals("deflate", r.headers().firstValue("content-encoding").orElseThrow(), "a forced coding");

            r = get(c, s.port, "/text", "gzip", "HEAD");
            assertTrue(r.headers().firstValue("content-encoding").isEmpty(), "not for HEAD");
            assertEquals(Integer.toString(TEXT.length()), r.headers().firstValue("content-length").orElseThrow());
            assertEquals(204, get(c, s.port, "/none", "gzip", "GET").statusCode());
            assertEquals("br", get(c, s.port, "/encoded", "gzip", "GET").headers().firstValue("content-encoding").orElseThrow(),
                    "an already encoded body is left alone");
            assertTrue(get(c, s.port, "/plain", "gzip", "GET").headers().firstValue("content-encoding").isEmpty(),
                    "without autoCompress only responses that ask are compressed");
            assertTrue(s.errors.isEmpty(), s.errors.toString());
        }
    }

    @Test
    void aStreamedBodyIsCompressedAsItIsWritten() throws Exception {
        try (Served s = Served.start(app()); HttpClient c = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> r = get(c, s.port, "/stream", "gzip", "GET");
            assertEquals("gzip", r.headers().firstValue("content-encoding").orElseThrow());
            assertTrue(r.headers().firstValue("content-length").isEmpty(), "the identity length is dropped: chunked");
            assertEquals(TEXT.repeat(40), gunzip(r.body()));
            r = get(c, s.port, "/stream", null, "GET");
            assertEquals(TEXT.length() * 40, r.body().length);
            assertEquals(Integer.toString(TEXT.length() * 40), r.headers().firstValue("content-length").orElseThrow());
        }
        try (Served s = Served.start(app()); RawClient raw = new RawClient(s.port)) {
            raw.send("GET /stream HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n");
            byte[] all = raw.in().readAllBytes();
            String head = new String(all, 0, 200, StandardCharsets.ISO_8859_1);
            int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(head.contains("Content-Encoding: gzip") && !head.contains("chunked"), head);
            assertEquals(TEXT.repeat(40), gunzip(java.util.Arrays.copyOfRange(all, end + 4, all.length)),
                    "HTTP/1.0: the compressed body ends with the connection");
        }
    }

    @Test
    void aClientThatNeverReadsACompressedStreamHoldsBoundedMemory() throws Exception {
        byte[] noise = new byte[64 * 1024];
        new java.util.Random(1).nextBytes(noise); // incompressible: the deflater's output is as large as its input
        Application app = new Application();
        app.router().addGet("/endless", r -> {
            StreamResponse st = new StreamResponse(200).header("Content-Type", "application/octet-stream");
            st.enableCompression().prepare(r);
            while (true) st.write(noise); // each write waits while the client's buffer is full
        });
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            c.send("GET /endless HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
            long max = 0;
            for (int i = 0; i < 40; i++) {
                max = Math.max(max, s.stats().maxBufferedBytes());
                Thread.sleep(25);
            }
            assertTrue(max > 0 && max < 512 * 1024, "held " + max + " bytes for a client that never reads");
        }
    }

    private static int indexOf(byte[] a, byte[] b) {
        outer:
        for (int i = 0; i <= a.length - b.length; i++) {
            for (int j = 0; j < b.length; j++) if (a[i + j] != b[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Test
    void autoCompressTakesTextualBodiesFromItsThreshold() throws Exception {
        try (Served s = Served.start(app(), r -> r.autoCompress(1000)); HttpClient c = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> r = get(c, s.port, "/plain", "gzip", "GET");
            assertEquals("gzip", r.headers().firstValue("content-encoding").orElseThrow());
            assertEquals(TEXT, gunzip(r.body()));
            r = get(c, s.port, "/small", "gzip", "GET");
            assertTrue(r.headers().firstValue("content-encoding").isEmpty(), "below the threshold");
            assertEquals("Accept-Encoding", r.headers().firstValue("vary").orElseThrow());
            r = get(c, s.port, "/small", "gzip, identity;q=0", "GET");
            assertEquals("gzip", r.headers().firstValue("content-encoding").orElseThrow(), "identity refused: compressed anyway");
            assertEquals("tiny", gunzip(r.body()));
            assertTrue(get(c, s.port, "/png", "gzip", "GET").headers().firstValue("content-encoding").isEmpty(), "not textual");
            r = get(c, s.port, "/events", "gzip", "GET");
            assertTrue(r.headers().firstValue("content-encoding").isEmpty(), "events go out as written");
            r = get(c, s.port, "/nope", "gzip", "GET");
            assertEquals(404, r.statusCode());
        }
        assertThrows(IllegalArgumentException.class, () -> new AppRunner(new Application()).autoCompress(-2));
        assertThrows(IllegalArgumentException.class, () -> Response.text("x").enableCompression("br"));
    }
}
