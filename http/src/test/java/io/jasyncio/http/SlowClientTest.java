package io.jasyncio.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.Task;
import io.jasyncio.streams.StreamPair;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.Streams;
import io.jasyncio.transport.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients that are slow on purpose (issue 13, item 2), on the virtual-clock loop: the server and its clients run
 * on one loop whose time jumps to the next timer, so a minute of trickling takes a fraction of a second and every
 * deadline falls at an exact instant. The defaults are under test: keep-alive 75 s, head 60 s, body 60 s then
 * 1 KiB/s, send 60 s. Before the fix, every byte re-armed the keep-alive timer and each of these clients kept its
 * connection for ever.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlowClientTest {
    /** How long (virtual seconds) a client goes on before the test gives up on the server closing it. */
    private static final double GIVE_UP = 400;

    private static Application app() {
        Application app = new Application();
        app.router().addGet("/", r -> Response.text("Hello, World!"));
        app.router().addPost("/len", r -> Response.text("len " + r.body().length));
        app.router().addGet("/sleep", r -> {
            Asyncio.sleep(Double.parseDouble(r.queryParam("s")));
            return Response.text("slept");
        });
        app.router().addGet("/big", r -> new Response(200, new byte[16 * 1024 * 1024], "application/octet-stream"));
        // Streams until some of its answer waits in the transport (the kernel's buffers are full), then ends:
        // the answer is complete, but the client has not taken all of it.
        app.router().addGet("/fill", r -> {
            StreamResponse s = new StreamResponse(200).prepare(r);
            byte[] piece = new byte[4096];
            while (r.connection().unsentBytes() == 0) s.write(piece);
            return s.writeEof();
        });
        return app;
    }

    /** Serves {@link #app()} on a virtual-clock loop, runs {@code client} there, then cleans the runner up. */
    private static <T> T serve(Consumer<AppRunner> configure, ClientBody<T> client) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(() -> {
                try (AppRunner runner = new AppRunner(app())) {
                    configure.accept(runner);
                    runner.setup();
                    TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
                    site.start();
                    return client.run(site.port(), runner);
                }
            });
        }
    }

    private static <T> T serve(ClientBody<T> client) {
        return serve(r -> {}, client);
    }

    @FunctionalInterface
    private interface ClientBody<T> {
        T run(int port, AppRunner runner) throws Exception;
    }

    /** What a client saw: everything the server sent, and when (loop time) the connection ended; -1: it did not. */
    private record Seen(String received, double start, double closedAt) {
        double closedAfter() {
            return closedAt < 0 ? -1 : closedAt - start;
        }

        void assertCut(int status, double atLeast, double before) {
            assertTrue(closedAt >= 0, "the server kept the connection for " + GIVE_UP + " s; received: " + received);
            assertTrue(received.startsWith("HTTP/1.1 " + status + " "), "received: " + received);
            assertTrue(received.contains("Connection: close"), received);
            assertTrue(closedAfter() >= atLeast && closedAfter() < before,
                    "closed after " + closedAfter() + " s, expected [" + atLeast + ", " + before + ")");
        }
    }

    /** Reads until the server closes; records when. */
    private static final class Reader {
        final StringBuilder got = new StringBuilder();
        double closedAt = -1;
        final Task<Void> task;

        Reader(StreamReader in, EventLoop loop) {
            task = loop.createTask(() -> {
                try {
                    byte[] b;
                    while ((b = in.read(65536)).length > 0) got.append(new String(b, ISO_8859_1));
                } catch (Exception e) {
                    if (!(e instanceof IOException)) throw e; // a reset is an end too
                }
                closedAt = loop.time();
                return null;
            });
        }
    }

    /**
     * Connects, sends {@code first}, then {@code step} every {@code interval} seconds, {@code times} times at most,
     * until the server closes the connection or {@link #GIVE_UP} seconds have passed.
     */
    private static Seen trickle(int port, String first, String step, double interval, int times) throws Exception {
        EventLoop loop = Asyncio.getRunningLoop();
        StreamPair c = Streams.openConnection("127.0.0.1", port);
        double start = loop.time();
        Reader reader = new Reader(c.reader(), loop);
        try {
            c.writer().write(first.getBytes(ISO_8859_1));
            for (int i = 0; i < times && !reader.task.done() && loop.time() - start < GIVE_UP; i++) {
                Asyncio.sleep(interval);
                if (!reader.task.done()) c.writer().write(step.getBytes(ISO_8859_1));
            }
            while (!reader.task.done() && loop.time() - start < GIVE_UP) Asyncio.sleep(1);
            return new Seen(reader.got.toString(), start, reader.closedAt);
        } finally {
            c.writer().close();
            reader.task.cancel();
        }
    }

    @Test
    void aHeadTrickledByteByByteIsCutAtTheHeadTimeout() {
        Seen seen = serve((port, runner) ->
                trickle(port, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", "a", 1.0, Integer.MAX_VALUE));
        seen.assertCut(408, 60, 62);
        assertTrue(seen.received.contains("did not arrive within 60.0 s"), seen.received);
    }

    @Test
    void aBodyTrickledFarBelowTheMinimumRateIsCutAfterItsAllowance() {
        Seen seen = serve((port, runner) -> trickle(port,
                "POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", "b", 1.0, Integer.MAX_VALUE));
        // 60 s of allowance, plus 1 s per KiB received: a byte a second adds 0.06 s.
        seen.assertCut(408, 60, 62);
        assertTrue(seen.received.contains("slower than 1024.0 bytes/s"), seen.received);
    }

    @Test
    void aBodyJustBelowTheMinimumRateIsCutWhereTheRateSaysSo() {
        // 800 bytes at each whole second k: the deadline 60 + 800 k / 1024 comes before the next second once
        // k >= 270, so the body is cut at 60 + 800 * 270 / 1024 = 270.94 s.
        String kb = "c".repeat(800);
        Seen seen = serve((port, runner) -> trickle(port,
                "POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", kb, 1.0, Integer.MAX_VALUE));
        seen.assertCut(408, 270.9, 271.5);
    }

    @Test
    void aSteadySlowUploadAboveTheMinimumRateCompletes() {
        // 200 KiB at 2 KiB/s: 100 s, well past the 60 s allowance, and never cut.
        String kb = "d".repeat(1024);
        Seen seen = serve((port, runner) -> trickle(port,
                "POST /len HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + 200 * 1024 + "\r\n\r\n",
                kb, 0.5, 200));
        assertTrue(seen.received.startsWith("HTTP/1.1 200 "), seen.received);
        assertTrue(seen.received.endsWith("len 204800"), seen.received);
        assertTrue(seen.closedAfter() >= 99.5 && seen.closedAfter() < 102, "answered after " + seen.closedAfter());
    }

    @Test
    void idleConnectionsStillCloseQuietlyAfterTheKeepAliveTimeout() {
        Seen answered = serve((port, runner) -> trickle(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "", 1, 0));
        assertTrue(answered.received.startsWith("HTTP/1.1 200 ") && answered.received.endsWith("Hello, World!"),
                "one answer, then nothing (no 408 for an idle connection): " + answered.received);
        assertTrue(answered.closedAfter() >= 75 && answered.closedAfter() < 77, "closed after " + answered.closedAfter());

        Seen silent = serve((port, runner) -> trickle(port, "", "", 1, 0));
        assertEquals("", silent.received);
        assertTrue(silent.closedAfter() >= 75 && silent.closedAfter() < 77, "closed after " + silent.closedAfter());
    }

    @Test
    void theClientsClockStopsWhileTheServerAnswers() {
        // A head arrives half while /sleep takes 100 s: its 60 s count from the answer, not from its first byte.
        Seen seen = serve((port, runner) -> trickle(port,
                "GET /sleep?s=100 HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHo", "", 1, 0));
        assertTrue(seen.received.startsWith("HTTP/1.1 200 "), seen.received);
        int second = seen.received.indexOf("HTTP/1.1 408 ");
        assertTrue(second > 0, seen.received);
        assertTrue(seen.closedAfter() >= 160 && seen.closedAfter() < 162, "closed after " + seen.closedAfter());
    }

    @Test
    void aClientThatStopsReadingIsDroppedAfterTheSendTimeout() {
        double[] gone = serve((port, runner) -> {
            EventLoop loop = Asyncio.getRunningLoop();
            SocketChannel ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // the kernel holds little of the answer
            ch.configureBlocking(false);
            Sockets.sockConnect(ch, new InetSocketAddress("127.0.0.1", port)); // asyncio's sock_connect
            StreamPair c = Streams.openConnection(ch, 64 * 1024); // its reader stops at 128 KiB unread
            try {
                c.writer().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(ISO_8859_1));
                double start = loop.time();
                while (runner.connectionCount() == 0) Asyncio.sleep(0.01);
                while (runner.connectionCount() > 0 && loop.time() - start < GIVE_UP) Asyncio.sleep(0.5);
                return new double[] {runner.connectionCount(), loop.time() - start};
            } finally {
                c.writer().close();
            }
        });
        assertEquals(0, gone[0], "the connection is still open after " + gone[1] + " s");
        assertTrue(gone[1] >= 60 && gone[1] < 62, "dropped after " + gone[1] + " s");
    }

    @Test
    void aClientThatStopsReadingIsDroppedEvenOnceItsConnectionIsClosing() {
        // The answer is complete, part of it still unsent, when the keep-alive timeout closes the connection; a
        // transport's close() waits for its buffer to drain, for ever if the client never reads. Before the fix
        // the connection stayed open (and counted against maxConnections) for good; now the send timeout ends it.
        double[] gone = serve((port, runner) -> {
            EventLoop loop = Asyncio.getRunningLoop();
            SocketChannel ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            ch.configureBlocking(false);
            Sockets.sockConnect(ch, new InetSocketAddress("127.0.0.1", port));
            StreamPair c = Streams.openConnection(ch, 64 * 1024);
            try {
                c.writer().write("GET /fill HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(ISO_8859_1));
                double start = loop.time();
                while (runner.connectionCount() == 0) Asyncio.sleep(0.01);
                while (runner.connectionCount() > 0 && loop.time() - start < GIVE_UP) Asyncio.sleep(0.5);
                return new double[] {runner.connectionCount(), loop.time() - start};
            } finally {
                c.writer().close();
            }
        });
        assertEquals(0, gone[0], "the connection is still open after " + gone[1] + " s");
        // closed at the keep-alive timeout (75 s), aborted a send timeout (60 s) later
        assertTrue(gone[1] >= 135 && gone[1] < 137, "dropped after " + gone[1] + " s");
    }

    @Test
    void twoHundredSlowlorisConnectionsAreAllCutAndNothingIsLeft() {
        int n = 200;
        List<Seen> all = serve((port, runner) -> {
            EventLoop loop = Asyncio.getRunningLoop();
            List<Task<Seen>> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                clients.add(loop.createTask(() -> trickle(port, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ", "a", 1.0, Integer.MAX_VALUE)));
            }
            List<Seen> seen = new ArrayList<>();
            for (Task<Seen> t : clients) seen.add(Asyncio.await(t));
            assertEquals(0, runner.connectionCount());
            assertEquals(0L, runner.stats().bufferedBytes());
            return seen;
        });
        for (Seen s : all) s.assertCut(408, 60, 63);
    }

    @Test
    void theTimeoutsAreOptionsAndZeroTurnsThemOff() {
        // A shorter head timeout cuts sooner; with every limit off, only the keep-alive pause ends a trickle
        // that pauses longer than it.
        Seen soon = serve(r -> r.requestHeadTimeout(5),
                (port, runner) -> trickle(port, "GET / HTTP/1.1\r\n", "X", 1.0, Integer.MAX_VALUE));
        soon.assertCut(408, 5, 6);
        Seen never = serve(r -> r.requestHeadTimeout(0).keepaliveTimeout(0),
                (port, runner) -> trickle(port, "GET / HTTP/1.1\r\n", "X", 1.0, 100));
        assertEquals(-1, never.closedAfter(), "no limit was set, yet: " + never.received);
        assertThrows(IllegalArgumentException.class, () -> new AppRunner(new Application()).requestHeadTimeout(-1));
        assertThrows(IllegalArgumentException.class, () -> new AppRunner(new Application()).requestBodyTimeout(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new AppRunner(new Application()).requestBodyMinRate(-2));
        assertThrows(IllegalArgumentException.class, () -> new AppRunner(new Application()).sendTimeout(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new AppRunner(new Application()).maxConnections(0));
    }
}
