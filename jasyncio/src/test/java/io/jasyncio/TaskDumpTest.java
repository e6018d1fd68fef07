package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rows of {@code jasyncio ps}: tasks, states, frames and task-to-task awaiters, in-process. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskDumpTest extends LoopTestBase {

    static Object waitFor(Event e) {
        e.await();
        return null;
    }

    @Test
    void rowsNameTasksStatesFramesAndAwaitersThroughGather() {
        Event go = new Event();
        List<Task<?>> kids = new ArrayList<>();
        Task<?> main = loop.createTask(() -> {
            kids.add(Asyncio.createTask(() -> waitFor(go), "kid-a"));
            kids.add(Asyncio.createTask(() -> Asyncio.await(Asyncio.createTask(() -> waitFor(go), "grandkid")), "kid-b"));
            return Asyncio.await(Asyncio.gather(kids.get(0), kids.get(1)));
        }, "main");
        runBriefly();
        runBriefly();
        runBriefly();
        List<TaskDump.Row> rows = loop.runUntilComplete(() -> TaskDump.capture(loop));
        TaskDump.Row m = row(rows, "main"), a = row(rows, "kid-a"), b = row(rows, "kid-b"), g = row(rows, "grandkid");
        assertEquals(List.of(m.id()), a.awaitedBy(), "through the gather future");
        assertEquals(List.of(m.id()), b.awaitedBy());
        assertEquals(List.of(b.id()), g.awaitedBy());
        assertEquals(List.of(), m.awaitedBy());
        assertEquals("parked", a.state(), "waits in Event's queue");
        assertEquals("awaiting", b.state(), "awaits a task");
        assertTrue(a.frames().get(0).startsWith("Event.await (Event.java:"), a.frames().toString());
        assertTrue(a.frames().get(1).startsWith("TaskDumpTest.waitFor (TaskDumpTest.java:"), a.frames().toString());
        assertEquals(List.of("main", "kid-a", "kid-b", "grandkid"), rows.stream().map(TaskDump.Row::name)
                .filter(n -> !n.startsWith("Task-")).toList(), "oldest first");
        go.set();
        loop.runUntilComplete(main);
    }

    @Test
    void captureFromAnotherThreadRunsOnTheLoop() throws Exception {
        Event go = new Event();
        Task<?> t = loop.createTask(() -> waitFor(go), "waiter");
        List<List<TaskDump.Row>> got = new ArrayList<>();
        Thread other = new Thread(() -> {
            try {
                got.add(TaskDump.captureFrom(loop, 30_000));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            loop.callSoonThreadsafe(go::set);
        });
        other.start();
        loop.runUntilComplete(t);
        other.join();
        assertEquals("waiter", got.get(0).stream().filter(r -> r.name().equals("waiter")).findFirst().orElseThrow().name());
    }

    @Test
    void tenThousandParkedTasks() {
        Event go = new Event();
        for (int i = 0; i < 10_000; i++) loop.createTask(() -> waitFor(go), "w" + i);
        runBriefly();
        long t0 = System.nanoTime();
        List<TaskDump.Row> rows = loop.runUntilComplete(() -> TaskDump.capture(loop));
        System.out.println("TaskDumpTest: 10,000 tasks captured in " + (System.nanoTime() - t0) / 1_000_000 + " ms ("
                + loop.engineName() + ")");
        assertEquals(10_000, rows.size() - 1); // and the task running the capture
        go.set();
        runBriefly();
        runBriefly();
    }

    private static TaskDump.Row row(List<TaskDump.Row> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }
}
