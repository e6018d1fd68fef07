package io.jasyncio.loadtest.target;

import static io.jasyncio.loadtest.TestServers.onVirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.http.Application;
import io.jasyncio.http.Request;
import io.jasyncio.http.Response;
import io.jasyncio.http.ws.WSMessage;
import io.jasyncio.http.ws.WebSocketResponse;
import io.jasyncio.loadtest.Plan;
import io.jasyncio.loadtest.TestServers;
import io.jasyncio.loadtest.Workload;
import io.jasyncio.loadtest.cli.LoadTestCli;
import io.jasyncio.loadtest.engine.LoadRun;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.report.RunResult;
import io.jasyncio.loadtest.report.TextReport;
import io.jasyncio.loadtest.scenario.WeightedScenario;
import io.jasyncio.loadtest.threshold.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WebSocket target ({@code loadtest ws://...}): per-message latency against a WebSocket echo on jasyncio's
 * server, and each failure in its (step, kind) bucket: nothing listening, a refused handshake, the server's
 * close frame, a server that never answers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketTargetTest {
    /** {@code /ws} echoes; {@code /refuse} closes with 1011 instead of answering; {@code /silent} never answers. */
    static void routes(Application app) {
        app.router().addGet("/ws", r -> {
            WebSocketResponse ws = new WebSocketResponse().prepare(r);
            for (WSMessage m : ws) if (m.type() == io.jasyncio.http.ws.WSMsgType.TEXT) ws.sendStr(m.text());
            return ws.response();
        });
        app.router().addGet("/refuse", r -> {
            WebSocketResponse ws = new WebSocketResponse().prepare(r);
            ws.receive();
            ws.close(1011, "overloaded");
            return ws.response();
        });
        app.router().addGet("/silent", WebSocketTargetTest::silent);
    }

    private static Response silent(Request r) throws IOException {
        WebSocketResponse ws = new WebSocketResponse().prepare(r);
        for (WSMessage m : ws) {
            // read and dropped: the client waits for an answer that never comes
        }
        return ws.response();
    }

    private static String show(RunResult r) {
        return TextReport.render(r, Verdict.of(r, List.of()));
    }

    /**
     * {@code users} users against {@code path} of a fresh server for {@code seconds} (virtual), 0.5 s timeout, at
     * most {@code iterations} each (the virtual clock moves only while the loop waits: a bound on the work; and
     * each of its jumps costs a short real wait while the server's sockets are watched).
     */
    private static RunResult run(String path, int users, double seconds, int iterations) {
        return onVirtualClock(() -> {
            try (TestServers.Http http = new TestServers.Http(WebSocketTargetTest::routes)) {
                String url = path.startsWith("ws") ? path : http.url(path).replace("http://", "ws://");
                WebSocketTarget t = new WebSocketTarget(url, "ping");
                return LoadRun.runInLoop(Plan.of(Workload.Scenarios.of(List.of(new WeightedScenario(t, 1)), null)
                        .withIterationsPerUser(iterations), LoadModel.Closed.constant(users, seconds)).withTimeout(0.5));
            }
        });
    }

    @Test
    void eachUserConnectsOnceAndEveryMessageIsTimed() {
        RunResult r = run("/ws", 3, 2, 40);
        assertEquals(0, r.errors(), show(r));
        assertEquals(3, r.step("connect").ok(), "one handshake per user, kept across iterations: " + show(r));
        assertEquals(3 * 40, r.step("message").ok(), show(r));
        assertEquals(r.step("message").ok(), r.overall().ok(), "an iteration per message");
        assertEquals(r.step("message").ok(), r.step("message").histogram().getTotalCount());
    }

    @Test
    void theServersCloseFrameIsCountedAndTheUserReconnects() {
        RunResult r = run("/refuse", 1, 60, 40);
        // each message is answered by a close frame: counted with its code, and the next iteration reconnects
        assertEquals(40, r.step("message").failed("ws_close"), show(r));
        assertEquals(40, r.step("connect").ok(), show(r));
        assertTrue(r.step("message").errors().get("ws_close").firstMessage().contains("1011"), show(r));
    }

    @Test
    void aServerThatNeverAnswersIsATimeoutAndItsConnectionIsDropped() {
        RunResult r = run("/silent", 2, 60, 6);
        long timeouts = r.step("message").failed("timeout");
        assertEquals(2 * 6, timeouts, "every message of 2 users times out: " + show(r));
        assertEquals(0, r.step("message").ok(), show(r));
        assertTrue(r.step("connect").ok() >= timeouts, "a late answer must not be taken for the next: " + show(r));
    }

    @Test
    void aRefusedHandshakeAndNothingListeningAreConnectFailures() {
        RunResult missing = run("/nothing-here", 1, 60, 6);
        assertEquals(6, missing.step("connect").failed("http_4xx"), show(missing));
        assertEquals(missing.errors(), missing.step("connect").failed("http_4xx"), show(missing));
        RunResult refused = run("ws://127.0.0.1:" + TestServers.closedPort() + "/ws", 1, 60, 6);
        assertEquals(6, refused.step("connect").failed("connect_refused"), show(refused));
        assertEquals(refused.errors(), refused.step("connect").failed("connect_refused"), show(refused));
    }

    /** The command line's ws:// form, against a server on a thread of its own (the CLI runs its own loop). */
    @Test
    void theCommandLineTakesAWebSocketUrl(@TempDir Path dir) throws Exception {
        AtomicReference<EventLoop> loop = new AtomicReference<>();
        AtomicReference<Future<Void>> stop = new AtomicReference<>();
        CountDownLatch up = new CountDownLatch(1);
        int[] port = new int[1];
        Thread server = Thread.ofPlatform().start(() -> Asyncio.run(() -> {
            try (TestServers.Http http = new TestServers.Http(WebSocketTargetTest::routes)) {
                loop.set(Asyncio.getRunningLoop());
                stop.set(Asyncio.getRunningLoop().createFuture());
                port[0] = http.port();
                up.countDown();
                Asyncio.await(stop.get());
            }
            return null;
        }));
        assertTrue(up.await(30, TimeUnit.SECONDS));
        try {
            String ws = "ws://127.0.0.1:" + port[0] + "/ws";
            Path json = dir.resolve("ws.json");
            String[] out = new String[2];
            int code = cli(o -> {
                o.url = ws;
                o.connections = 2;
                o.duration = "1s";
                o.body = "hello";
                o.headers = List.of("X-Test: 1");
                o.json = json;
            }, out);
            assertEquals(0, code, out[0] + out[1]);
            String j = Files.readString(json);
            assertTrue(j.contains("\"message\"") && j.contains("\"connect\""), j);
            assertTrue(out[0].contains("message"), out[0]);
            for (Consumer<LoadTestCli.Options> bad : List.<Consumer<LoadTestCli.Options>>of(
                    o -> { o.url = ws; o.method = "POST"; },
                    o -> { o.url = ws; o.pipeline = 4; },
                    o -> { o.url = ws.replace("ws:", "wss:"); o.insecure = true; },
                    o -> { o.url = "ws:///nohost"; },
                    o -> { o.url = ws; o.headers = List.of("no colon"); })) {
                assertEquals(Verdict.USAGE, cli(bad, out), out[0] + out[1]);
                assertTrue(out[1].startsWith("loadtest: ") && out[1].lines().count() == 1, out[1]);
            }
        } finally {
            loop.get().callSoonThreadsafe(() -> stop.get().setResult(null));
            server.join(30_000);
        }
    }

    private static int cli(Consumer<LoadTestCli.Options> set, String[] outErr) {
        LoadTestCli.Options o = new LoadTestCli.Options();
        o.progress = false;
        set.accept(o);
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = LoadTestCli.run(o, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        outErr[0] = out.toString(StandardCharsets.UTF_8);
        outErr[1] = err.toString(StandardCharsets.UTF_8);
        return code;
    }
}
