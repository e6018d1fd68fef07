package io.jasyncio.loadtest;

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

    @Test
    void closedModelAgainstJasyncioHttp() {
        RunResult r = onVirtualClock(() -> {
            try (TestServers.Http http = TestServers.Http.hello()) {
                RunResult res = LoadRun.runInLoop(Plan.of(new Workload.Requests(
                        new HttpTarget(http.url("/"), "GET", List.of(), null), 1), LoadModel.Closed.constant(4, 1)));
                return res;
            }
        });
        System.out.println(show(r));
        assertTrue(r.ok() > 0, show(r));
        assertEquals(0, r.errors(), show(r));
    }

    @Test
    void openModelSendsEveryArrival() {
        RunResult r = onVirtualClock(() -> {
            try (TestServers.Http http = TestServers.Http.hello()) {
                return LoadRun.runInLoop(Plan.of(new Workload.Requests(
                        new HttpTarget(http.url("/"), "GET", List.of(), null), 1), LoadModel.Open.constant(100, 2, 10)));
            }
        });
        System.out.println(show(r));
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
        System.out.println(show(r));
        assertTrue(r.requests() > 0);
        assertEquals(r.requests(), r.step("request").failed("connect_refused"), show(r));
        assertEquals(Verdict.FAILED, Verdict.of(r, List.of()).exitCode());
    }
}
