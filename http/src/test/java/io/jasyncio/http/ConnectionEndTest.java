package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a connection ends, seen from a raw socket: the lingering close after an answer the client may still be
 * sending to (aiohttp's {@code lingering_time}, nginx's {@code lingering_close}), a client's half-close, and what
 * happens to a handler whose client goes away (aiohttp's {@code handler_cancellation}).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConnectionEndTest {
    /** Larger than loopback's socket buffers on both sides, smaller than {@link LingeringClose#MAX_BYTES}. */
    static final int UPLOAD = 32 << 20;

    static Application refusingUploads() {
        Application app = new Application();
        app.router().addPost("/up", r -> Response.text(413, "413: too large, and not read"));
        app.router().addGet("/", r -> Response.text("ok"));
        return app;
    }

    /** Waits (polling the loop) until the runner holds no connection. */
    static void awaitNoConnection(Served s) throws Exception {
        while (s.onLoop(() -> s.runner.connectionCount()) > 0) Thread.sleep(20);
    }

    // ---------------------------------------------------------------- lingering close

    /**
     * A client sends a 32 MiB upload whole before it reads: its handler answered 413 at once without reading it.
     * Closing with the body unread made the kernel reset the connection, and the client saw a reset (its write
     * failing, or its read) instead of the 413; lingering reads and drops the rest, and the client reads its 413.
     */
    @Test
    void aClientStillSendingItsBodyReadsTheAnswerInsteadOfAReset() throws Exception {
        try (Served s = Served.start(refusingUploads()); RawClient c = new RawClient(s.port)) {
            c.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + UPLOAD + "\r\n\r\n");
            c.send(new byte[UPLOAD]); // blocks until the server has read most of it
            RawClient.Reply r = c.read();
            assertEquals(413, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByServer(), "then the end of the stream");
            awaitNoConnection(s);
            assertEquals(List.of(), s.errors);
        }
    }

    /** A request the parser refuses (a declared body over clientMaxSize): the same, its 413 read whole. */
    @Test
    void aBodyOverClientMaxSizeIsRefusedWithoutAReset() throws Exception {
        Application app = new Application(1024);
        app.router().addPost("/up", r -> Response.text("len " + r.body().length));
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            c.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + UPLOAD + "\r\n\r\n");
            c.send(new byte[UPLOAD]);
            assertEquals(413, c.read().status());
            assertTrue(c.closedByServer());
        }
    }

    /** A hostile client that keeps sending after its answer: read and dropped only up to the bounds, then closed. */
    @Test
    void lingeringEndsAtItsBoundsWhateverTheClientDoes() throws Exception {
        try (Served s = Served.start(refusingUploads(), r -> r.lingeringTime(1))) {
            // at full speed, without end: the byte bound (64 MiB) or the time ends it
            try (RawClient c = new RawClient(s.port)) {
                c.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n");
                OutputStream out = c.socket.getOutputStream();
                byte[] chunk = new byte[1 << 20];
                assertThrows(IOException.class, () -> {
                    for (long sent = 0; sent < 1L << 40; sent += chunk.length) out.write(chunk);
                }, "the server stops reading and closes");
                awaitNoConnection(s);
            }
            // a byte now and then, never a pause of 5 s: lingeringTime (1 s here) ends it
            try (RawClient c = new RawClient(s.port)) {
                c.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nx");
                assertEquals(413, c.read().status());
                assertThrows(IOException.class, () -> {
                    for (int i = 0; i < 100_000; i++) {
                        c.send("y");
                        Thread.sleep(50);
                    }
                }, "closed after lingeringTime");
                awaitNoConnection(s);
            }
            assertEquals(List.of(), s.errors);
        }
    }

    // ---------------------------------------------------------------- half-close

    /**
     * A client that shuts its sending side after whole requests (`shutdown(SHUT_WR)`, as `nc -N` does) gets every
     * answer. The transport closed on the end of stream, and the answer of a handler that awaited was dropped.
     */
    @Test
    void aHalfClosedClientStillGetsItsAnswers() throws Exception {
        Application app = new Application();
        app.router().addGet("/slow", r -> {
            Asyncio.sleep(0.2);
            return Response.text("slow " + r.queryParam("n"));
        });
        try (Served s = Served.start(app); RawClient c = new RawClient(s.port)) {
            c.send("GET /slow?n=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /slow?n=2 HTTP/1.1\r\nHost: x\r\n\r\n");
            c.socket.shutdownOutput();
            assertEquals("slow 1", c.read().text());
            assertEquals("slow 2", c.read().text());
            assertTrue(c.closedByServer(), "closed once every request is answered");
            awaitNoConnection(s);
            assertEquals(List.of(), s.errors);
        }
    }

    /** A request cut by the end of stream can never be answered: the connection closes, as before. */
    @Test
    void anEndOfStreamInTheMiddleOfARequestCloses() throws Exception {
        try (Served s = Served.start(refusingUploads()); RawClient c = new RawClient(s.port)) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHo");
            c.socket.shutdownOutput();
            assertEquals("ok", c.read().text());
            assertTrue(c.closedByServer());
            awaitNoConnection(s);
        }
    }

    // ---------------------------------------------------------------- the client goes away

    static Application slowHandler(CompletableFuture<String> outcome) {
        Application app = new Application();
        app.router().addGet("/work", r -> {
            try {
                Asyncio.sleep(0.5);
            } catch (CancelledError e) {
                outcome.complete("cancelled");
                throw e;
            }
            outcome.complete("ran to its end");
            return Response.text("nobody reads this");
        });
        return app;
    }

    /** Default (aiohttp's handler_cancellation=False): the handler finishes, its answer is dropped, no error. */
    @Test
    void byDefaultAHandlerWhoseClientLeftRunsToItsEnd() throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        try (Served s = Served.start(slowHandler(outcome))) {
            try (RawClient c = new RawClient(s.port)) {
                c.send("GET /work HTTP/1.1\r\nHost: x\r\n\r\n");
                Thread.sleep(100); // the handler has started
            }
            assertEquals("ran to its end", outcome.get(10, TimeUnit.SECONDS));
            awaitNoConnection(s);
            assertEquals(List.of(), s.errors);
        }
    }

    /** handlerCancellation(true): the handler is cancelled at its await once the client has gone. */
    @Test
    void withHandlerCancellationAHandlerWhoseClientLeftIsCancelled() throws Exception {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        try (Served s = Served.start(slowHandler(outcome), r -> r.handlerCancellation(true))) {
            try (RawClient c = new RawClient(s.port)) {
                c.send("GET /work HTTP/1.1\r\nHost: x\r\n\r\n");
                Thread.sleep(100);
            }
            assertEquals("cancelled", outcome.get(10, TimeUnit.SECONDS));
            awaitNoConnection(s);
            assertEquals(List.of(), s.errors);
        }
    }
}
