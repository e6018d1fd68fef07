package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Static files and FileResponse (issue 17): types, conditionals, ranges, HEAD, zero-copy bodies, path traversal. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StaticFilesTest {
    @TempDir
    static Path tmp;
    static Path root;
    static byte[] big;
    static final String SECRET = "top secret, outside the root";

    @BeforeAll
    static void files() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(root.resolve("a.txt"), "hello, static world\n");
        Files.writeString(root.resolve("style.css"), "body{}");
        Files.writeString(root.resolve("name with space.html"), "<p>x</p>");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/b.json"), "{\"b\":1}");
        Files.write(root.resolve("blob.unknownext"), new byte[] {1, 2, 3});
        big = new byte[5 * 1024 * 1024 + 7];
        new Random(17).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(root.resolve("out-link"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("out-dir"), tmp);
        Files.createSymbolicLink(root.resolve("in-link"), root.resolve("a.txt"));
        Files.createSymbolicLink(root.resolve("in-dir"), root.resolve("sub"));
        Files.createSymbolicLink(root.resolve("sub/deep-out"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("sub/up-in"), Path.of("../a.txt"));
    }

    static Application app(StaticOptions options) {
        Application app = new Application();
        app.router().addStatic("/static", root, options);
        app.router().addGet("/file", r -> new FileResponse(root.resolve("a.txt")).header("Cache-Control", "max-age=60"));
        app.router().addGet("/missing", r -> new FileResponse(root.resolve("nope.txt")));
        return app;
    }

    @Test
    void aFileComesWithItsTypeValidatorsAndLength() throws Exception {
        try (Served s = Served.start(app(StaticOptions.DEFAULTS)); RawClient c = new RawClient(s.port)) {
            RawClient.Reply r = c.get("/static/a.txt").read();
            assertEquals(200, r.status());
            assertEquals("hello, static world\n", r.text());
            assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
            assertEquals("bytes", r.header("Accept-Ranges"));
            assertTrue(r.header("ETag").matches("\"[0-9a-f]+-14\""), r.header("ETag"));
            assertEquals(HttpDate.format(Files.getLastModifiedTime(root.resolve("a.txt")).toInstant()), r.header("Last-Modified"));
            assertEquals("text/css; charset=utf-8", c.get("/static/style.css").read().header("Content-Type"));
            assertEquals("application/json; charset=utf-8", c.get("/static/sub/b.json").read().header("Content-Type"));
            assertEquals("<p>x</p>", c.get("/static/name%20with%20space.html").read().text());
            assertEquals("application/octet-stream", c.get("/static/blob.unknownext").read().header("Content-Type"));
            RawClient.Reply h = c.send("HEAD /static/a.txt HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertEquals(200, h.status());
            assertEquals("20", h.header("Content-Length"));
            assertEquals(0, h.body().length);
            // the connection is still in step after HEAD: the next answer is read whole
            assertEquals("hello, static world\n", c.get("/file").read().text());
            RawClient.Reply f = c.get("/file").read();
            assertEquals("max-age=60", f.header("Cache-Control"));
            assertEquals(404, c.get("/missing").read().status());
            assertEquals(405, c.send("POST /static/a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read().status());
        }
    }

    @Test
    void aLargeFileIsSentWholeOverAndOverOnOneConnection() throws Exception {
        try (Served s = Served.start(app(StaticOptions.DEFAULTS)); RawClient c = new RawClient(s.port)) {
            for (int i = 0; i < 3; i++) {
                RawClient.Reply r = c.get("/static/big.bin").read();
                assertEquals(200, r.status());
                assertArrayEquals(big, r.body());
            }
            assertEquals(List.of(), s.errors);
        }
    }

    @Test
    void conditionalRequests() throws Exception {
        try (Served s = Served.start(app(StaticOptions.DEFAULTS)); RawClient c = new RawClient(s.port)) {
            RawClient.Reply first = c.get("/static/a.txt").read();
            String etag = first.header("ETag"), lm = first.header("Last-Modified");
            RawClient.Reply r = get(c, "/static/a.txt", "If-None-Match: " + etag).read();
            assertEquals(304, r.status());
            assertEquals(etag, r.header("ETag"));
            assertEquals(0, r.body().length);
            assertEquals(304, get(c, "/static/a.txt", "If-None-Match: \"x\", W/" + etag).read().status(), "weak comparison");
            assertEquals(304, get(c, "/static/a.txt", "If-None-Match: *").read().status());
            assertEquals(200, get(c, "/static/a.txt", "If-None-Match: \"other\"").read().status());
            assertEquals(304, get(c, "/static/a.txt", "If-Modified-Since: " + lm).read().status());
            assertEquals(200, get(c, "/static/a.txt", "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT").read().status());
            assertEquals(200, get(c, "/static/a.txt", "If-Modified-Since: yesterday").read().status(), "an invalid date is ignored");
            assertEquals(200, get(c, "/static/a.txt", "If-None-Match: \"other\"\r\nIf-Modified-Since: " + lm).read().status(),
                    "If-None-Match wins over If-Modified-Since");
            assertEquals(412, get(c, "/static/a.txt", "If-Match: \"other\"").read().status());
            assertEquals(412, get(c, "/static/a.txt", "If-Match: W/" + etag).read().status(), "If-Match compares strongly");
            assertEquals(200, get(c, "/static/a.txt", "If-Match: " + etag).read().status());
            assertEquals(412, get(c, "/static/a.txt", "If-Unmodified-Since: Sun, 06 Nov 1994 08:49:37 GMT").read().status());
            assertEquals("hello, static world\n", c.get("/static/a.txt").read().text(), "still in step");
        }
    }

    @Test
    void rangeRequests() throws Exception {
        try (Served s = Served.start(app(StaticOptions.DEFAULTS)); RawClient c = new RawClient(s.port)) {
            RawClient.Reply r = get(c, "/static/a.txt", "Range: bytes=0-4").read();
            assertEquals(206, r.status());
            assertEquals("hello", r.text());
            assertEquals("bytes 0-4/20", r.header("Content-Range"));
            assertEquals("world\n", get(c, "/static/a.txt", "Range: bytes=-6").read().text());
            assertEquals("world\n", get(c, "/static/a.txt", "Range: bytes=14-").read().text());
            assertEquals("world\n", get(c, "/static/a.txt", "Range: bytes=14-1000").read().text(), "clipped to the end");
            RawClient.Reply bad = get(c, "/static/a.txt", "Range: bytes=20-").read();
            assertEquals(416, bad.status());
            assertEquals("bytes */20", bad.header("Content-Range"));
            assertEquals(206, get(c, "/static/a.txt", "Range: bytes=0-1,5-6").read().status(), "several ranges: multipart (MultipartRangesTest)");
            assertEquals(200, get(c, "/static/a.txt", "Range: bytes=5-1").read().status(), "malformed: ignored");
            assertEquals(200, get(c, "/static/a.txt", "Range: lines=1-2").read().status());
            String etag = c.get("/static/a.txt").read().header("ETag");
            assertEquals(206, get(c, "/static/a.txt", "Range: bytes=0-4\r\nIf-Range: " + etag).read().status());
            assertEquals(200, get(c, "/static/a.txt", "Range: bytes=0-4\r\nIf-Range: \"stale\"").read().status());
            // a range of the large file, from the middle: the zero-copy path with an offset
            RawClient.Reply mid = get(c, "/static/big.bin", "Range: bytes=1000000-3999999").read();
            assertEquals(206, mid.status());
            assertArrayEquals(Arrays.copyOfRange(big, 1_000_000, 4_000_000), mid.body());
            RawClient.Reply head = c.send("HEAD /static/a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=0-4\r\n\r\n").read(true);
            assertEquals(200, head.status(), "Range applies to GET only");
        }
    }

    /** Every way we know of to name a file outside the root, encoded or not: 404 (400 when the path is not even UTF-8). */
    @Test
    void nothingOutsideTheRootIsEverServed() throws Exception {
        List<String> attacks = List.of(
                "/static/../secret.txt", "/static/sub/../../secret.txt", "/static/%2e%2e/secret.txt",
                "/static/%2E%2E/secret.txt", "/static/.%2e/secret.txt", "/static/..%2fsecret.txt",
                "/static/%2e%2e%2fsecret.txt", "/static/sub%2f..%2f..%2fsecret.txt", "/static/%252e%252e/secret.txt",
                "/static/%252e%252e%252fsecret.txt", "/static/..\\secret.txt", "/static/..%5csecret.txt",
                "/static/%5c..%5csecret.txt", "/static/out-link", "/static/out-dir/secret.txt", "/static/a.txt%00.png",
                "/static/%00", "/static/..%00/secret.txt", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
                "/static/" + tmp.resolve("secret.txt").toString().substring(1), "/static/%2f" + tmp.resolve("secret.txt"),
                "/static/./a.txt", "/static/sub/./../../secret.txt", "http://x/static/../secret.txt",
                "/static/%c0%ae%c0%ae/secret.txt", "/static/..;/secret.txt", "/static/.../secret.txt");
        try (Served s = Served.start(app(StaticOptions.DEFAULTS))) {
            for (String a : attacks) {
                try (RawClient c = new RawClient(s.port)) {
                    RawClient.Reply r = c.get(a).read();
                    assertTrue(r.status() == 404 || r.status() == 400 && a.contains("%c0"), a + " answered " + r.status());
                    assertFalse(r.text().contains(SECRET), a);
                }
            }
            try (RawClient c = new RawClient(s.port)) {
                assertEquals("hello, static world\n", c.get("/static/in-link").read().text(), "a link inside the root is fine");
                assertEquals(403, c.get("/static/sub/").read().status(), "no index unless asked");
                assertEquals(403, c.get("/static/").read().status());
            }
        }
    }

    /**
     * A path without links is checked one name at a time (no realpath); one with a link anywhere on it is resolved,
     * and served only if it stays inside the root, whichever of its names is the link.
     */
    @Test
    void linksAnywhereOnThePathAreResolvedAndKeptInside() throws Exception {
        try (Served s = Served.start(app(StaticOptions.DEFAULTS)); RawClient c = new RawClient(s.port)) {
            assertEquals("{\"b\":1}", c.get("/static/sub/b.json").read().text(), "a plain nested path");
            assertEquals("{\"b\":1}", c.get("/static/in-dir/b.json").read().text(), "a linked directory inside the root");
            assertEquals("hello, static world\n", c.get("/static/sub/up-in").read().text(), "a relative link that stays inside");
            assertEquals(403, c.get("/static/in-dir/").read().status(), "a linked directory is still a directory");
            RawClient.Reply out = c.get("/static/sub/deep-out").read();
            assertEquals(404, out.status(), "a link out of the root below a subdirectory");
            assertFalse(out.text().contains(SECRET));
            assertEquals(404, c.get("/static/in-dir/deep-out").read().status(), "through a linked directory, then out");
            assertEquals(404, c.get("/static/sub/nope.txt").read().status());
            assertEquals(404, c.get("/static/a.txt/x").read().status(), "a file is not a directory");
        }
    }

    /** Nothing about a file is kept between requests: a replaced file is served with its new bytes and validators. */
    @Test
    void aReplacedFileIsServedAfresh() throws Exception {
        Path f = root.resolve("changing.txt");
        Files.writeString(f, "first");
        try (Served s = Served.start(app(StaticOptions.DEFAULTS)); RawClient c = new RawClient(s.port)) {
            RawClient.Reply one = c.get("/static/changing.txt").read();
            assertEquals("first", one.text());
            Path next = root.resolve("changing.txt.new");
            Files.writeString(next, "second, longer");
            Files.setLastModifiedTime(next, java.nio.file.attribute.FileTime.fromMillis(
                    Files.getLastModifiedTime(f).toMillis() + 10_000));
            Files.move(next, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            RawClient.Reply two = c.get("/static/changing.txt").read();
            assertEquals("second, longer", two.text());
            assertFalse(one.header("ETag").equals(two.header("ETag")));
            assertFalse(one.header("Last-Modified").equals(two.header("Last-Modified")));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void followSymlinksAndShowIndexWhenAsked() throws Exception {
        try (Served s = Served.start(app(StaticOptions.DEFAULTS.withFollowSymlinks(true).withShowIndex(true)));
                RawClient c = new RawClient(s.port)) {
            assertEquals(SECRET, c.get("/static/out-link").read().text());
            assertEquals(404, c.get("/static/../secret.txt").read().status(), "following links does not let .. through");
            RawClient.Reply index = c.get("/static/").read();
            assertEquals(200, index.status());
            assertTrue(index.text().contains("<a href=\"/static/name%20with%20space.html\">name with space.html</a>"), index.text());
            assertTrue(index.text().contains("<a href=\"/static/sub/\">sub/</a>"), index.text());
            assertTrue(c.get("/static/sub").read().text().contains("b.json"));
        }
    }

    /** A client that asks for a large file and reads nothing is dropped after the send timeout, its file closed. */
    @Test
    void aClientThatNeverReadsIsDropped() throws Exception {
        Path huge = tmp.resolve("huge.bin");
        try (var ch = java.nio.channels.FileChannel.open(huge, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), 256L * 1024 * 1024); // sparse: 256 MiB
        }
        Application app = new Application();
        app.router().addGet("/huge", r -> new FileResponse(huge));
        try (Served s = Served.start(app, r -> r.sendTimeout(0.5)); RawClient c = new RawClient(s.port)) {
            c.socket.setReceiveBufferSize(4096);
            c.get("/huge");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (s.stats().connections() == 0 && System.nanoTime() < deadline) Thread.sleep(5); // accepted
            while (s.stats().connections() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(0, s.stats().connections(), "dropped after the send timeout");
        }
    }

    /**
     * A client that reads in bursts, pausing for less than the send timeout, gets the whole file byte for byte
     * through the one sendfile that sends it (its transfers resume wherever the socket's full buffer stopped the
     * last), and the connection goes on.
     */
    @Test
    void aClientThatPausesGetsEveryByte() throws Exception {
        int size = 32 * 1024 * 1024;
        Path f = sparse("pausing.bin", size);
        Application app = new Application();
        app.router().addGet("/f", r -> new FileResponse(f));
        app.router().addGet("/a", r -> new FileResponse(root.resolve("a.txt")));
        try (Served s = Served.start(app, r -> r.sendTimeout(2.0)); RawClient c = new RawClient(s.port)) {
            c.socket.setReceiveBufferSize(16 * 1024);
            c.get("/f");
            assertEquals(String.valueOf(size), c.read(true).header("Content-Length"));
            byte[] chunk = new byte[64 * 1024];
            long at = 0, zeros = 0;
            int last = -1;
            while (at < size) {
                int n = c.in().read(chunk, 0, (int) Math.min(chunk.length, size - at));
                assertTrue(n > 0, "the body ended after " + at + " bytes");
                for (int i = 0; i < n; i++) if (chunk[i] == 0) zeros++;
                last = chunk[n - 1];
                at += n;
                if (at % (4 * 1024 * 1024) < n) Thread.sleep(300); // a pause after every 4 MiB
            }
            assertEquals(size - 1, zeros, "every byte but the last is a zero");
            assertEquals(1, last);
            assertEquals("hello, static world\n", c.get("/a").read().text(), "the connection goes on");
            assertEquals(List.of(), s.errors);
        }
    }

    /** A client that takes part of a large file and then nothing is dropped a send timeout after it stopped. */
    @Test
    void aClientThatStopsHalfWayIsDropped() throws Exception {
        Path f = sparse("halfway.bin", 256 * 1024 * 1024);
        Application app = new Application();
        app.router().addGet("/f", r -> new FileResponse(f));
        try (Served s = Served.start(app, r -> r.sendTimeout(0.5)); RawClient c = new RawClient(s.port)) {
            c.socket.setReceiveBufferSize(16 * 1024);
            c.get("/f");
            assertEquals(200, c.read(true).status());
            assertEquals(8 * 1024 * 1024, c.in().readNBytes(8 * 1024 * 1024).length);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (s.stats().connections() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(0, s.stats().connections(), "dropped after the send timeout");
        }
    }

    /** A file of {@code size} bytes under the temporary directory: zeros (sparse), then a 1. */
    private static Path sparse(String name, long size) throws Exception {
        Path p = tmp.resolve(name);
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), size - 1);
        }
        return p;
    }

    private static RawClient get(RawClient c, String path, String headers) throws Exception {
        return c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n\r\n");
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
