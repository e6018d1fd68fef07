package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SupervisorGroup, in TaskGroupTest's style: Kotlin's supervisorScope semantics (children fail independently,
 * the group waits for all, failures go to the loop's exception handler), on the virtual clock.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SupervisorGroupTest extends LoopTestBase {

    private static Coroutine<Object> failAfter(double t) {
        return () -> {
            Asyncio.sleep(t);
            throw new IllegalArgumentException("failed after " + t);
        };
    }

    @Test
    void aFailingChildDoesNotCancelItsSiblingsAndIsReported() {
        List<Task<?>> kids = new ArrayList<>();
        Object value = loop.runUntilComplete(loop.createTask(() -> SupervisorGroup.run(g -> {
            kids.add(g.createTask(failAfter(0.1), "fails"));
            kids.add(g.createTask(() -> {
                Asyncio.sleep(1);
                return "done";
            }, "survives"));
            return "block";
        })));
        assertEquals("block", value);
        assertEquals("done", kids.get(1).result());
        assertInstanceOf(IllegalArgumentException.class, kids.get(0).exception());
        assertEquals(1, handled.size());
        assertSame(kids.get(0).exception(), handled.get(0).exception());
        assertSame(kids.get(0), handled.get(0).future());
        assertTrue(handled.get(0).message().contains("failed in a SupervisorGroup"), handled.get(0).message());
    }

    @Test
    void theGroupWaitsForEveryChild() {
        double end = loop.runUntilComplete(loop.createTask(() -> {
            SupervisorGroup.run(g -> {
                g.createTask(failAfter(1));
                g.createTask(() -> Asyncio.sleep(2, 0));
                return null;
            });
            return Asyncio.getRunningLoop().time();
        }));
        assertEquals(2.0, end, 1e-9);
    }

    @Test
    void theBlocksFailureCancelsTheChildrenAndPropagatesAfterThem() {
        List<Task<?>> kids = new ArrayList<>();
        Task<Object> t = loop.createTask(() -> SupervisorGroup.run(g -> {
            kids.add(g.createTask(() -> Asyncio.sleep(10, 0)));
            Asyncio.sleep(0.5);
            throw new ArithmeticException("block");
        }));
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> loop.runUntilComplete(t));
        assertEquals("block", e.getMessage());
        assertTrue(kids.get(0).cancelled());
        assertEquals(0.5, loop.time(), 1e-9, "the group did not wait for the child's sleep");
        assertEquals(List.of(), handled);
    }

    @Test
    void cancellingTheCallingTaskCancelsTheChildren() {
        List<Task<?>> kids = new ArrayList<>();
        Task<Object> t = loop.createTask(() -> SupervisorGroup.run(g -> {
            kids.add(g.createTask(() -> Asyncio.sleep(10, 0)));
            kids.add(g.createTask(() -> Asyncio.sleep(20, 0)));
            return null;
        }));
        loop.callLater(1, () -> t.cancel());
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.cancelled());
        assertTrue(kids.get(0).cancelled() && kids.get(1).cancelled());
        assertEquals(1.0, loop.time(), 1e-9);
    }

    @Test
    void noTaskAfterTheGroupFinishedAndOnlyFromATask() {
        List<SupervisorGroup> kept = new ArrayList<>();
        loop.runUntilComplete(loop.createTask(() -> SupervisorGroup.run(g -> {
            kept.add(g);
            return null;
        })));
        assertThrows(IllegalStateException.class, () -> kept.get(0).createTask(() -> 1));
        List<Throwable> got = new ArrayList<>();
        loop.callSoon(() -> got.add(assertThrows(IllegalStateException.class, () -> SupervisorGroup.run(g -> null))));
        runBriefly();
        assertEquals(1, got.size());
    }

    @Test
    void childrenAreAwaitedByTheCallingTaskInTheCallGraph() {
        Event go = new Event();
        List<Task<?>> kids = new ArrayList<>();
        Task<Object> t = loop.createTask(() -> SupervisorGroup.run(g -> {
            kids.add(g.createTask(() -> {
                go.await();
                return null;
            }, "kid"));
            return null;
        }), "parent");
        runBriefly();
        runBriefly();
        FutureCallGraph graph = CallGraph.captureCallGraph(kids.get(0));
        assertSame(t, graph.awaitedBy().get(0).future());
        go.set();
        loop.runUntilComplete(t);
    }
}
