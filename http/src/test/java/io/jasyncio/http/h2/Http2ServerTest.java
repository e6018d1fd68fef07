package io.jasyncio.http.h2;

import io.jasyncio.http.AppRunner;
import io.jasyncio.http.ServerTesting;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.http.Application;
import io.jasyncio.http.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP/2 server (RFC 9113) answering the application's handlers: streams, flow control, the state machine. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2ServerTest {
    static Application app() {
        Application app = new Application(32 << 20);
        app.router().addGet("/hello", r -> Response.text("hello " + r.version() + " " + r.header("host")));
        app.router().addPost("/echo", r -> Response.bytes(r.body(), "application/octet-stream"));
        app.router().addGet("/sleep", r -> {
            Asyncio.sleep(Double.parseDouble(r.queryParam("s")));
            return Response.text("slept " + r.queryParam("s"));
        });
        app.router().addGet("/big", r -> Response.bytes(new byte[Integer.parseInt(r.queryParam("n"))], "application/octet-stream"));
        return app;
    }

    /** {@link #app()} with {@code /forever}, a handler that never answers and counts its cancellations. */
    static Application appWithForever(AtomicInteger cancelled) {
        Application app = app();
        app.router().addGet("/forever", r -> {
            try {
                Asyncio.sleep(1e6);
            } catch (CancelledError e) {
                cancelled.incrementAndGet();
                throw e;
            }
            return Response.text("never");
        });
        return app;
    }

    @Test
    void getAndPostThroughTheApplicationsHandlers() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                assertEquals(100L, setting(p.serverSettings, Frame.Settings.MAX_CONCURRENT_STREAMS));
                p.sendHeaders(1, H2Peer.get("/hello"), true);
                H2Peer.Response r = p.response(1);
                assertEquals(200, r.status());
                assertEquals("hello HTTP/2 localhost", r.text());
                assertEquals("text/plain; charset=utf-8", r.header("content-type"));
                assertEquals("22", r.header("content-length"));
                assertNotNull(r.header("date"));
                p.sendHeaders(3, H2Peer.request("POST", "/echo", "content-length", "5"), false);
                p.sendData(3, "abcde".getBytes(), true);
                assertEquals("abcde", p.response(3).text());
                p.sendHeaders(5, H2Peer.get("/nowhere"), true);
                assertEquals(404, p.response(5).status());
                p.sendHeaders(7, H2Peer.request("HEAD", "/hello"), true);
                H2Peer.Response head = p.response(7);
                assertEquals(0, head.body().length);
                assertEquals("22", head.header("content-length"));
            }
            return null;
        });
    }

    @Test
    void streamsAreAnsweredConcurrentlyEachInItsOwnTask() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                double t0 = Asyncio.getRunningLoop().time();
                for (int i = 0; i < 50; i++) p.sendHeaders(1 + 2 * i, H2Peer.get("/sleep?s=" + (50 - i)), true);
                // the last opened sleeps least: it is answered first
                H2Peer.Response first = p.response(99);
                assertEquals("slept 1", first.text());
                for (int i = 0; i < 49; i++) {
                    // responses of the other streams were kept in p.other as they came
                }
                Asyncio.sleep(60);
                int answered = 0;
                while (answered < 49) {
                    Frame f = p.next();
                    if (f instanceof Frame.Data d && d.endStream()) answered++;
                }
                double took = Asyncio.getRunningLoop().time() - t0;
                assertTrue(took < 100, "50 sleeps of 1..50 s took " + took + " s: not concurrent");
            }
            return null;
        });
    }

    @Test
    void largeBodiesBothWaysWithinTheWindows() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                // 4 MiB down: the peer opens the windows as it reads
                p.sendHeaders(1, H2Peer.get("/big?n=" + (4 << 20)), true);
                assertEquals(4 << 20, p.response(1).body().length);
                // 1 MiB up, echoed: the client may send only as the server opens its windows
                byte[] up = new byte[1 << 20];
                new java.util.Random(1).nextBytes(up);
                p.sendHeaders(3, H2Peer.request("POST", "/echo"), false);
                long sent = 0;
                int off = 0;
                while (off < up.length) {
                    long streamWindow = 65_535 + p.streamCredit.getOrDefault(3, 0L) - sent;
                    int n = (int) Math.min(16_384, Math.min(up.length - off, Math.min(streamWindow, p.connWindow)));
                    if (n > 0) {
                        p.send(FrameWriter.data(3, up, off, n, off + n == up.length));
                        off += n;
                        sent += n;
                        p.connWindow -= n;
                        continue;
                    }
                    p.other.add(p.next()); // wait for WINDOW_UPDATE
                }
                H2Peer.Response echo = p.response(3);
                assertArrayEquals(up, echo.body());
            }
            return null;
        });
    }

    @Test
    void pingIsAnsweredWithItsData() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.send(FrameWriter.ping(false, 0x1122334455667788L));
                Frame f;
                do f = p.next(); while (!(f instanceof Frame.Ping));
                assertEquals(new Frame.Ping(true, 0x1122334455667788L), f);
            }
            return null;
        });
    }

    @Test
    void rstStreamCancelsThatStreamsHandlerOnly() {
        AtomicInteger cancelled = new AtomicInteger();
        Application app = appWithForever(cancelled);
        ServerTesting.serve(app, (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.get("/forever"), true);
                p.sendHeaders(3, H2Peer.get("/sleep?s=5"), true);
                Asyncio.sleep(1);
                p.send(FrameWriter.rstStream(1, ErrorCode.CANCEL));
                assertEquals("slept 5", p.response(3).text());
                assertEquals(1, cancelled.get());
                assertFalse(p.resets().containsKey(1)); // no reset answered with a reset
            }
            return null;
        });
    }

    @Test
    void streamsOverMaxConcurrentStreamsAreRefused() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                for (int i = 0; i < 101; i++) p.sendHeaders(1 + 2 * i, H2Peer.get("/sleep?s=10"), true);
                Frame f;
                do f = p.next(); while (!(f instanceof Frame.RstStream));
                assertEquals(new Frame.RstStream(201, ErrorCode.REFUSED_STREAM), f);
                assertEquals("slept 10", p.response(1).text());
            }
            return null;
        });
    }

    @Test
    void malformedRequestsAreStreamErrors() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, List.of(new HeaderField(":method", "GET"), new HeaderField(":scheme", "http")), true); // no :path
                p.sendHeaders(3, H2Peer.get("/hello", "connection", "close"), true);
                p.sendHeaders(5, H2Peer.get("/hello", "X-Upper", "1"), true);
                p.sendHeaders(7, List.of(new HeaderField(":method", "GET"), new HeaderField("x", "1"), new HeaderField(":path", "/"),
                        new HeaderField(":scheme", "http")), true); // pseudo after regular
                p.sendHeaders(9, H2Peer.request("POST", "/echo", "content-length", "3"), false);
                p.sendData(9, "abcd".getBytes(), true); // more than content-length
                p.sendHeaders(11, H2Peer.request("POST", "/echo", "content-length", "3"), true); // announced, none sent
                p.sendHeaders(13, H2Peer.get("/hello", "te", "gzip"), true);
                p.sendHeaders(15, H2Peer.get("/hello"), true);
                assertEquals(200, p.response(15).status()); // the connection goes on
                var resets = p.resets();
                for (int id : new int[] {1, 3, 5, 7, 9, 11, 13}) assertEquals(ErrorCode.PROTOCOL_ERROR, resets.get(id), "stream " + id + ": " + resets);
            }
            return null;
        });
    }

    /** RFC 9113 §8.1.1: a body short of its content-length at END_STREAM resets the stream; the handler's read fails. */
    @Test
    void aBodyShortOfItsContentLengthResetsTheStreamAndFailsTheHandlersRead() {
        Application app = app();
        List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.jasyncio.Future<Object>[] reading = new io.jasyncio.Future[1];
        app.router().addPost("/count", r -> {
            try {
                reading[0].setResult(null);
                byte[] b = r.body();
                outcomes.add("read " + b.length);
                return Response.text("read " + b.length);
            } catch (RuntimeException e) { // the read's failure, or the cancellation the reset brings
                outcomes.add("failed");
                throw e;
            }
        });
        ServerTesting.serve(app, (port, runner) -> {
            reading[0] = Asyncio.getRunningLoop().createFuture();
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.request("POST", "/count", "content-length", "10"), false);
                p.sendData(1, "abcd".getBytes(), false);
                Asyncio.await(reading[0]); // the handler is reading the body
                p.sendData(1, "ef".getBytes(), true); // 6 bytes in all, 10 announced
                p.sendHeaders(3, H2Peer.get("/hello"), true);
                assertEquals(200, p.response(3).status(), "the connection goes on");
                assertEquals(ErrorCode.PROTOCOL_ERROR, p.resets().get(1), "stream 1 reset: " + p.resets());
            }
            return null;
        });
        assertEquals(List.of("failed"), outcomes, "the handler never saw a short body as whole");
    }

    @Test
    void stateMachineConnectionErrors() {
        // DATA on an idle stream, HEADERS on an even stream, a frame before SETTINGS, a client's PUSH_PROMISE
        List<java.util.function.Consumer<H2Peer>> breaches = List.of(
                p -> p.send(FrameWriter.data(7, new byte[1], 0, 1, false)),
                p -> p.sendHeaders(2, H2Peer.get("/hello"), true),
                p -> p.send(FrameWriter.raw(Frame.TYPE_PUSH_PROMISE, Frame.FLAG_END_HEADERS, 1, new byte[] {0, 0, 0, 2})),
                p -> p.send(FrameWriter.rstStream(9, ErrorCode.CANCEL)),
                p -> p.send(FrameWriter.windowUpdate(11, 5)),
                p -> p.send(FrameWriter.raw(Frame.TYPE_CONTINUATION, Frame.FLAG_END_HEADERS, 1, new byte[0])));
        for (var breach : breaches) {
            ServerTesting.serve(app(), (port, runner) -> {
                try (H2Peer p = H2Peer.open(port)) {
                    breach.accept(p);
                    Frame.GoAway g = p.goAway();
                    assertNotNull(g);
                    assertEquals(ErrorCode.PROTOCOL_ERROR, g.error(), new String(g.debugData()));
                    p.readToEof();
                }
                return null;
            });
        }
    }

    @Test
    void dataAfterEndStreamIsStreamClosed() {
        Application app = app();
        app.router().addGet("/hold", r -> {
            Asyncio.sleep(10);
            return Response.text("held");
        });
        ServerTesting.serve(app, (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.get("/hold"), true);
                p.send(FrameWriter.data(1, new byte[3], 0, 3, false));
                H2Peer.Response r = p.response(1);
                assertEquals(ErrorCode.STREAM_CLOSED, r.reset());
            }
            return null;
        });
    }

    @Test
    void aPrefaceThatIsNotHttp2sIsRefused() {
        ServerTesting.serve(app(), (port, runner) -> {
            var c = io.jasyncio.streams.Streams.openConnection("127.0.0.1", port);
            c.writer().write("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] all = c.reader().read();
            // SETTINGS, then GOAWAY PROTOCOL_ERROR, then EOF
            FrameReader fr = new FrameReader(1 << 20);
            fr.feed(java.nio.ByteBuffer.wrap(all));
            assertInstanceOf(Frame.Settings.class, fr.next());
            Frame f;
            do f = fr.next(); while (f instanceof Frame.WindowUpdate);
            Frame.GoAway g = (Frame.GoAway) f;
            assertEquals(ErrorCode.PROTOCOL_ERROR, g.error());
            c.writer().close();
            return null;
        });
    }

    @Test
    void http1StillServedOnTheSameSite() {
        ServerTesting.serve(app(), (port, runner) -> {
            var c = io.jasyncio.streams.Streams.openConnection("127.0.0.1", port);
            c.writer().write("GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String all = new String(c.reader().read(), StandardCharsets.US_ASCII);
            assertTrue(all.startsWith("HTTP/1.1 200 "), all);
            assertTrue(all.endsWith("hello HTTP/1.1 a"), all);
            c.writer().close();
            return null;
        });
    }

    @Test
    void gracefulShutdownSendsGoAwayAndFinishesOpenStreams() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.get("/sleep?s=3"), true);
                shutDownWhileStream1Sleeps(p, runner);
            }
            return null;
        });
    }

    /**
     * Shuts {@code runner} down while stream 1 ({@code /sleep?s=3}) is under way, and checks that its answer
     * still comes, after a GOAWAY (NO_ERROR, last stream 1), and that the connection then ends.
     */
    static void shutDownWhileStream1Sleeps(H2Peer p, AppRunner runner) {
        Asyncio.sleep(0.5);
        var cleanup = Asyncio.createTask(() -> {
            runner.cleanup();
            return null;
        });
        H2Peer.Response r = p.response(1);
        assertEquals("slept 3", r.text());
        boolean goAway = p.other.stream().anyMatch(f -> f instanceof Frame.GoAway g && g.error() == ErrorCode.NO_ERROR && g.lastStreamId() == 1);
        assertTrue(goAway, "frames: " + p.other);
        p.readToEof();
        Asyncio.await(cleanup);
    }

    @Test
    void pastTheShutdownTimeoutHandlersAreCancelledAndEndBeforeTheCleanupHooks() {
        Application app = app();
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        app.router().addGet("/forever", r -> {
            try {
                Asyncio.sleep(1e6);
                return Response.text("never");
            } catch (CancelledError e) {
                Asyncio.sleep(0.5); // a handler that takes its time to end
                events.add("handler ended");
                throw e;
            }
        });
        app.onCleanup(a -> events.add("cleanup hook"));
        ServerTesting.serve(app, r -> r.shutdownTimeout(2), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.get("/forever"), true);
                p.sendHeaders(3, H2Peer.get("/forever"), true);
                Asyncio.sleep(0.5);
                runner.cleanup();
                assertEquals(List.of("handler ended", "handler ended", "cleanup hook"), events);
                assertEquals(0, runner.connectionCount());
            }
            return null;
        });
    }

    @Test
    void anIdleConnectionIsClosedAfterTheKeepAliveTimeout() {
        ServerTesting.serve(app(), r -> r.keepaliveTimeout(5), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                double t0 = Asyncio.getRunningLoop().time();
                p.sendHeaders(1, H2Peer.get("/hello"), true);
                p.response(1);
                Frame.GoAway g = p.goAway();
                assertEquals(ErrorCode.NO_ERROR, g.error());
                p.readToEof();
                double took = Asyncio.getRunningLoop().time() - t0;
                assertTrue(took >= 5 && took < 10, "closed after " + took + " s");
            }
            return null;
        });
    }

    @Test
    void fileResponsesWholeAndRanged() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("h2-file", ".bin");
        byte[] content = new byte[300_000];
        new java.util.Random(9).nextBytes(content);
        java.nio.file.Files.write(f, content);
        try {
            Application app = app();
            app.router().addGet("/file", r -> new io.jasyncio.http.FileResponse(f));
            ServerTesting.serve(app, (port, runner) -> {
                try (H2Peer p = H2Peer.open(port)) {
                    p.sendHeaders(1, H2Peer.get("/file"), true);
                    H2Peer.Response whole = p.response(1);
                    assertEquals(200, whole.status());
                    assertArrayEquals(content, whole.body());
                    assertEquals("300000", whole.header("content-length"));
                    p.sendHeaders(3, H2Peer.get("/file", "range", "bytes=100-199"), true);
                    H2Peer.Response part = p.response(3);
                    assertEquals(206, part.status());
                    assertArrayEquals(java.util.Arrays.copyOfRange(content, 100, 200), part.body());
                    // several ranges: multipart/byteranges, each part's bytes after its head, the length announced
                    p.sendHeaders(5, H2Peer.get("/file", "range", "bytes=0-9,200000-200009"), true);
                    H2Peer.Response parts = p.response(5);
                    assertEquals(206, parts.status());
                    assertTrue(parts.header("content-type").startsWith("multipart/byteranges; boundary="), parts.header("content-type"));
                    assertEquals(String.valueOf(parts.body().length), parts.header("content-length"));
                    String text = new String(parts.body(), java.nio.charset.StandardCharsets.ISO_8859_1);
                    for (int[] r : new int[][] {{0, 10}, {200_000, 200_010}}) {
                        String slice = new String(java.util.Arrays.copyOfRange(content, r[0], r[1]), java.nio.charset.StandardCharsets.ISO_8859_1);
                        assertTrue(text.contains("Content-Range: bytes " + r[0] + "-" + (r[1] - 1) + "/300000\r\n\r\n" + slice), "part " + r[0]);
                    }
                }
                return null;
            });
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    static long setting(Frame.Settings s, int id) {
        for (int i = 0; i < s.ids().length; i++) if (s.ids()[i] == id) return s.values()[i];
        return -1;
    }
}
