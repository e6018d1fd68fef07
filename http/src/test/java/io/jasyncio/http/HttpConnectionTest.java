package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HttpConnection}'s state machine: 100 Continue, what goes on the wire, a client going away mid-answer, a
 * handler failing. Driven through {@link FakeTransport} where the order of events must be exact; what a client
 * sees goes over loopback with {@link RawClient}. Each test shows a defect that it failed on before its fix.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpConnectionTest {

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
            FakeTransport t = FakeTransport.connect(runner);
            t.receive("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /b HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
            spin();
            t.receive("hi");
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
            FakeTransport t = FakeTransport.connect(runner);
            t.stuck = true;
            t.receive(GET);
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

    @Test
    void aClientLeavingDuringAStreamIsNoServerError() throws Exception {
        Application app = new Application();
        app.router().addGet("/forever", r -> {
            StreamResponse s = new StreamResponse(200);
            s.prepare(r);
            while (true) {
                s.write(new byte[16 * 1024]); // an IOException once the client has gone
                Asyncio.sleep(0.005);
            }
        });
        try (Served s = Served.start(app)) {
            try (RawClient c = new RawClient(s.port)) {
                c.get("/forever");
                assertEquals(200, c.read(true).status());
            }
            Thread.sleep(500);
            assertEquals(List.of(), s.errors, "an ordinary disconnect is reported as an error");
        }
    }
}
