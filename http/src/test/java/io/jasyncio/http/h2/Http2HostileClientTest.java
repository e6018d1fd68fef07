package io.jasyncio.http.h2;

import io.jasyncio.http.ServerTesting;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.http.Application;
import io.jasyncio.http.Response;
import io.jasyncio.http.StreamResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each bound of the HTTP/2 server against a client that attacks it (RFC 9113 §10.5 and the known CVEs). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class Http2HostileClientTest {
    /** Handlers started, and ended (normally or cancelled). */
    final AtomicInteger started = new AtomicInteger(), ended = new AtomicInteger(), cancelled = new AtomicInteger();

    Application app() {
        Application app = Http2ServerTest.app();
        app.router().addGet("/slow", r -> {
            started.incrementAndGet();
            try {
                Asyncio.sleep(100);
                return Response.text("slow");
            } catch (CancelledError e) {
                cancelled.incrementAndGet();
                throw e;
            } finally {
                ended.incrementAndGet();
            }
        });
        return app;
    }

    @Test
    void rapidResetGetsGoAwayEnhanceYourCalmAndLeavesNoHandlerBehind() {
        // CVE-2023-44487: open a stream and reset it at once, again and again, in one write
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                List<ByteBuffer> frames = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    int id = 1 + 2 * i;
                    frames.add(p.headers(id, H2Peer.get("/slow"), true));
                    frames.add(FrameWriter.rstStream(id, ErrorCode.CANCEL));
                }
                p.sendAll(frames);
                Frame.GoAway g = p.goAway();
                assertNotNull(g, "no GOAWAY");
                assertEquals(ErrorCode.ENHANCE_YOUR_CALM, g.error());
                assertTrue(new String(g.debugData()).contains("rapid reset"), new String(g.debugData()));
                p.readToEof();
                Asyncio.sleep(0.1);
                assertTrue(started.get() <= 201, "handlers started: " + started.get());
                assertEquals(started.get(), ended.get(), "every handler started has ended");
                assertEquals(started.get(), cancelled.get());
                assertEquals(0, runner.connectionCount());
            }
            return null;
        });
    }

    @Test
    void resetsWithinTheRateAreServedForever() {
        // the same pattern, slowly: 50 a second for 20 seconds (virtual), under the 100/s bucket
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                for (int i = 0; i < 1000; i++) {
                    int id = 1 + 2 * i;
                    p.sendAll(List.of(p.headers(id, H2Peer.get("/slow"), true), FrameWriter.rstStream(id, ErrorCode.CANCEL)));
                    Asyncio.sleep(0.02);
                }
                p.sendHeaders(2001, H2Peer.get("/hello"), true);
                assertEquals(200, p.response(2001).status());
                assertEquals(started.get(), cancelled.get());
            }
            return null;
        });
    }

    @Test
    void continuationFloodIsAConnectionErrorInBoundedMemory() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                // a header block that never ends: empty CONTINUATION frames, cheap to send
                p.send(FrameWriter.raw(Frame.TYPE_HEADERS, 0, 1, p.encoder.encode(H2Peer.get("/hello"))));
                ByteArrayOutputStream flood = new ByteArrayOutputStream();
                for (int i = 0; i < 10_000; i++) {
                    ByteBuffer f = FrameWriter.raw(Frame.TYPE_CONTINUATION, 0, 1, new byte[0]);
                    flood.write(f.array(), 0, f.remaining());
                }
                p.c.writer().write(flood.toByteArray());
                Frame.GoAway g = p.goAway();
                assertEquals(ErrorCode.ENHANCE_YOUR_CALM, g.error());
                assertTrue(new String(g.debugData()).contains("CONTINUATION"), new String(g.debugData()));
                p.readToEof();
            }
            // and one that grows: 16 KiB frames past the 64 KiB bound
            try (H2Peer p = H2Peer.open(port)) {
                p.send(FrameWriter.raw(Frame.TYPE_HEADERS, 0, 1, p.encoder.encode(H2Peer.get("/hello"))));
                for (int i = 0; i < 8; i++) p.send(FrameWriter.raw(Frame.TYPE_CONTINUATION, 0, 1, new byte[16_384]));
                Frame.GoAway g = p.goAway();
                assertEquals(ErrorCode.ENHANCE_YOUR_CALM, g.error());
                assertTrue(new String(g.debugData()).contains("header block over 65536 bytes"), new String(g.debugData()));
                p.readToEof();
            }
            return null;
        });
    }

    @Test
    void hpackBombIsACompressionError() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                // one 4 KB field into the table, then 10,000 one-byte references to it: 40 MB once decoded
                ByteArrayOutputStream block = new ByteArrayOutputStream();
                block.writeBytes(new HpackEncoder(4096, false).encode(H2Peer.get("/hello")));
                block.write(0x40);
                HpackEncoder.writeInt(block, 0, 7, 3);
                block.writeBytes("x-b".getBytes());
                HpackEncoder.writeInt(block, 0, 7, 4000);
                block.writeBytes(new byte[4000]);
                for (int i = 0; i < 10_000; i++) block.write(0x80 | 62);
                p.send(FrameWriter.headers(1, block.toByteArray(), true, 16_384));
                Frame.GoAway g = p.goAway();
                assertEquals(ErrorCode.COMPRESSION_ERROR, g.error());
                p.readToEof();
                assertEquals(0, started.get());
            }
            return null;
        });
    }

    @Test
    void aClientThatNeverOpensTheWindowHoldsBoundedMemoryUntilTheSendTimeout() {
        Application app = app();
        byte[] big = new byte[8 << 20];
        app.router().addGet("/huge", r -> Response.bytes(big, "application/octet-stream"));
        ServerTesting.serve(app, r -> r.sendTimeout(10), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.autoWindow = false;
                double t0 = Asyncio.getRunningLoop().time();
                for (int i = 0; i < 10; i++) p.sendHeaders(1 + 2 * i, H2Peer.get("/huge"), true);
                Frame.GoAway g = p.goAway();
                double took = Asyncio.getRunningLoop().time() - t0;
                assertNotNull(g);
                assertTrue(new String(g.debugData()).contains("opened no window"), new String(g.debugData()));
                assertTrue(took >= 10 && took < 20, "ended after " + took + " s");
                assertEquals(65_535, p.dataReceived, "the server sent more than the connection's window");
                p.readToEof();
            }
            return null;
        });
    }

    @Test
    void aClientThatNeverReadsIsEndedBySendTimeout() {
        // it opens a huge window but reads nothing: the transport's buffer fills, the sends wait, the timeout ends it
        Application app = app();
        byte[] big = new byte[64 << 20];
        app.router().addGet("/huge", r -> Response.bytes(big, "application/octet-stream"));
        ServerTesting.serve(app, r -> r.sendTimeout(10), (port, runner) -> {
            H2Peer p = H2Peer.open(port, Frame.Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE);
            p.send(FrameWriter.windowUpdate(0, Integer.MAX_VALUE - 65_535));
            p.sendHeaders(1, H2Peer.get("/huge"), true);
            p.c.writer().transport().pauseReading();
            double t0 = Asyncio.getRunningLoop().time();
            while (runner.connectionCount() > 0 && Asyncio.getRunningLoop().time() - t0 < 30) {
                Asyncio.sleep(1);
                assertTrue(runner.stats().maxBufferedBytes() < 8 << 20, "held " + runner.stats());
            }
            assertEquals(0, runner.connectionCount(), "the connection outlived the send timeout");
            p.close();
            return null;
        });
    }

    /** The file descriptors this JVM has open (Linux). */
    private static long openFds() {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aClientThatNeverReadsWith100StreamsOpenHoldsBoundedMemoryAndFds() throws Exception {
        neverReadingClientWith100Streams(false);
    }

    /** The same over TLS: the TLS layer's backlog counts as held output, and is bounded as well. */
    @Test
    void aClientThatNeverReadsWith100StreamsOpenOverTlsHoldsBoundedMemoryAndFds() throws Exception {
        neverReadingClientWith100Streams(true);
    }

    private void neverReadingClientWith100Streams(boolean overTls) throws Exception {
        // 100 streams (the concurrency limit), windows opened wide, 4 MiB asked on each, and nothing read: the
        // transport's buffer fills, every handler waits in its write, the send timeout ends them all
        Application app = app();
        byte[] chunk = new byte[64 << 10];
        app.router().addGet("/huge", r -> {
            started.incrementAndGet();
            try {
                StreamResponse s = new StreamResponse(200).prepare(r);
                for (int i = 0; i < 64; i++) s.write(chunk);
                return s.writeEof();
            } finally {
                ended.incrementAndGet();
            }
        });
        long fdsBefore = openFds();
        io.jasyncio.tls.TlsOptions tls = overTls ? io.jasyncio.tls.TlsOptions.server(io.jasyncio.http.TestCerts.server()) : null;
        ServerTesting.serve(app, r -> r.sendTimeout(10), tls, (port, runner) -> {
            H2Peer p = overTls ? H2Peer.openTls(port, Frame.Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE)
                    : H2Peer.open(port, Frame.Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE);
            p.send(FrameWriter.windowUpdate(0, Integer.MAX_VALUE - 65_535));
            for (int i = 0; i < 100; i++) p.sendHeaders(1 + 2 * i, H2Peer.get("/huge"), true);
            p.c.writer().transport().pauseReading();
            double t0 = Asyncio.getRunningLoop().time();
            long maxFds = 0, maxHeld = 0;
            while (runner.connectionCount() > 0 && Asyncio.getRunningLoop().time() - t0 < 60) {
                Asyncio.sleep(1);
                long held = runner.stats().maxBufferedBytes();
                assertTrue(held < 8 << 20, "held " + runner.stats());
                maxHeld = Math.max(maxHeld, held);
                maxFds = Math.max(maxFds, openFds());
            }
            assertTrue(maxHeld > 64 << 10, "the server never held output: the client's not reading was not felt (" + maxHeld + ")");
            assertEquals(0, runner.connectionCount(), "the connection outlived the send timeout");
            assertEquals(100, started.get(), "every stream reached its handler");
            while (ended.get() < 100 && Asyncio.getRunningLoop().time() - t0 < 90) Asyncio.sleep(0.1);
            assertEquals(100, ended.get(), "a handler outlived its connection");
            assertTrue(maxFds <= fdsBefore + 8, "fds: " + fdsBefore + " before, " + maxFds + " at most meanwhile");
            p.close();
            return null;
        });
        assertTrue(openFds() <= fdsBefore + 2, "fds left open: " + fdsBefore + " before, " + openFds() + " after");
    }

    @Test
    void settingsFloodIsEnhanceYourCalm() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                List<ByteBuffer> frames = new ArrayList<>();
                for (int i = 0; i < 5000; i++) frames.add(FrameWriter.settings(Frame.Settings.HEADER_TABLE_SIZE, 4096));
                p.sendAll(frames);
                Frame.GoAway g = p.goAway();
                assertEquals(ErrorCode.ENHANCE_YOUR_CALM, g.error());
                assertTrue(new String(g.debugData()).contains("SETTINGS flood"), new String(g.debugData()));
                p.readToEof();
            }
            return null;
        });
    }

    @Test
    void pingFloodIsEnhanceYourCalm() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                List<ByteBuffer> frames = new ArrayList<>();
                for (int i = 0; i < 5000; i++) frames.add(FrameWriter.ping(false, i));
                p.sendAll(frames);
                Frame.GoAway g = p.goAway();
                assertEquals(ErrorCode.ENHANCE_YOUR_CALM, g.error());
                assertTrue(new String(g.debugData()).contains("PING flood"), new String(g.debugData()));
                long acks = p.other.stream().filter(f -> f instanceof Frame.Ping).count();
                assertTrue(acks <= 1000, acks + " PING ACKs");
                p.readToEof();
            }
            return null;
        });
    }

    @Test
    void pingsWithinTheRateAreAnswered() {
        ServerTesting.serve(app(), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                for (int round = 0; round < 5; round++) {
                    List<ByteBuffer> frames = new ArrayList<>();
                    for (int i = 0; i < 500; i++) frames.add(FrameWriter.ping(false, i));
                    p.sendAll(frames);
                    int acks = 0;
                    while (acks < 500) if (p.next() instanceof Frame.Ping) acks++;
                    Asyncio.sleep(1);
                }
            }
            return null;
        });
    }

    @Test
    void aHeaderBlockLeftOpenIsEndedByTheIdleTimeout() {
        ServerTesting.serve(app(), r -> r.keepaliveTimeout(5), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                double t0 = Asyncio.getRunningLoop().time();
                p.send(FrameWriter.raw(Frame.TYPE_HEADERS, 0, 1, p.encoder.encode(H2Peer.get("/hello"))));
                Frame.GoAway g = p.goAway();
                assertNotNull(g);
                double took = Asyncio.getRunningLoop().time() - t0;
                assertTrue(took >= 4.9 && took < 10, "after " + took); // from the last frame, just before t0
                p.readToEof();
            }
            return null;
        });
    }

    @Test
    void aBodyThatStopsComingResetsItsStream() {
        Application app = app();
        app.router().addPost("/read", r -> Response.text("read " + r.body().length));
        ServerTesting.serve(app, r -> r.keepaliveTimeout(5), (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.request("POST", "/read"), false);
                p.send(FrameWriter.data(1, new byte[10], 0, 10, false));
                H2Peer.Response r = p.response(1);
                assertEquals(ErrorCode.CANCEL, r.reset());
            }
            return null;
        });
    }

    @Test
    void aClientSendingMoreThanTheWindowIsAFlowControlError() {
        Application app = app();
        app.router().addPost("/never-read", r -> {
            Asyncio.sleep(100);
            return Response.text("x");
        });
        ServerTesting.serve(app, (port, runner) -> {
            try (H2Peer p = H2Peer.open(port)) {
                p.sendHeaders(1, H2Peer.request("POST", "/never-read"), false);
                byte[] chunk = new byte[16_384];
                for (int i = 0; i < 5; i++) p.send(FrameWriter.data(1, chunk, 0, chunk.length, false)); // 80 KiB > 64 KiB
                H2Peer.Response r = p.response(1);
                assertEquals(ErrorCode.FLOW_CONTROL_ERROR, r.reset());
            }
            return null;
        });
    }
}
