package io.jasyncio.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several ranges of a static file: {@code multipart/byteranges} (RFC 9110 section 14.6) over the small-file path
 * and the sendfile path, and what a hostile Range header gets.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MultipartRangesTest {
    @TempDir
    static Path root;
    static byte[] kb;
    static byte[] big;

    @BeforeAll
    static void files() throws Exception {
        Files.writeString(root.resolve("a.txt"), "hello, static world\n");
        kb = new byte[1000];
        new Random(3).nextBytes(kb);
        Files.write(root.resolve("kb.bin"), kb);
        big = new byte[3 * 1024 * 1024 + 11];
        new Random(5).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
    }

    private static Served serve() throws Exception {
        Application app = new Application();
        app.router().addStatic("/static", root, StaticOptions.DEFAULTS);
        return Served.start(app);
    }

    private static RawClient.Reply get(RawClient c, String path, String range) throws Exception {
        return c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nRange: " + range + "\r\n\r\n").read();
    }

    /** A part of a multipart/byteranges body, as a client reads it. */
    record Part(String contentType, String contentRange, byte[] body) {}

    /** Reads a multipart body by its boundary, checking the framing byte for byte (RFC 2046's, as RFC 9110 uses it). */
    private static List<Part> parts(RawClient.Reply r) {
        String type = r.header("Content-Type");
        assertTrue(type.startsWith("multipart/byteranges; boundary="), type);
        byte[] delimiter = ("--" + type.substring(type.indexOf('=') + 1)).getBytes(ISO_8859_1);
        byte[] b = r.body();
        List<Part> out = new ArrayList<>();
        int at = 0;
        while (true) {
            assertArrayEquals(delimiter, Arrays.copyOfRange(b, at, at + delimiter.length), "a boundary at " + at);
            at += delimiter.length;
            if (b[at] == '-' && b[at + 1] == '-') {
                assertEquals("--\r\n", new String(b, at, b.length - at, ISO_8859_1), "the close delimiter ends the body");
                return out;
            }
            String rest = new String(b, at, b.length - at, ISO_8859_1);
            int headEnd = rest.indexOf("\r\n\r\n");
            String[] lines = rest.substring(2, headEnd).split("\r\n");
            assertEquals(2, lines.length, rest.substring(0, headEnd));
            String ct = lines[0].substring("Content-Type: ".length());
            String cr = lines[1].substring("Content-Range: ".length());
            String[] range = cr.substring("bytes ".length(), cr.indexOf('/')).split("-");
            int n = (int) (Long.parseLong(range[1]) - Long.parseLong(range[0]) + 1);
            int bodyAt = at + headEnd + 4;
            out.add(new Part(ct, cr, Arrays.copyOfRange(b, bodyAt, bodyAt + n)));
            at = bodyAt + n;
            assertEquals("\r\n", new String(b, at, 2, ISO_8859_1), "CRLF before the next boundary");
            at += 2;
        }
    }

    @Test
    void twoRangesOfASmallFileAreTwoParts() throws Exception {
        try (Served s = serve(); RawClient c = new RawClient(s.port)) {
            RawClient.Reply r = get(c, "/static/a.txt", "bytes=0-4,7-12");
            assertEquals(206, r.status());
            assertNull(r.header("Content-Range"), "the parts have theirs");
            String boundary = r.header("Content-Type").substring(r.header("Content-Type").indexOf('=') + 1);
            assertEquals("--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 0-4/20\r\n\r\nhello\r\n"
                    + "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 7-12/20\r\n\r\nstatic\r\n"
                    + "--" + boundary + "--\r\n", r.text());
            assertEquals("hello, static world\n", c.get("/static/a.txt").read().text(), "the connection is still in step");
        }
    }

    @Test
    void rangesOfALargeFileGoThroughSendfileInTheClientsOrder() throws Exception {
        try (Served s = serve(); RawClient c = new RawClient(s.port)) {
            RawClient.Reply r = get(c, "/static/big.bin", "bytes=2000000-3099999,0-99999,-5");
            assertEquals(206, r.status());
            List<Part> p = parts(r);
            assertEquals(3, p.size());
            assertEquals("bytes 2000000-3099999/" + big.length, p.get(0).contentRange());
            assertArrayEquals(Arrays.copyOfRange(big, 2_000_000, 3_100_000), p.get(0).body());
            assertArrayEquals(Arrays.copyOfRange(big, 0, 100_000), p.get(1).body());
            assertArrayEquals(Arrays.copyOfRange(big, big.length - 5, big.length), p.get(2).body());
            assertEquals("application/octet-stream", p.get(0).contentType());
            assertEquals(200, c.get("/static/a.txt").read().status(), "still in step");
        }
    }

    @Test
    void overlappingRangesAreCoalescedAndUnsatisfiableOnesDropped() throws Exception {
        try (Served s = serve(); RawClient c = new RawClient(s.port)) {
            RawClient.Reply one = get(c, "/static/kb.bin", "bytes=0-9,5-14,5000-");
            assertEquals(206, one.status());
            assertEquals("bytes 0-14/1000", one.header("Content-Range"), "one range left: no multipart");
            assertArrayEquals(Arrays.copyOfRange(kb, 0, 15), one.body());
            assertEquals(416, get(c, "/static/kb.bin", "bytes=1000-,2000-3000").status());
        }
    }

    /**
     * What a hostile client gets: 10,000 ranges (refused with the header line), the most ranges a header line can
     * hold, the file asked for many times over, huge and negative numbers. Every answer is bounded by the file's
     * size plus {@value ByteRanges#MAX_RANGES} part heads, and the connection stays usable where it can.
     */
    @Test
    void hostileRangeHeaders() throws Exception {
        try (Served s = serve()) {
            try (RawClient c = new RawClient(s.port)) {
                RawClient.Reply r = get(c, "/static/kb.bin", "bytes=" + "0-0,".repeat(10_000));
                assertEquals(431, r.status(), "a header line past " + RequestParser.MAX_LINE + " bytes");
            }
            try (RawClient c = new RawClient(s.port)) {
                StringBuilder many = new StringBuilder("bytes=0-0");
                for (int i = 2; many.length() < RequestParser.MAX_LINE - 20; i += 2) many.append(',').append(i).append('-').append(i);
                RawClient.Reply r = get(c, "/static/kb.bin", many.toString());
                assertEquals(200, r.status(), "more than " + ByteRanges.MAX_RANGES + " ranges: the whole file");
                assertArrayEquals(kb, r.body());

                StringBuilder most = new StringBuilder("bytes=0-0");
                for (int i = 1; i < ByteRanges.MAX_RANGES; i++) most.append(',').append(2 * i).append('-').append(2 * i);
                RawClient.Reply m = get(c, "/static/kb.bin", most.toString());
                assertEquals(206, m.status());
                List<Part> p = parts(m);
                assertEquals(ByteRanges.MAX_RANGES, p.size());
                assertTrue(m.body().length < kb.length + ByteRanges.MAX_RANGES * 200L, "bounded: " + m.body().length);
                for (int i = 0; i < p.size(); i++) assertArrayEquals(new byte[] {kb[2 * i]}, p.get(i).body());

                RawClient.Reply twice = get(c, "/static/kb.bin", "bytes=0-," + "0-,".repeat(60));
                assertEquals(200, twice.status(), "the file 61 times over: the whole file once");
                assertEquals(kb.length, twice.body().length);

                assertEquals(200, get(c, "/static/kb.bin", "bytes=0-99999999999999999999").status(), "past 18 digits: ignored");
                assertEquals(416, get(c, "/static/kb.bin", "bytes=999999999999999999-").status());
                RawClient.Reply suffix = get(c, "/static/kb.bin", "bytes=-999999999999999999");
                assertEquals("bytes 0-999/1000", suffix.header("Content-Range"));
                assertEquals(200, get(c, "/static/kb.bin", "bytes=-5-10").status(), "negative: malformed, ignored");
                assertEquals(200, get(c, "/static/kb.bin", "bytes=-1--1").status());
                assertEquals(200, get(c, "/static/kb.bin", "bytes=" + ",".repeat(8000)).status(), "no range at all");
                assertEquals(200, c.get("/static/a.txt").read().status(), "still in step");
            }
            assertEquals(List.of(), s.errors);
        }
    }
}
