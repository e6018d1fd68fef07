package io.jasyncio.loadtest.workflow;

import static io.jasyncio.loadtest.TestServers.onVirtualClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.loadtest.Plan;
import io.jasyncio.loadtest.Workload;
import io.jasyncio.loadtest.engine.LoadRun;
import io.jasyncio.loadtest.model.LoadModel;
import io.jasyncio.loadtest.report.RunResult;
import io.jasyncio.loadtest.report.TextReport;
import io.jasyncio.loadtest.scenario.WeightedScenario;
import io.jasyncio.loadtest.threshold.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** G6: the seed's workflow under injected faults; every fault must land in its (step, kind) bucket. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkflowFaultTest {
    record Run(RunResult result, Map<String, Long> injected, long organicInputTimeouts, long completed) {}

    private static Run run(Faults faults, int users, long iterations, int workers, double inputTimeout) {
        return onVirtualClock(() -> {
            WorkflowService.quietInjectedFaults(Asyncio.getRunningLoop());
            try (WorkflowService s = WorkflowService.start(0, workers, inputTimeout, 0.01, faults)) {
                Workload.Scenarios w = Workload.Scenarios.of(List.of(new WeightedScenario(new WorkflowScenario(2, 5, 3, 0), 1)),
                        s.url()).withIterationsPerUser(iterations);
                RunResult r = LoadRun.runInLoop(Plan.of(w, LoadModel.Closed.constant(users, 3600)));
                Run out = new Run(r, s.injected(), s.inputTimeouts(), s.completedTasks());
                s.close();
                assertEquals(Set.of(Asyncio.currentTask()), Asyncio.allTasks(), "tasks left running");
                return out;
            }
        });
    }

    private static String show(RunResult r) {
        return TextReport.render(r, Verdict.of(r, List.of()));
    }

    @Test
    void everyInjectedFaultLandsInItsStepAndKind() {
        Run run = run(new Faults(0.05, 0.05, 0.05, 0.05, 0.05, 10, 7), 20, 25, 1000, 1);
        RunResult r = run.result();
        String shown = show(r) + "\ninjected: " + run.injected();
        for (String fault : List.of("reset", "serverError", "inputTimeout", "deadWorker", "slow")) {
            assertTrue(run.injected().getOrDefault(fault, 0L) > 0, "no " + fault + " was injected: " + shown);
        }
        assertEquals(0, run.organicInputTimeouts(), "enough workers: no organic input timeout; " + shown);
        // query: the reset mid-answer
        assertEquals(run.injected().get("reset"), r.step("query").failed("reset"), shown);
        assertEquals(run.injected().get("reset"), r.step("query").failed(), shown);
        // run_single_task: 503 and the seed's error in a 200 body
        assertEquals(run.injected().get("serverError"), r.step("run_single_task").failed("http_5xx"), shown);
        assertEquals(run.injected().get("inputTimeout"), r.step("run_single_task").failed(WorkflowScenario.INPUT_TIMEOUT), shown);
        assertEquals(run.injected().get("serverError") + run.injected().get("inputTimeout"),
                r.step("run_single_task").failed(), shown);
        // start_task: the dead worker's refused connection, and the slow task the client gave up on
        assertEquals(run.injected().get("deadWorker"), r.step("start_task").failed("connect_refused"), shown);
        assertEquals(run.injected().get("slow"), r.step("start_task").failed("timeout"), shown);
        assertEquals(run.injected().get("deadWorker") + run.injected().get("slow"), r.step("start_task").failed(), shown);
        // every iteration counted once; the ones without a fault completed a task
        long faults = run.injected().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(500, r.overall().requests(), shown);
        assertEquals(faults, r.overall().failed(), shown);
        // (a slow task the client gave up on may still finish on the server before the service closes)
        assertTrue(run.completed() >= 500 - faults && run.completed() <= 500 - faults + run.injected().get("slow"), shown);
        assertEquals(r.overall().ok(), r.step("start_task").ok(), shown);
    }

    @Test
    void withFewWorkersTheServiceTimesOutWaitingForInput() {
        // One slot, its task working 0.01 s at a time, 0.001 s of patience: most users find no slot in time.
        Run run = run(Faults.NONE, 10, 3, 1, 0.001);
        RunResult r = run.result();
        assertTrue(run.organicInputTimeouts() > 0, show(r));
        assertEquals(run.organicInputTimeouts(), r.step("run_single_task").failed(WorkflowScenario.INPUT_TIMEOUT), show(r));
        assertEquals("Timeout waiting for input for _run_single_task",
                r.step("run_single_task").errors().get(WorkflowScenario.INPUT_TIMEOUT).firstMessage());
        assertEquals(30, r.overall().requests());
    }

    @Test
    void theDemoPrintsItsSetUpAndTheReport() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Verdict v = WorkflowDemo.run(new WorkflowDemo.Options(4, 2, 30, 4, 5, 0.01, Faults.NONE),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(Verdict.PASS, v.exitCode(), out);
        assertTrue(out.startsWith("load test: 4 users x 2 iterations of query -> run_single_task -> start_task"), out);
        assertTrue(out.contains("\nquery                       8          8         0"), out);
        assertTrue(out.contains("\nstart_task                  8          8         0"), out);
        assertTrue(out.contains("result: PASS"), out);
    }
}
