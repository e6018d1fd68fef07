package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
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

    /**
     * A future whose {@code hashCode} waits, once armed, until released: {@link CallGraph} looks an awaiter up in
     * its map of edges added by hand ({@link CallGraph#futureAddToAwaitedBy}), so a capture that reaches this one
     * is held there.
     */
    static final class HeldFuture extends Future<Object> {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean armed;

        HeldFuture(EventLoop loop) {
            super(loop);
        }

        @Override
        public int hashCode() {
            if (armed) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return System.identityHashCode(this);
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }
    }

    @Test
    void aCaptureThatOutlastsTheTimeoutIsWaitedFor() throws Exception {
        // The loop starts the capture at once, and the capture takes longer than the timeout, as 10,000 stacks in
        // a cold JVM on a busy machine did (InspectorTest's flake): that loop is not blocked, and must not be
        // reported as blocked. Before the fix the whole capture had to fit in the timeout.
        Event go = new Event();
        Task<?> t = loop.createTask(() -> waitFor(go), "waiter");
        HeldFuture held = new HeldFuture(loop);
        CallGraph.futureAddToAwaitedBy(t, held);
        long timeoutMillis = 2_000;
        AtomicReference<Object> got = new AtomicReference<>();
        Thread asker = new Thread(() -> {
            try {
                got.set(TaskDump.captureFrom(loop, timeoutMillis));
            } catch (Exception e) {
                got.set(e);
            }
            loop.callSoonThreadsafe(go::set);
        });
        Thread holder = new Thread(() -> {
            try {
                held.entered.await(); // the capture has started, and waits in held.hashCode()
                Thread.sleep(2 * timeoutMillis); // holds it past the timeout: a wait bounded by it gives up meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            held.release.countDown();
        });
        held.armed = true;
        holder.start();
        asker.start();
        loop.runUntilComplete(t);
        asker.join();
        holder.join();
        held.armed = false;
        assertInstanceOf(List.class, got.get(), () -> "the capture was not waited for: " + got.get());
        @SuppressWarnings("unchecked")
        List<TaskDump.Row> rows = (List<TaskDump.Row>) got.get();
        assertTrue(rows.stream().anyMatch(r -> r.name().equals("waiter")), rows.toString());
    }

    @Test
    void aLoopThatDoesNotStartTheCaptureIsReportedAsBlocked() {
        // A callback holds the loop until the asker has given up: decided by events, not by how long anything took.
        AtomicReference<Object> got = new AtomicReference<>();
        CountDownLatch answered = new CountDownLatch(1);
        Thread asker = new Thread(() -> {
            try {
                got.set(TaskDump.captureFrom(loop, 50));
            } catch (Exception e) {
                got.set(e);
            }
            answered.countDown();
        });
        Future<Object> done = new Future<>(loop);
        loop.callSoon(() -> {
            asker.start();
            try {
                answered.await(); // blocks the loop's thread, as a blocking callback would
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.setResult(null);
        });
        loop.runUntilComplete(done);
        assertInstanceOf(TimeoutException.class, got.get());
    }

    private static TaskDump.Row row(List<TaskDump.Row> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }
}
