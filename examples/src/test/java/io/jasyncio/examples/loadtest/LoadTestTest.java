package io.jasyncio.examples.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.Coroutine;
import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.net.Server;
import io.jasyncio.net.Streams;
import io.jasyncio.examples.loadtest.LoadTest.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadTestTest {
    /** Service and users share one virtual-clock loop: loopback bytes are there at once, sleeps cost nothing. */
    private static <T> T onVirtualClock(Coroutine<T> main) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(main);
        }
    }

    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());

    /** Every request is counted once: per step and in total, the kinds add up. */
    private static void assertAddsUp(Report r) {
        long byKind = 0;
        for (Outcome o : Outcome.values()) byKind += r.count(o);
        assertEquals(r.requests(), byKind, r.render());
        long bySteps = 0;
        for (Step s : Step.values()) {
            long sum = 0;
            for (Outcome o : Outcome.values()) sum += r.step(s).count(o);
            assertEquals(r.step(s).requests(), sum, r.render());
            bySteps += sum;
        }
        assertEquals(r.requests(), bySteps, r.render());
    }

    /** Nothing of the run is left: no task but the caller, no connection on the service's side. */
    private static void assertNothingLeft() {
        assertEquals(Set.of(Asyncio.currentTask()), Asyncio.allTasks(), "tasks left running");
    }

    @Test
    void withEnoughWorkersEveryRequestSucceeds() {
        Options o = Options.defaults().withUsers(5).withRounds(4).withService(5, 1, 0.05);
        Report r = onVirtualClock(() -> {
            Report report = LoadTest.runInLoop(o, QUIET);
            assertNothingLeft();
            return report;
        });
        assertAddsUp(r);
        assertEquals(5, r.step(Step.CONNECT).count(Outcome.OK));
        assertEquals(20, r.step(Step.QUERY).count(Outcome.OK));
        assertEquals(20, r.step(Step.RUN_SINGLE_TASK).count(Outcome.OK));
        assertEquals(45, r.requests());
        assertEquals(r.requests(), r.count(Outcome.OK));
        // each task works 0.05 s with a free slot: four rounds take at least 0.2 s
        assertTrue(r.step(Step.RUN_SINGLE_TASK).p50() >= 0.05, r.render());
        assertTrue(r.elapsedSeconds() >= 0.2, r.render());
    }

    @Test
    void withFewWorkersAndAShortInputTimeoutTheServiceTimesOutWaitingForInput() {
        // One slot, held 1 s by whoever gets it first; the other two give up waiting after 0.1 s.
        Options o = Options.defaults().withUsers(3).withRounds(1).withService(1, 0.1, 1.0);
        Report r = onVirtualClock(() -> LoadTest.runInLoop(o, QUIET));
        assertAddsUp(r);
        assertEquals(3, r.step(Step.QUERY).count(Outcome.OK));
        assertEquals(1, r.step(Step.RUN_SINGLE_TASK).count(Outcome.OK));
        assertEquals(2, r.step(Step.RUN_SINGLE_TASK).count(Outcome.INPUT_TIMEOUT));
        assertEquals(2, r.count(Outcome.INPUT_TIMEOUT));
        assertEquals("Timeout waiting for input for _run_single_task", r.firstErrors().get(Outcome.INPUT_TIMEOUT));
        assertTrue(r.render().contains("failed: service: Timeout waiting for input for _run_single_task"), r.render());
    }

    @Test
    void theServiceCountsWhatItServedAndTheUsersCloseTheirConnections() {
        onVirtualClock(() -> {
            try (WorkflowService service = WorkflowService.start(0, 1, 0.1, 1.0)) {
                Report r = LoadTest.runInLoop(Options.defaults().withUsers(3).withRounds(1)
                        .withTarget("127.0.0.1", service.port()), QUIET);
                assertEquals(1, service.completedTasks());
                assertEquals(2, service.inputTimeouts());
                assertEquals(r.count(Outcome.INPUT_TIMEOUT), service.inputTimeouts());
                // the users closed their connections: the service sees each hang up and closes its side
                for (int turn = 0; turn < 100 && service.activeConnections() > 0; turn++) Asyncio.sleep(0.001);
                assertEquals(0, service.activeConnections(), "connections the users left open");
                service.close();
                service.waitClosed();
                assertEquals(0, service.activeConnections());
            }
            assertNothingLeft();
            return null;
        });
    }

    @Test
    void aStepOverTheClientTimeoutIsCountedAsAClientTimeout() {
        // Tasks work 2 s; the users wait 0.5 s per step, give up, reconnect for the next round.
        Options o = Options.defaults().withUsers(2).withRounds(2).withStepTimeout(0.5).withService(2, 10, 2.0);
        Report r = onVirtualClock(() -> {
            Report report = LoadTest.runInLoop(o, QUIET);
            assertNothingLeft();
            return report;
        });
        assertAddsUp(r);
        assertEquals(4, r.step(Step.CONNECT).count(Outcome.OK), "a user reconnects after a timeout");
        assertEquals(4, r.step(Step.QUERY).count(Outcome.OK));
        assertEquals(4, r.step(Step.RUN_SINGLE_TASK).count(Outcome.CLIENT_TIMEOUT));
        assertEquals(12, r.requests());
        assertEquals("run_single_task took more than 0.5 s", r.firstErrors().get(Outcome.CLIENT_TIMEOUT));
    }

    @Test
    void aRefusedConnectionIsCountedAsSuch() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // nothing listens there once closed
        }
        Options o = Options.defaults().withUsers(3).withRounds(2).withTarget("127.0.0.1", port);
        Report r = onVirtualClock(() -> LoadTest.runInLoop(o, QUIET));
        assertAddsUp(r);
        assertEquals(6, r.requests());
        assertEquals(6, r.step(Step.CONNECT).count(Outcome.CONNECTION_REFUSED));
        assertEquals(0, r.step(Step.QUERY).requests());
    }

    /** A fake service on the test's loop that answers each line with {@code reply} (null: hangs up instead). */
    private static Server fake(String reply) {
        return Streams.startServer((in, out) -> {
            try {
                while (in.readline().length > 0) {
                    if (reply == null) break;
                    out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                    out.drain();
                }
            } finally {
                out.close();
            }
        }, "127.0.0.1", 0);
    }

    private static Report against(Server server, int users, int rounds) {
        try (server) {
            return LoadTest.runInLoop(Options.defaults().withUsers(users).withRounds(rounds)
                    .withTarget("127.0.0.1", server.getSockets().get(0).socket().getLocalPort()), QUIET);
        }
    }

    @Test
    void aMalformedReplyIsCountedAsSuch() {
        Report r = onVirtualClock(() -> against(fake("HELLO there"), 2, 3));
        assertAddsUp(r);
        assertEquals(6, r.step(Step.CONNECT).count(Outcome.OK), "a user reconnects after a malformed reply");
        assertEquals(6, r.step(Step.QUERY).count(Outcome.MALFORMED_REPLY));
        assertEquals("'query' got the reply 'HELLO there', neither 'OK ...' nor 'ERR ...'",
                r.firstErrors().get(Outcome.MALFORMED_REPLY));
    }

    @Test
    void aRunReplyForAnotherWorkflowIsMalformedAndOtherServiceErrorsAreTheirOwnKind() {
        Report r = onVirtualClock(() -> against(fake("OK"), 1, 1));
        assertEquals(1, r.step(Step.QUERY).count(Outcome.MALFORMED_REPLY));
        assertEquals("a query reply with no workflow", r.firstErrors().get(Outcome.MALFORMED_REPLY));
        r = onVirtualClock(() -> against(fake("ERR the database is down"), 1, 2));
        assertAddsUp(r);
        assertEquals(2, r.step(Step.QUERY).count(Outcome.SERVICE_ERROR));
        assertEquals(1, r.step(Step.CONNECT).count(Outcome.OK), "an error reply leaves the connection usable");
        assertEquals("the database is down", r.firstErrors().get(Outcome.SERVICE_ERROR));
    }

    @Test
    void aConnectionClosedBeforeTheReplyIsCountedAsLost() {
        Report r = onVirtualClock(() -> against(fake(null), 2, 2));
        assertAddsUp(r);
        assertEquals(4, r.step(Step.QUERY).count(Outcome.CONNECTION_LOST));
        assertEquals(4, r.step(Step.CONNECT).count(Outcome.OK));
    }

    @Test
    void theDurationBoundsARunOfManyRounds() {
        Options o = Options.defaults().withUsers(2).withRounds(1_000_000).withDuration(1).withService(2, 1, 0.125);
        Report r = onVirtualClock(() -> LoadTest.runInLoop(o, QUIET));
        assertAddsUp(r);
        long runs = r.step(Step.RUN_SINGLE_TASK).count(Outcome.OK);
        // 0.125 s a round: 8 rounds per user in 1 s (9 if real time nudged the clock below a round boundary)
        assertTrue(runs >= 16 && runs <= 18, r.render());
        assertTrue(r.elapsedSeconds() < 1 + 3 * o.stepTimeoutSeconds(), r.render());
    }

    @Test
    void optionsAreCheckedAndOnlyLoopbackIsDriven() {
        assertEquals("users must be 1 to 10000, got 0",
                assertThrows(IllegalArgumentException.class, () -> Options.defaults().withUsers(0)).getMessage());
        assertEquals("rounds must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> Options.defaults().withRounds(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Options.defaults().withStepTimeout(0));
        assertThrows(IllegalArgumentException.class, () -> Options.defaults().withDuration(-1));
        var e = assertThrows(IllegalArgumentException.class, () -> onVirtualClock(
                () -> LoadTest.runInLoop(Options.defaults().withTarget("192.0.2.1", 80), QUIET)));
        assertEquals("the load test drives loopback services only (127.0.0.1, ::1, localhost), not '192.0.2.1'",
                e.getMessage());
    }

    @Test
    void theBlockingRunPrintsItsSetUpAndTheReport() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Report r = LoadTest.run(Options.defaults().withUsers(4).withRounds(2).withService(4, 5, 0.01),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertAddsUp(r);
        assertEquals(20, r.count(Outcome.OK));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(0).startsWith("load test: 4 users x 2 rounds against an in-process workflow service on "
                + "127.0.0.1:"), lines.get(0));
        assertTrue(lines.get(1).startsWith("4 users against 127.0.0.1:"), lines.get(1));
        assertTrue(lines.get(1).contains(": 20 requests in "), lines.get(1));
        assertTrue(lines.get(3).startsWith("connect                 4        4        0"), lines.get(3));
        assertEquals(6, lines.size(), lines.toString()); // set-up, summary, header, three steps; no failures
    }
}
