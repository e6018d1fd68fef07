package io.jasyncio.loadtest;

import java.io.IOException;
import static io.jasyncio.loadtest.TestServers.onVirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.loadtest.engine.LoadRun;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.report.RunResult;
import io.jasyncio.loadtest.report.TextReport;
import io.jasyncio.loadtest.target.HttpTarget;
import io.jasyncio.loadtest.threshold.Verdict;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestDriverTest {
    private static String show(RunResult r) {
        return TextReport.render(r, Verdict.of(r, List.of()));
    }

    /** A server whose handler takes 10 ms (so a virtual clock moves while the loop waits). */
    private static TestServers.Http tenMillis() throws IOException {
        return new TestServers.Http(app -> app.router().addGet("/", req -> {
            Asyncio.sleep(0.01);
            return io.jasyncio.http.Response.text("Hello, World!");
        }));
    }

    @Test
    void closedModelKeepsEachConnectionBusy() {
        RunResult r = onVirtualClock(() -> {
            try (TestServers.Http http = tenMillis()) {
                return LoadRun.runInLoop(Plan.of(new Workload.Requests(
                        new HttpTarget(http.url("/"), "GET", List.of(), null), 1), LoadModel.Closed.constant(4, 1)));
            }
        });
        // 4 connections, 10 ms per answer: about 400 in a second, each taking 10 ms
        assertTrue(r.ok() >= 350 && r.ok() <= 410, show(r));
        assertEquals(0, r.errors(), show(r));
        assertTrue(r.overall().latency().p50() >= 10, show(r));
        assertEquals(4, r.maxInFlight(), show(r));
    }

    @Test
    void aWarmUpIsRunButNotKept() {
        RunResult r = onVirtualClock(() -> {
            try (TestServers.Http http = tenMillis()) {
                return LoadRun.runInLoop(Plan.of(new Workload.Requests(
                        new HttpTarget(http.url("/"), "GET", List.of(), null), 1), LoadModel.Closed.constant(4, 1)).withWarmup(2));
            }
        });
        // 2 s of warm-up, then the measured second: about 400 answers, not 1,200
        assertTrue(r.ok() >= 350 && r.ok() <= 420, show(r));
        assertEquals(1, r.loadSeconds(), 0.05, show(r));
        assertEquals(0, r.timeline().get(0).startSeconds(), 1e-9, show(r));
        assertTrue(r.timeline().size() <= 2, "the warm-up's seconds are not in the timeline: " + r.timeline());
    }

    @Test
    void arrivalsLeftOverFromTheWarmUpAreNotCountedAsSentInTheMeasuredTime() {
        // one connection carries 10 of the 20 arrivals a second: the warm-up leaves a backlog, sent afterwards
        RunResult r = onVirtualClock(() -> {
            try (TestServers.Http http = new TestServers.Http(app -> app.router().addGet("/", req -> {
                Asyncio.sleep(0.1);
                return io.jasyncio.http.Response.text("slow");
            }))) {
                return LoadRun.runInLoop(Plan.of(new Workload.Requests(new HttpTarget(http.url("/"), "GET", List.of(), null), 1),
                        LoadModel.Open.constant(20, 1, 1)).withWarmup(1));
            }
        });
        assertEquals(20, r.intended(), show(r));
        assertTrue(r.sent() < 10, "the measured second carried the warm-up's backlog: " + show(r));
        assertTrue(!r.valid(), show(r));
    }

    @Test
    void rampingStagesChangeTheConnectionsInUse() {
        RunResult r = onVirtualClock(() -> {
            try (TestServers.Http http = tenMillis()) {
                return LoadRun.runInLoop(Plan.of(new Workload.Requests(new HttpTarget(http.url("/"), "GET", List.of(), null), 1),
                        new LoadModel.Closed(1, List.of(new io.jasyncio.loadtest.model.Stage(1, 1),
                                new io.jasyncio.loadtest.model.Stage(0.001, 8), new io.jasyncio.loadtest.model.Stage(1, 8)))));
            }
        });
        var tl = r.timeline();
        assertTrue(tl.get(0).ok() <= 110, "1 connection in the first second: " + tl.get(0));
        assertTrue(tl.get(1).ok() >= 600, "8 connections in the second: " + tl.get(1));
    }

    @Test
    void openModelMeasuresFromTheIntendedTimeWhenConnectionsRunShort() {
        // 2 connections, 100 ms answers, 40 arrivals/s: 20/s can be carried, the rest queue, and their wait counts
        RunResult r = onVirtualClock(() -> {
            try (TestServers.Http http = new TestServers.Http(app -> app.router().addGet("/", req -> {
                Asyncio.sleep(0.1);
                return io.jasyncio.http.Response.text("slow");
            }))) {
                return LoadRun.runInLoop(Plan.of(new Workload.Requests(new HttpTarget(http.url("/"), "GET", List.of(), null), 1),
                        LoadModel.Open.constant(40, 2, 2)));
            }
        });
        assertEquals(80, r.intended(), show(r));
        assertTrue(r.sent() < 50, show(r));
        assertTrue(r.overall().uncorrected().p50() >= 100 && r.overall().uncorrected().p50() < 150, show(r));
        assertTrue(r.overall().latency().max() > 1000, "the queued ones waited over a second: " + show(r));
        assertTrue(!r.valid() && r.invalidReasons().get(0).contains("not delivered"), show(r));
    }

    @Test
    void openModelSendsEveryArrival() {
        RunResult r = onVirtualClock(() -> {
            try (TestServers.Http http = TestServers.Http.hello()) {
                return LoadRun.runInLoop(Plan.of(new Workload.Requests(
                        new HttpTarget(http.url("/"), "GET", List.of(), null), 1), LoadModel.Open.constant(100, 2, 10)));
            }
        });
        assertEquals(200, r.intended(), show(r));
        assertEquals(200, r.sent(), show(r));
        assertEquals(200, r.ok(), show(r));
    }

    @Test
    void refusedConnectionsFailEveryRequest() {
        int port = TestServers.closedPort();
        RunResult r = onVirtualClock(() -> {
            RunResult res = LoadRun.runInLoop(Plan.of(new Workload.Requests(
                    new HttpTarget("http://127.0.0.1:" + port + "/", "GET", List.of(), null), 1), LoadModel.Closed.constant(3, 1)));
            assertEquals(Set.of(Asyncio.currentTask()), Asyncio.allTasks());
            return res;
        });
        assertTrue(r.requests() > 0);
        assertEquals(r.requests(), r.step("request").failed("connect_refused"), show(r));
        assertEquals(Verdict.FAILED, Verdict.of(r, List.of()).exitCode());
    }
}
