package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.Future;
import io.jasyncio.Task;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AppRunner#cleanup()}: the responses under way are sent whole, the handlers past the shutdown timeout are
 * cancelled and waited for before the cleanup hooks, a cancelled cleanup still closes everything, a site after
 * cleanup does not listen. Each test shows a defect that it failed on before its fix.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunnerShutdownTest {

    private static void spin() {
        Asyncio.sleep(0.05);
    }

    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    /** Sets {@code runner} up, connects a fake client that sends {@code GET /}, and lets the handler start. */
    private static FakeTransport setUpWithOneGet(AppRunner runner) {
        runner.setup();
        FakeTransport t = FakeTransport.connect(runner);
        t.receive(GET);
        spin();
        return t;
    }

    /** Starts {@code runner.cleanup()} in a task of its own, as a shutdown does, and lets it start. */
    private static Task<Void> startCleanup(AppRunner runner) {
        Task<Void> cleanup = Asyncio.getRunningLoop().createTask(() -> {
            runner.cleanup();
            return null;
        });
        spin();
        return cleanup;
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
            FakeTransport t = setUpWithOneGet(runner);
            Task<Void> cleanup = startCleanup(runner);
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
            FakeTransport t = FakeTransport.connect(runner);
            t.stuck = true;
            t.receive(GET);
            spin();
            assertTrue(t.paused);
            Task<Void> cleanup = startCleanup(runner);
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
            FakeTransport t = setUpWithOneGet(runner);
            Task<Void> cleanup = startCleanup(runner);
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
            FakeTransport t = setUpWithOneGet(runner);
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
            FakeTransport t = setUpWithOneGet(runner);
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
            FakeTransport t = setUpWithOneGet(runner);
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

    @Test
    void aShutdownStartedDuringTheEagerStartOfAHandlerStillLetsItAnswer() throws Exception {
        AtomicReference<AppRunner> runner = new AtomicReference<>();
        Application app = new Application();
        app.router().addGet("/stop", r -> {
            // An eager task runs its first step now, inside this handler's eager start: cleanup() shuts the
            // connections down, and this one is busy answering.
            new Task<Void>(Asyncio.getRunningLoop(), () -> {
                runner.get().cleanup();
                return null;
            }, null, true);
            return Response.text("bye");
        });
        try (Served s = Served.start(app, runner::set); RawClient c = new RawClient(s.port)) {
            c.get("/stop");
            RawClient.Reply r = c.read();
            assertEquals(200, r.status());
            assertEquals("bye", r.text());
            assertEquals("close", r.header("Connection"));
        }
    }
}
