package io.jasyncio.http.h2;

import io.jasyncio.http.ServerTesting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.http.AccessLog;
import io.jasyncio.http.Application;
import io.jasyncio.http.FileResponse;
import io.jasyncio.http.Response;
import io.jasyncio.http.StreamResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log's {@code %b} over HTTP/2 is the bytes of the stream's response as the client received them:
 * its HEADERS, CONTINUATION and DATA frames, frame headers included (as over HTTP/1.1 the head, the chunk framing
 * and the body: AccessLogBytesTest) — for a buffered answer, a StreamResponse, a file, HEAD, and a WebSocket
 * over the stream (RFC 8441).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2AccessLogTest {
    @TempDir
    Path dir;

    /** The %b of the line {@code "method path HTTP/2 status bytes"}, once it is there. */
    private static long loggedBytes(List<String> lines, String method, String path) {
        String prefix = method + " " + path + " HTTP/2 ";
        for (int i = 0; i < 1000; i++) {
            for (String l : lines) {
                if (l.startsWith(prefix)) return Long.parseLong(l.substring(prefix.length()).split(" ")[1]);
            }
            Asyncio.sleep(0.001);
        }
        throw new AssertionError("no access log line for " + prefix + " in " + lines);
    }

    @Test
    void bytesSentIsWhatTheClientReceivedOnTheStream() throws Exception {
        byte[] big = new byte[300_000];
        new Random(8).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        Files.write(dir.resolve("small.bin"), new byte[1000]);
        AtomicInteger wsEnded = new AtomicInteger();
        Application app = Http2WebSocketTest.app(wsEnded);
        app.router().addGet("/text", r -> Response.text("hello"));
        app.router().addGet("/stream", r -> {
            StreamResponse s = new StreamResponse(200).prepare(r);
            s.write("abc");
            s.write(new byte[40_000]);
            return s.writeEof();
        });
        app.router().addGet("/small", r -> new FileResponse(dir.resolve("small.bin")));
        app.router().addGet("/file", r -> new FileResponse(dir.resolve("big.bin")));
        List<String> lines = new CopyOnWriteArrayList<>();
        ServerTesting.serve(app, runner -> runner.accessLog(AccessLog.to("%r %s %b", lines::add)), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                String[][] cases = {
                    {"GET", "/text"}, {"HEAD", "/text"}, {"GET", "/stream"}, {"HEAD", "/stream"}, {"GET", "/small"},
                    {"GET", "/file"}, {"HEAD", "/file"}, {"GET", "/missing"},
                };
                int id = 1;
                for (String[] c : cases) {
                    p.sendHeaders(id, H2Peer.request(c[0], c[1]), true);
                    H2Peer.Response r = p.response(id);
                    assertNull(r.reset(), c[1]);
                    assertEquals(r.wireBytes(), loggedBytes(lines, c[0], c[1]), c[0] + " " + c[1] + ": " + lines);
                    id += 2;
                }
                assertTrue(loggedBytes(lines, "GET", "/file") > big.length, "frames and body");
                assertTrue(loggedBytes(lines, "HEAD", "/file") < 1000, "a HEAD answer has no body");
                assertTrue(loggedBytes(lines, "GET", "/stream") > 40_003, "a StreamResponse's body is counted");

                // a WebSocket over the stream: an echo, then the close handshake ends the stream
                p.sendHeaders(id, Http2WebSocketTest.connect("/ws"), false);
                Http2WebSocketTest.sendFrame(p, id, 0x81, "hi".getBytes(StandardCharsets.UTF_8));
                long wire = 0;
                int echoes = 0;
                while (true) {
                    Frame f = p.next();
                    assertNotNull(f, "EOF before the WebSocket's stream ended");
                    if (f.streamId() != id) continue;
                    if (f instanceof Frame.Headers h) {
                        wire += 9 + h.fragment().length;
                        p.decoder.decode(h.fragment());
                    } else if (f instanceof Frame.Data d) {
                        wire += 9 + d.flowLength();
                        if (d.data().length > 0 && (d.data()[0] & 0xff) == 0x81 && echoes++ == 0) {
                            Http2WebSocketTest.sendFrame(p, id, 0x88, new byte[] {0x03, (byte) 0xe8}); // close 1000
                        }
                        if (d.endStream()) break;
                    } else {
                        throw new AssertionError("unexpected on the WebSocket's stream: " + f);
                    }
                }
                assertEquals(1, echoes);
                long logged = loggedBytes(lines, "GET", "/ws"); // an extended CONNECT is logged as the GET it stands for
                assertEquals(wire, logged, "the tunnel's frames: " + lines);
                assertTrue(logged > 9 + 9 + 2 + 7, "the head, the echo and the close frame: " + logged);
            }
            return null;
        });
    }
}
