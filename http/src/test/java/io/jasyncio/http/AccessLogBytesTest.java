package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log's {@code %b} over HTTP/1.1 is what the client received for the answer, byte for byte (head,
 * chunk framing and body, as aiohttp counts it): each request here goes on a connection of its own with
 * {@code Connection: close}, so the bytes read to EOF are exactly that answer. (Over HTTP/2: Http2AccessLogTest.)
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AccessLogBytesTest {
    @TempDir
    Path dir;

    /** Sends {@code method path} on a new connection and returns how many bytes came back before EOF. */
    private static long answerBytes(int port, String method, String path, String... extra) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            String req = method + " " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + String.join("", extra) + "\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            long total = 0;
            int n;
            while ((n = in.read(buf)) >= 0) total += n;
            return total;
        }
    }

    /** Waits for the line of {@code "method path"} and returns its %b. */
    private static long loggedBytes(List<String> lines, String method, String path) throws InterruptedException {
        String prefix = method + " " + path + " HTTP/1.1 ";
        for (int i = 0; i < 4000; i++) {
            for (String l : lines) {
                if (l.startsWith(prefix)) return Long.parseLong(l.substring(prefix.length()).split(" ")[1]);
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no access log line for " + prefix + " in " + lines);
    }

    @Test
    void bytesSentIsWhatTheClientReceived() throws Exception {
        byte[] small = new byte[1000], big = new byte[300_000];
        new Random(5).nextBytes(small);
        new Random(6).nextBytes(big);
        Files.write(dir.resolve("small.bin"), small);
        Files.write(dir.resolve("big.bin"), big);
        Application app = new Application();
        app.router().addGet("/text", r -> Response.text("hello"));
        app.router().addGet("/chunked", r -> {
            StreamResponse s = new StreamResponse(200).prepare(r);
            s.write("abc");
            s.write(new byte[40_000]);
            return s.writeEof();
        });
        app.router().addGet("/sized", r -> {
            StreamResponse s = new StreamResponse(200).contentLength(70_000).prepare(r);
            s.write(new byte[30_000]);
            s.write(new byte[40_000]);
            return s.writeEof();
        });
        app.router().addGet("/small", r -> new FileResponse(dir.resolve("small.bin")));
        app.router().addGet("/big", r -> new FileResponse(dir.resolve("big.bin")));
        List<String> lines = new CopyOnWriteArrayList<>();
        try (Served s = Served.start(app, r -> r.accessLog(AccessLog.to("%r %s %b", lines::add)))) {
            String[][] cases = {
                {"GET", "/text"}, {"HEAD", "/text"}, {"GET", "/chunked"}, {"GET", "/sized"}, {"HEAD", "/sized"},
                {"GET", "/small"}, {"HEAD", "/small"}, {"GET", "/big"}, {"HEAD", "/big"}, {"GET", "/missing"},
            };
            for (String[] c : cases) {
                long received = answerBytes(s.port, c[0], c[1]);
                assertTrue(received > 0, c[0] + " " + c[1]);
                assertEquals(received, loggedBytes(lines, c[0], c[1]), c[0] + " " + c[1] + ": %b is the bytes the client received; " + lines);
            }
            long range = answerBytes(s.port, "GET", "/big?r", "Range: bytes=10-20,100-200\r\n");
            assertEquals(range, loggedBytes(lines, "GET", "/big?r"), "a multipart/byteranges answer");
            assertTrue(loggedBytes(lines, "GET", "/big") > big.length, "head and body");
            assertTrue(loggedBytes(lines, "HEAD", "/big") < 1000, "a HEAD answer has no body");
        }
    }
}
