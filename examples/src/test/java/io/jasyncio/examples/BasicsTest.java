package io.jasyncio.examples;

import static org.junit.jupiter.api.Assertions.*;

import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BasicsTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final Basics basics = new Basics(new PrintStream(printed, true, StandardCharsets.UTF_8), 1.0);

    private static <T> T virtual(io.jasyncio.Coroutine<T> c) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(c);
        }
    }

    @Test
    void nestedCoroutinesRunInOneTaskInCallOrder() {
        assertEquals(List.of("outer: start", "middle: awaiting inner", "inner: sleeping 0.1 s",
                "middle: inner returned", "outer: got inner-result!"), virtual(basics::coroutinesAwaitingCoroutines));
    }

    @Test
    void callbacksRunSoonThenByDeadline() {
        assertEquals(List.of("callSoon", "callAt(now + 0.1)", "callLater(0.2)"), virtual(basics::callbacks));
    }

    @Test
    void futureGoesFromPendingToFinishedAndRunsItsCallback() {
        // The callback was added before the task started waiting: callbacks run in the order they were added.
        assertEquals(List.of("state: done=false", "done callback: result=ready", "awaited: ready, done=true"),
                virtual(basics::futureLifecycle));
    }

    @Test
    void cancelledTaskCleansUpAndEndsCancelled() {
        assertEquals(List.of("task: sleeping 10 s", "main: cancel()", "task: cancelled, cleaning up",
                "main: task.cancelled()=true"), virtual(basics::taskCancelled));
    }

    @Test
    void seriesTakesThreeSecondsTasksAndGroupsTwo() {
        List<String> log = virtual(basics::seriesVersusTasks);
        assertTrue(log.contains("in series: 3.0 s"), log.toString());
        assertTrue(log.contains("with createTask: 2.0 s"), log.toString());
        assertTrue(log.contains("with a TaskGroup: 2.0 s"), log.toString());
    }

    @Test
    void anotherTaskCompletesTheFuture() {
        assertEquals(List.of("main: awaiting the future", "setter: setResult(\"... world\")", "main: got ... world"),
                virtual(basics::futureCompletedByTask));
    }

    @Test
    void executorWorkLeavesTheLoopRunning() {
        List<String> log = virtual(basics::executorAndToThread);
        assertEquals("runInExecutor: runInExecutor ran on asyncio-N", log.get(0));
        assertEquals("the loop kept running meanwhile: true", log.get(1));
        assertEquals("toThread: toThread ran on asyncio-N", log.get(2));
    }

    @Test
    void gatherKeepsOrderWaitReturnsFirstAsCompletedYieldsByCompletion() {
        assertEquals(List.of("gather[0]: 1", "gather[1]: exception task failed", "gather[2]: 1",
                "wait(FIRST_COMPLETED): done=1 pending=2", "asCompleted: fast", "asCompleted: medium",
                "asCompleted: slow"), virtual(basics::combinators));
    }

    @Test
    void cpuJobsRunInParallelOnThreads() {
        double[] r = basics.executors(4, 0.2, 4, 300_000L);
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.min(4, cores), (int) r[3], "CPU jobs running at the same moment");
        assertEquals(4, (int) r[4], "blocking jobs on a pool of 4 overlap");
    }
}
