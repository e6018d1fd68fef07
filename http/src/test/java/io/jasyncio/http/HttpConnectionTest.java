package io.jasyncio.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.Task;
import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Defects found in review of the http module, each shown by a test that failed before its fix. The connection's
 * state machine is driven through {@link FakeTransport} (a transport whose write buffer and connection loss the
 * test controls, so the order of events is exact); what a client sees goes over loopback with {@link RawClient}.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpReviewTest {

    // ---------------------------------------------------------------- a transport the test drives

    /**
     * A transport in memory. Everything written is kept in {@link #out}; while {@link #stuck}, written bytes also
     * count as unsent ({@link #buffered}), pausing the protocol over {@link #high} bytes, as the socket transport
     * does. {@link #close()} reports the connection lost only once nothing is buffered; {@link #flush()} sends
     * what is buffered.
     */
    static final class FakeTransport implements Transport {
        final EventLoop loop;
        BaseProtocol protocol;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean stuck;
        long buffered;
        long high = 64 * 1024;
        boolean paused, closing, aborted, lost, reading = true;

        FakeTransport(EventLoop loop) {
            this.loop = loop;
        }

        String text() {
            return out.toString(ISO_8859_1);
        }

        @Override
        public void write(ByteBuffer data) {
            byte[] a = new byte[data.remaining()];
            data.get(a);
            if (lost || aborted) return;
            out.writeBytes(a);
            if (stuck) {
                buffered += a.length;
                if (buffered > high && !paused) {
                    paused = true;
                    protocol.pauseWriting();
                }
            }
        }

        /** The client read all but {@code left} bytes. */
        void drainTo(long left) {
            buffered = Math.min(buffered, left);
            if (paused && buffered <= high / 4) {
                paused = false;
                protocol.resumeWriting();
            }
            if (closing && buffered == 0) lose(null);
        }

        void flush() {
            stuck = false;
            drainTo(0);
        }

        void lose(Throwable exc) {
            if (lost) return;
            lost = true;
            closing = true;
            protocol.connectionLost(exc);
        }

        @Override
        public void close() {
            if (closing) return;
            closing = true;
            reading = false;
            if (buffered == 0) loop.callSoon(() -> lose(null));
        }

        @Override
        public void abort() {
            aborted = true;
            closing = true;
            buffered = 0;
            loop.callSoon(() -> lose(null));
        }

        @Override
        public Object getExtraInfo(String name) {
            return name.equals("peername") ? new InetSocketAddress("127.0.0.1", 40000) : null;
        }

        @Override
        public boolean isClosing() {
            return closing;
        }

        @Override
        public void setProtocol(BaseProtocol protocol) {
            this.protocol = protocol;
        }

        @Override
        public BaseProtocol getProtocol() {
            return protocol;
        }

        @Override
        public boolean isReading() {
            return reading;
        }

        @Override
        public void pauseReading() {
            reading = false;
        }

        @Override
        public void resumeReading() {
            if (!closing) reading = true;
        }

        @Override
        public void setWriteBufferLimits(Integer high, Integer low) {
            this.high = high;
        }

        @Override
        public int[] getWriteBufferLimits() {
            return new int[] {(int) high / 4, (int) high};
        }

        @Override
        public long getWriteBufferSize() {
            return buffered;
        }

        @Override
        public void writeEof() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean canWriteEof() {
            return false;
        }
    }

    /** A connection of {@code runner} (set up) on a fake transport. */
    private static FakeTransport connect(AppRunner runner) {
        FakeTransport t = new FakeTransport(Asyncio.getRunningLoop());
        HttpConnection c = new HttpConnection(runner);
        t.protocol = c;
        c.connectionMade(t);
        return t;
    }

    private static void receive(FakeTransport t, String s) {
        ((HttpConnection) t.protocol).dataReceived(ByteBuffer.wrap(s.getBytes(ISO_8859_1)));
    }

    private static void spin() {
        Asyncio.sleep(0.05);
    }

    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    // ---------------------------------------------------------------- 100 Continue

    /**
     * A chunked request asking for 100-continue whose whole body arrived with its head: the parser still said an
     * interim response was owed, and the connection sent "100 Continue" after the final response, where the client
     * takes it for the answer to its next request.
     */
    @Test
    void noContinueIsSentAfterTheFinalResponse() throws Exception {
        Application app = new Application();
        app.router().addGet("/", r -> Response.text("root"));
        app.router().addPost("/up", r -> Response.text("len " + r.body().length));
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            c.send("POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n");
            RawClient.Reply r = c.read();
            while (r.status() == 100) r = c.read(); // an interim response before the final one is allowed
            assertEquals("len 5", r.text());
            RawClient.Reply next = c.get("/").read();
            assertEquals(200, next.status(), "the answer to the next request, not a stray " + next.statusLine());
            assertEquals("root", next.text());
        }
    }

    @Test
    void theParserOwesNoContinueForAChunkedBodyThatArrivedWithItsHead() {
        RequestParser p = new RequestParser(1024, null);
        p.feed(ByteBuffer.wrap(("POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\nok\r\n0\r\n\r\n").getBytes(ISO_8859_1)));
        assertEquals("ok", new String(p.next().body(), ISO_8859_1));
        assertFalse(p.takeContinue(), "the body is here: nothing to invite");
    }

    /**
     * Pipelined: the head of B (asking for 100-continue) arrives while A is answered, so the interim response is
     * deferred; B's body then arrives anyway. The deferred "100 Continue" went out after B's final response.
     */
    @Test
    void aDeferredContinueIsDroppedOnceTheBodyArrives() {
        Asyncio.run(() -> {
            Future<Void> gate = Asyncio.getRunningLoop().createFuture();
            Application app = new Application();
            app.router().addGet("/a", r -> {
                Asyncio.await(gate);
                return Response.text("a");
            });
            app.router().addPost("/b", r -> Response.text("b " + r.text()));
            AppRunner runner = new AppRunner(app);
            runner.setup();
            FakeTransport t = connect(runner);
            receive(t, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /b HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
            spin();
            receive(t, "hi");
            gate.setResult(null);
            spin();
            String out = t.text();
            assertTrue(out.endsWith("b hi"), out);
            assertFalse(out.contains("100 Continue"), "the body came without it: " + out);
            runner.cleanup();
            return null;
        });
    }

    // ---------------------------------------------------------------- response splitting

    /**
     * The writer turns each char into one byte by dropping its high bits, and the header check looked only for
     * '\r', '\n' and NUL: U+010D and U+010A became CR LF on the wire. A handler echoing a (percent-decoded, UTF-8)
     * query parameter into a header let the client add headers of its choosing.
     */
    @Test
    void charactersAboveLatin1CannotSplitTheResponse() throws Exception {
        Application app = new Application();
        app.router().addGet("/echo", r -> Response.text("hi").header("X-Echo", r.queryParam("v")));
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            RawClient.Reply r = c.get("/echo?v=%C4%8D%C4%8ASet-Cookie:%20evil=1").read();
            assertNull(r.header("Set-Cookie"), "a header injected by the client: " + r.headers());
            assertEquals(500, r.status(), "the handler's header is refused");
        }
        Response r = Response.text("x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.header("X", "a\u010d\u010ab"));
        assertTrue(e.getMessage().contains("X"), e.getMessage());
        r.header("X-Latin1", "caf\u00e9"); // obs-text stays allowed
    }

    // ---------------------------------------------------------------- the client goes away

    /**
     * The client disconnects while the worker waits for the write buffer to drain: the wait failed with an
     * IOException that ended the worker task, a failure nobody retrieves, so the loop kept the task until it closed
     * and then reported "Task exception was never retrieved" for an ordinary disconnect.
     */
    @Test
    void aClientLostDuringTheDrainIsNoError() {
        List<ExceptionContext> errors = new CopyOnWriteArrayList<>();
        Asyncio.run(() -> {
            Asyncio.getRunningLoop().setExceptionHandler((l, ctx) -> errors.add(ctx));
            Application app = new Application();
            app.router().addGet("/", r -> Response.bytes(new byte[200_000], "application/octet-stream"));
            AppRunner runner = new AppRunner(app);
            runner.setup();
            FakeTransport t = connect(runner);
            t.stuck = true;
            receive(t, GET);
            spin();
            assertTrue(t.paused, "the worker waits for the drain");
            t.lose(new IOException("Connection reset by peer"));
            spin();
            runner.cleanup();
            return null;
        });
        assertEquals(List.of(), errors.stream().map(ExceptionContext::message).toList());
    }

    /**
     * A handler throwing an Error (an assert, a NoClassDefFoundError, ...) escaped the worker: no answer, the
     * connection stayed open with its queued requests until the keep-alive timeout (75 s by default).
     */
    @Test
    void aHandlerThrowingAnErrorIsAnswered500() throws Exception {
        Application app = new Application();
        app.router().addGet("/", r -> Response.text("ok"));
        app.router().addGet("/assert", r -> {
            throw new AssertionError("an assert in a handler");
        });
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            c.send("GET /assert HTTP/1.1\r\nHost: x\r\n\r\n" + GET);
            RawClient.Reply r = c.read();
            assertEquals(500, r.status());
            assertEquals("ok", c.read().text(), "the pipelined request after it is answered too");
            assertEquals(1, s.errors.size());
            assertInstanceOf(AssertionError.class, s.errors.get(0).exception());
        }
    }

    /**
     * A handler awaiting a future that someone else cancelled gets a CancelledError although its own task was not
     * cancelled; it ended the worker, and the client waited for an answer until the keep-alive timeout.
     */
    @Test
    void aCancelledErrorNotMeantForTheWorkerIsAnswered500() throws Exception {
        Application app = new Application();
        app.router().addGet("/", r -> Response.text("ok"));
        app.router().addGet("/stray", r -> {
            Future<Void> f = Asyncio.getRunningLoop().createFuture();
            f.cancel();
            Asyncio.await(f);
            return Response.text("never");
        });
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            c.send("GET /stray HTTP/1.1\r\nHost: x\r\n\r\n" + GET);
            assertEquals(500, c.read().status());
            assertEquals("ok", c.read().text());
        }
    }

    // ---------------------------------------------------------------- cleanup

    /**
     * Shutdown while a handler runs: its response is written, the connection closes gracefully, but the runner
     * aborted every connection as soon as no handler ran, dropping what the transport had not yet sent (the tail
     * of any response larger than the socket's buffers).
     */
    @Test
    void cleanupLetsTheLastResponseBeSent() {
        Asyncio.run(() -> {
            Future<Void> gate = Asyncio.getRunningLoop().createFuture();
            Application app = new Application();
            app.router().addGet("/", r -> {
                Asyncio.await(gate);
                return Response.text("x".repeat(1000));
            });
            AppRunner runner = new AppRunner(app).shutdownTimeout(10);
            runner.setup();
            FakeTransport t = connect(runner);
            receive(t, GET);
            spin();
            Task<Void> cleanup = Asyncio.getRunningLoop().createTask(() -> {
                runner.cleanup();
                return null;
            });
            spin();
            t.stuck = true; // the response will not fit in the socket at once
            gate.setResult(null);
            spin();
            assertTrue(t.closing, "closed after its response");
            assertFalse(t.aborted, "the response is still being sent: the connection must not be aborted");
            assertFalse(cleanup.done());
            t.flush();
            Asyncio.waitFor(cleanup, 5.0);
            assertFalse(t.aborted);
            assertTrue(t.text().endsWith("x".repeat(1000)));
            return null;
        });
    }

    /**
     * Shutdown while the worker waits for the drain after a keep-alive response, nothing else queued: the worker
     * ended without closing the connection, which stayed open until the runner aborted it (dropping the rest of
     * that response).
     */
    @Test
    void shutdownDuringADrainClosesTheConnectionGracefully() {
        Asyncio.run(() -> {
            Application app = new Application();
            app.router().addGet("/", r -> Response.bytes(new byte[100_000], "application/octet-stream"));
            AppRunner runner = new AppRunner(app).shutdownTimeout(10);
            runner.setup();
            FakeTransport t = connect(runner);
            t.stuck = true;
            receive(t, GET);
            spin();
            assertTrue(t.paused);
            Task<Void> cleanup = Asyncio.getRunningLoop().createTask(() -> {
                runner.cleanup();
                return null;
            });
            spin();
            t.drainTo(1000); // below the low-water mark: the worker goes on, 1000 bytes still to send
            spin();
            assertTrue(t.closing, "the connection closes once its response is out");
            assertFalse(t.aborted, "1000 bytes of the response are still to be sent");
            t.flush();
            Asyncio.waitFor(cleanup, 5.0);
            assertFalse(t.aborted);
            return null;
        });
    }

    /**
     * The task calling cleanup() is cancelled while it waits for a request under way (a second Ctrl-C, or a
     * supervisor's cancel): cleanup() returned at once, leaving the connection open, its handler running and the
     * cleanup hooks not run; a second call did nothing.
     */
    @Test
    void cleanupCancelledWhileWaitingStillClosesEverythingAndRunsTheHooks() {
        List<String> log = new CopyOnWriteArrayList<>();
        Asyncio.run(() -> {
            Application app = new Application();
            app.router().addGet("/", r -> {
                try {
                    Asyncio.sleep(3600);
                } catch (CancelledError e) {
                    log.add("handler cancelled");
                    throw e;
                }
                return Response.text("never");
            });
            app.onCleanup(a -> log.add("hook"));
            AppRunner runner = new AppRunner(app).shutdownTimeout(60);
            runner.setup();
            FakeTransport t = connect(runner);
            receive(t, GET);
            spin();
            Task<Void> cleanup = Asyncio.getRunningLoop().createTask(() -> {
                runner.cleanup();
                return null;
            });
            spin();
            cleanup.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(cleanup));
            assertTrue(cleanup.cancelled(), "the cancellation goes on");
            assertTrue(t.aborted, "the connection is not left open");
            assertEquals(List.of("handler cancelled", "hook"), log);
            assertEquals(0, runner.connectionCount());
            return null;
        });
    }

    /** The same when the task calling cleanup() already has a cancellation pending (cancelled while it ran). */
    @Test
    void cleanupInATaskAlreadyCancelledStillClosesEverythingAndRunsTheHooks() {
        List<String> log = new CopyOnWriteArrayList<>();
        Asyncio.run(() -> {
            Application app = new Application();
            app.router().addGet("/", r -> {
                Asyncio.sleep(3600);
                return Response.text("never");
            });
            app.onCleanup(a -> log.add("hook"));
            AppRunner runner = new AppRunner(app).shutdownTimeout(60);
            runner.setup();
            FakeTransport t = connect(runner);
            receive(t, GET);
            spin();
            Task<Void> cleanup = Asyncio.getRunningLoop().createTask(() -> {
                Asyncio.currentTask().cancel(); // delivered at its next await: inside cleanup()
                runner.cleanup();
                return null;
            });
            assertThrows(CancelledError.class, () -> Asyncio.await(cleanup));
            assertTrue(t.aborted, "the connection is not left open");
            assertEquals(List.of("hook"), log);
            return null;
        });
    }

    /**
     * A handler cancelled past the shutdown timeout that awaits while it winds up (closes a resource, logs) was
     * still running when cleanup() ran the cleanup hooks and returned; asyncio.run's shutdown then cancelled it
     * again mid-way.
     */
    @Test
    void cleanupWaitsForTheCancelledHandlersBeforeTheHooks() {
        List<String> log = new CopyOnWriteArrayList<>();
        Asyncio.run(() -> {
            Application app = new Application();
            app.router().addGet("/", r -> {
                try {
                    Asyncio.sleep(3600);
                } catch (CancelledError e) {
                    Asyncio.sleep(0.05); // winding up
                    log.add("handler done");
                    throw e;
                }
                return Response.text("never");
            });
            app.onCleanup(a -> log.add("hook"));
            AppRunner runner = new AppRunner(app).shutdownTimeout(0.05);
            runner.setup();
            FakeTransport t = connect(runner);
            receive(t, GET);
            spin();
            runner.cleanup();
            assertEquals(List.of("handler done", "hook"), log);
            return null;
        });
    }

    /**
     * The client went away while its handler ran: the connection left the runner's set at once, so cleanup()
     * neither waited for that handler nor cancelled it; the hooks ran (closing what it used) while it went on.
     */
    @Test
    void cleanupWaitsForAHandlerWhoseClientLeft() {
        List<String> log = new CopyOnWriteArrayList<>();
        Asyncio.run(() -> {
            Application app = new Application();
            app.router().addGet("/", r -> {
                Asyncio.sleep(0.2);
                log.add("handler done");
                return Response.text("nobody reads this");
            });
            app.onCleanup(a -> log.add("hook"));
            AppRunner runner = new AppRunner(app).shutdownTimeout(10);
            runner.setup();
            FakeTransport t = connect(runner);
            receive(t, GET);
            spin();
            t.lose(new IOException("Connection reset by peer"));
            assertEquals(1, runner.connectionCount(), "its handler still runs");
            runner.cleanup();
            assertEquals(List.of("handler done", "hook"), log);
            assertEquals(0, runner.connectionCount());
            return null;
        });
    }

    /**
     * A site started on a runner already cleaned up was refused only after it had bound its port: the error said
     * "cleaned up", and the port stayed open, accepting connections nobody answers.
     */
    @Test
    void aSiteRefusedAfterCleanupDoesNotListen() {
        Asyncio.run(() -> {
            AppRunner runner = new AppRunner(new Application());
            runner.setup();
            runner.cleanup();
            TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
            IllegalStateException e = assertThrows(IllegalStateException.class, site::start);
            assertTrue(e.getMessage().contains("cleaned up"), e.getMessage());
            assertEquals(-1, site.port(), "bound although refused");
            return null;
        });
    }

    // ---------------------------------------------------------------- parser framing

    private static List<Request> parseAll(String input) {
        RequestParser p = new RequestParser(1024, null);
        p.feed(ByteBuffer.wrap(input.getBytes(ISO_8859_1)));
        List<Request> out = new ArrayList<>();
        for (Request r; (r = p.next()) != null; ) out.add(r);
        return out;
    }

    /**
     * RFC 9112 section 2.2: a recipient MUST treat a bare CR as invalid (or as SP). The head refused one, but the
     * lines of a chunked body did not: a chunk extension or a trailer field holding a bare CR was accepted, where a
     * front end taking a bare CR for a line end would end the message somewhere else (request smuggling).
     */
    @Test
    void aBareCrInAChunkLineOrTrailerIs400() {
        String head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (String body : List.of("5;e\rx\r\nhello\r\n0\r\n\r\n", "0;e=\"a\rb\"\r\n\r\n",
                "0\r\nX: a\rb\r\n\r\n", "0\r\nX\r\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")) {
            HttpError e = assertThrows(HttpError.class, () -> parseAll(head + body), () -> "accepted: " + body);
            assertEquals(400, e.status());
        }
        assertEquals("hello", new String(parseAll(head + "5;e=x\r\nhello\r\n0\r\nX: a\tb\r\n\r\n").get(0).body(),
                ISO_8859_1), "extensions and trailers without a bare CR are still fine");
    }

    /** MAX_FIELDS counted the empty line ending the trailers as a field: 100 trailer fields were refused. */
    @Test
    void hundredTrailerFieldsAreAccepted() {
        String head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
        assertEquals(1, parseAll(head + "T: v\r\n".repeat(RequestParser.MAX_FIELDS) + "\r\n").size());
        HttpError e = assertThrows(HttpError.class,
                () -> parseAll(head + "T: v\r\n".repeat(RequestParser.MAX_FIELDS + 1) + "\r\n"));
        assertEquals(431, e.status());
    }

    // ---------------------------------------------------------------- parser memory

    /**
     * The parser allocated the whole declared Content-Length when the head arrived: a client sending three header
     * lines made the server reserve clientMaxSize bytes (1 MiB by default, any int if configured) per connection
     * before a byte of body came.
     */
    @Test
    void aDeclaredBodyIsNotReservedBeforeItArrives() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RequestParser p = new RequestParser(512L << 20, null);
        long before = mx.getCurrentThreadAllocatedBytes();
        p.feed(ByteBuffer.wrap("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 400000000\r\n\r\n0123".getBytes(ISO_8859_1)));
        assertNull(p.next());
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 8 << 20, "allocated " + allocated + " bytes for a 4-byte start of body");

        // and a body fed in uneven pieces still comes out exact
        byte[] body = new byte[300_001];
        for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 7);
        RequestParser q = new RequestParser(1 << 20, null);
        q.feed(ByteBuffer.wrap(("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(ISO_8859_1)));
        List<Request> got = new ArrayList<>();
        for (int i = 0, n = 1; i < body.length; i += n, n = n * 3 % 9000 + 1) {
            q.feed(ByteBuffer.wrap(body, i, Math.min(n, body.length - i)));
            for (Request r; (r = q.next()) != null; ) got.add(r);
        }
        assertEquals(1, got.size());
        assertArrayEquals(body, got.get(0).body());
    }
}
