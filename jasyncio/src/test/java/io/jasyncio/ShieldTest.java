package io.jasyncio;

import static io.jasyncio.CompositionSupport.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShieldTest {
    private EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = EventLoop.withVirtualClock();
    }

    @AfterEach
    void tearDown() {
        Asyncio.setEventLoop(null);
        loop.close();
    }

    // ports test_tasks.py::BaseTaskTests::test_yield_wait_does_not_shield_cancel
    @Test
    void waitDoesNotShieldTheCaller() {
        // Cancelling outer() makes wait() return early, leaves inner() running.
        int[] proof = {0};
        Future<Object> waiter = loop.createFuture();
        Task<Object> f = loop.createTask(() -> {
            Asyncio.wait(List.of(Asyncio.createTask(() -> {
                Asyncio.await(waiter);
                proof[0]++;
                return null;
            })));
            proof[0] += 100;
            return null;
        });
        runBriefly(loop);
        f.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(f));
        waiter.setResult(null);
        runLoop(loop);
        assertEquals(1, proof[0]);
    }

    // ports test_tasks.py::BaseTaskTests::test_shield_result
    @Test
    void result() {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = Asyncio.shield(inner);
        inner.setResult(42);
        assertEquals(42, loop.runUntilComplete(outer));
    }

    // ports test_tasks.py::BaseTaskTests::test_shield_exception
    @Test
    void exception() {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = Asyncio.shield(inner);
        runBriefly(loop);
        IllegalStateException exc = new IllegalStateException("expected");
        inner.setException(exc);
        runBriefly(loop);
        assertSame(exc, outer.exception());
    }

    // ports test_tasks.py::BaseTaskTests::test_shield_cancel_inner
    @Test
    void cancelInner() {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = Asyncio.shield(inner);
        runBriefly(loop);
        inner.cancel();
        runBriefly(loop);
        assertTrue(outer.cancelled());
    }

    // ports test_tasks.py::BaseTaskTests::test_shield_cancel_outer
    @Test
    void cancelOuter() {
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = Asyncio.shield(inner);
        runBriefly(loop);
        outer.cancel();
        runBriefly(loop);
        assertTrue(outer.cancelled());
        assertFalse(inner.done());
        // the inner callback was removed: finishing inner now schedules nothing that touches outer
        inner.setResult(1);
        runBriefly(loop);
        assertTrue(outer.cancelled());
    }

    // ports test_tasks.py::BaseTaskTests::test_shield_shortcut
    @Test
    void shortcut() {
        Future<Integer> fut = loop.createFuture();
        fut.setResult(42);
        assertSame(fut, Asyncio.shield(fut));
        assertEquals(42, loop.runUntilComplete(Asyncio.shield(fut)));
    }

    // ports test_tasks.py::BaseTaskTests::test_shield_effect
    @Test
    void effect() {
        // Cancelling outer() does not affect inner().
        int[] proof = {0};
        Future<Object> waiter = loop.createFuture();
        Task<Object> f = loop.createTask(() -> {
            Asyncio.await(Asyncio.shield(() -> {
                Asyncio.await(waiter);
                proof[0]++;
                return null;
            }));
            proof[0] += 100;
            return null;
        });
        runBriefly(loop);
        f.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(f));
        waiter.setResult(null);
        runLoop(loop);
        assertEquals(1, proof[0]);
    }

    // ports test_tasks.py::BaseTaskTests::test_shield_gather
    @Test
    void shieldOfGather() {
        Future<Integer> child1 = loop.createFuture();
        Future<Integer> child2 = loop.createFuture();
        Future<List<Object>> parent = Asyncio.gather(child1, child2);
        Future<List<Object>> outer = Asyncio.shield(parent);
        runBriefly(loop);
        outer.cancel();
        runBriefly(loop);
        assertTrue(outer.cancelled());
        child1.setResult(1);
        child2.setResult(2);
        runLoop(loop);
        assertEquals(List.of(1, 2), parent.result());
    }

    // ports test_tasks.py::BaseTaskTests::test_gather_shield
    @Test
    void gatherOfShields() {
        Future<Integer> child1 = loop.createFuture();
        Future<Integer> child2 = loop.createFuture();
        Future<Integer> inner1 = Asyncio.shield(child1);
        Future<Integer> inner2 = Asyncio.shield(child2);
        Future<List<Object>> parent = Asyncio.gather(inner1, inner2);
        runBriefly(loop);
        parent.cancel();
        // This cancels inner1 and inner2 but not child1 and child2.
        runLoop(loop);
        assertInstanceOf(CancelledError.class, parent.exception());
        assertTrue(inner1.cancelled());
        assertTrue(inner2.cancelled());
        assertFalse(child1.done());
        child1.setResult(1);
        child2.setResult(2);
        runLoop(loop);
    }

    // ports test_tasks.py::BaseTaskTests::test_shield_coroutine_without_loop
    @Test
    void coroutineWithoutLoop() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Asyncio.shield(() -> 42));
        assertTrue(e.getMessage().contains("no current event loop"), e.getMessage());
    }

    // ports test_tasks.py::BaseTaskTests::test_shield_coroutine_use_running_loop
    @Test
    void coroutineUsesRunningLoop() {
        Future<Integer> outer = loop.runUntilComplete(() -> Asyncio.shield(() -> 42));
        assertSame(loop, outer.getLoop());
        assertEquals(42, loop.runUntilComplete(outer));
    }

    // ports test_tasks.py::BaseTaskTests::test_shield_coroutine_use_global_loop
    @Test
    void coroutineUsesGlobalLoop() {
        Asyncio.setEventLoop(loop);
        Future<Integer> outer = Asyncio.shield(() -> 42);
        assertSame(loop, outer.getLoop());
        assertEquals(42, loop.runUntilComplete(outer));
    }

    // ---- own tests

    @Test
    void innerWorkSurvivesCancellationOfTheAwaitingTask() {
        String r = run(() -> {
            Task<String> inner = Asyncio.createTask(sleeping(2, "done"));
            Task<String> outer = Asyncio.createTask(() -> Asyncio.await(Asyncio.shield(inner)));
            Asyncio.sleep(1);
            outer.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(outer));
            assertFalse(inner.done());
            return Asyncio.await(inner);
        });
        assertEquals("done", r);
    }

    @Test
    void innerExceptionAfterOuterCancelIsMarkedRetrieved() {
        java.util.List<ExceptionContext> reported = new java.util.ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> reported.add(ctx));
        Future<Integer> inner = loop.createFuture();
        Future<Integer> outer = Asyncio.shield(inner);
        runBriefly(loop);
        // inner fails first; outer is cancelled before the callback that would copy the failure runs
        inner.setException(new MyExc("late"));
        outer.cancel();
        runLoop(loop);
        assertTrue(outer.cancelled());
        loop.close();
        assertTrue(reported.isEmpty(), reported::toString);
    }
}
