package io.jasyncio.loadtest.engine;

import java.io.IOException;
import static io.jasyncio.loadtest.TestServers.onVirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.loadtest.Plan;
import io.jasyncio.loadtest.TestServers;
import io.jasyncio.loadtest.Workload;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.model.Stage;
import io.jasyncio.loadtest.report.RunResult;
import io.jasyncio.loadtest.report.TextReport;
import io.jasyncio.loadtest.scenario.Scenario;
import io.jasyncio.loadtest.scenario.WeightedScenario;
import io.jasyncio.loadtest.target.HttpTarget;
import io.jasyncio.loadtest.threshold.Threshold;
import io.jasyncio.loadtest.threshold.Verdict;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --loops N} (the load split over N loops, merged) and thresholds with {@code abortOnFail}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoopsAndAbortTest {
    private static String show(RunResult r) {
        return TextReport.render(r, Verdict.of(r, List.of()));
    }

    /** A "Hello, World!" server on a loop of its own thread, for runs whose loops are threads too. */
    private static final class ServerThread implements AutoCloseable {
        final Thread thread;
        final AtomicReference<EventLoop> loop = new AtomicReference<>();
        final AtomicReference<Future<Void>> stop = new AtomicReference<>();
        volatile int port;
        final CountDownLatch up = new CountDownLatch(1);

        ServerThread() throws InterruptedException {
            thread = Thread.ofPlatform().name("test-server").start(() -> Asyncio.run(() -> {
                try (TestServers.Http http = TestServers.Http.hello()) {
                    loop.set(Asyncio.getRunningLoop());
                    stop.set(Asyncio.getRunningLoop().createFuture());
                    port = http.port();
                    up.countDown();
                    Asyncio.await(stop.get());
                }
                return null;
            }));
            assertTrue(up.await(30, TimeUnit.SECONDS), "the server started");
        }

        String url() {
            return "http://127.0.0.1:" + port + "/";
        }

        @Override
        public void close() throws InterruptedException {
            loop.get().callSoonThreadsafe(() -> stop.get().setResult(null));
            thread.join(30_000);
        }
    }

    @Test
    void twoLoopsShareTheConnectionsAndTheirHistogramsAreMerged() throws Exception {
        try (ServerThread s = new ServerThread()) {
            Plan plan = Plan.of(new Workload.Requests(new HttpTarget(s.url(), "GET", List.of(), null), 1),
                    LoadModel.Closed.constant(5, 1)).withLoops(2);
            RunResult r = LoadRun.run(plan);
            assertEquals(2, r.generator().loops(), show(r));
            assertEquals(0, r.errors(), show(r));
            assertTrue(r.ok() > 0, show(r));
            // every request is in the one merged histogram, and counted once per second in the merged timeline
            assertEquals(r.ok(), r.overall().histogram().getTotalCount(), show(r));
            assertEquals(r.ok(), r.timeline().stream().mapToLong(p -> p.ok()).sum(), show(r));
            assertEquals(1, r.steps().size(), show(r));
            // 3 + 2 connections, each with one request outstanding: the loops' peaks add up to 5
            assertEquals(5, r.maxInFlight(), show(r));
        }
    }

    @Test
    void eachLoopsUsersAreNumberedAfterTheEarlierLoops() throws Exception {
        Set<Integer> ids = ConcurrentHashMap.newKeySet();
        Scenario s = new Scenario() {
            @Override
            public void run(io.jasyncio.loadtest.scenario.VirtualUser vu) {
                ids.add(vu.id());
                vu.think(0.05);
            }

            @Override
            public String name() {
                return "ids";
            }
        };
        Plan plan = Plan.of(Workload.Scenarios.of(List.of(new WeightedScenario(s, 1)), null), LoadModel.Closed.constant(5, 0.5))
                .withLoops(3);
        RunResult r = LoadRun.run(plan);
        assertEquals(Set.of(0, 1, 2, 3, 4), ids, show(r));
        assertEquals(3, r.generator().loops());
        assertEquals(0, r.errors(), show(r));
    }

    @Test
    void theRateAndTheStagesAreSplitBetweenTheLoops() {
        Plan plan = Plan.of(new Workload.Requests(new HttpTarget("http://127.0.0.1:1/", "GET", List.of(), null), 1),
                new LoadModel.Open(100, List.of(new Stage(10, 100), new Stage(10, 7)), true, 5, 10)).withLoops(3);
        double rate = 0;
        int conns = 0;
        double last = 0;
        for (int i = 0; i < 3; i++) {
            LoadModel.Open o = (LoadModel.Open) Loops.share(plan, i, 3).model();
            rate += o.rate();
            conns += o.maxConcurrency();
            last += o.stages().get(1).target();
            assertEquals(5 + i, o.seed(), "each loop's Poisson arrivals have a seed of their own");
        }
        assertEquals(100, rate, 1e-9);
        assertEquals(10, conns);
        assertEquals(7, last, 1e-9);
    }

    @Test
    void aLoopWithNothingToRunIsAUsageError() {
        Plan plan = Plan.of(new Workload.Requests(new HttpTarget("http://127.0.0.1:1/", "GET", List.of(), null), 1),
                new LoadModel.Closed(0, List.of(new Stage(5, 2)))).withLoops(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoadRun.checkLoops(plan));
        assertTrue(e.getMessage().contains("loop 3"), e.getMessage());
    }

    /** A server whose handler takes 10 ms (on a virtual clock: the time moves only while the loop waits). */
    private static TestServers.Http tenMillis() throws IOException {
        return new TestServers.Http(app -> app.router().addGet("/", req -> {
            Asyncio.sleep(0.01);
            return io.jasyncio.http.Response.text("Hello, World!");
        }));
    }

    private static RunResult abortable(String... thresholds) {
        List<Threshold> ts = java.util.Arrays.stream(thresholds).map(Threshold::parse).toList();
        return onVirtualClock(() -> {
            try (TestServers.Http http = tenMillis()) {
                return LoadRun.runInLoop(Plan.of(new Workload.Requests(
                        new HttpTarget(http.url("/"), "GET", List.of(), null), 1), LoadModel.Closed.constant(2, 5)), ts);
            }
        });
    }

    @Test
    void anAbortingThresholdThatFailsEndsTheRunAtOnceWithExitOne() {
        Threshold t = Threshold.parse("p99<1ms;abortOnFail");
        RunResult r = abortable(t.text());
        assertNotNull(r.aborted(), show(r));
        assertTrue(r.aborted().contains("p99<1ms"), r.aborted());
        // checked at the end of the first second: 5 s asked, about 1 s run
        assertTrue(r.loadSeconds() < 1.5, show(r));
        Verdict v = Verdict.of(r, List.of(t));
        assertEquals(Verdict.FAILED, v.exitCode());
        assertTrue(v.reasons().contains(r.aborted()), v.reasons().toString());
        String text = TextReport.render(r, v);
        assertTrue(text.contains("\n  " + r.aborted().substring(0, 40)), text);
        assertEquals(List.of(), text.lines().filter(l -> l.length() > 100).toList(), "the text report fits 100 columns");
    }

    @Test
    void delayAbortEvalWaitsThatLongBeforeJudging() {
        RunResult r = abortable("p99<1ms;abortOnFail;delayAbortEval=3s");
        assertNotNull(r.aborted(), show(r));
        assertEquals(3, r.loadSeconds(), 0.5, show(r));
    }

    @Test
    void aThresholdThatPassesOrDoesNotAbortLetsTheRunFinish() {
        RunResult r = abortable("p99<1s;abortOnFail", "p99<1ms");
        assertNull(r.aborted(), show(r));
        assertEquals(5, r.loadSeconds(), 0.05, show(r));
    }

    @Test
    void abortOptionsAreChecked() {
        for (String bad : new String[] {"p99<1ms;abort", "p99<1ms;delayAbortEval=2s", "p99<1ms;abortOnFail;delayAbortEval=soon"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Threshold.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("threshold '" + bad + "'"), e.getMessage());
        }
        Threshold t = Threshold.parse("errors.rate<1%;abortOnFail;delayAbortEval=1m");
        assertTrue(t.abortOnFail());
        assertEquals(60, t.delayAbortSeconds(), 1e-9);
    }
}
