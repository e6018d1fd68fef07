package io.jasyncio;

import static io.jasyncio.CompositionSupport.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ports of test_tasks.py's FutureGatherTests and CoroutineGatherTests (GatherTestsBase runs under both). */
class GatherTest {
    private EventLoop oneLoop;
    private EventLoop otherLoop;

    @BeforeEach
    void setUp() {
        oneLoop = EventLoop.withVirtualClock();
        otherLoop = EventLoop.withVirtualClock();
        Asyncio.setEventLoop(oneLoop);
    }

    @AfterEach
    void tearDown() {
        Asyncio.setEventLoop(null);
        oneLoop.close();
        otherLoop.close();
    }

    // ---- GatherTestsBase, with futures (FutureGatherTests) or coroutines awaiting them (CoroutineGatherTests)

    private Future<List<Object>> gatherOf(boolean coroutines, boolean returnExceptions, Future<?>... fs) {
        if (!coroutines) return Asyncio.gather(returnExceptions, fs);
        List<Coroutine<?>> coros = new ArrayList<>();
        for (Future<?> f : fs) coros.add(() -> Asyncio.await(f));
        return oneLoop.runUntilComplete(() -> Asyncio.gather(coros, returnExceptions));
    }

    private List<Future<Object>> futures(int n) {
        List<Future<Object>> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(oneLoop.createFuture());
        return l;
    }

    private void checkSuccess(boolean coroutines, boolean returnExceptions) {
        List<Future<Object>> f = futures(3);
        Future<List<Object>> fut = gatherOf(coroutines, returnExceptions, f.toArray(Future[]::new));
        RecordingCallback cb = new RecordingCallback();
        fut.addDoneCallback(cb);
        f.get(1).setResult(1);
        f.get(0).setResult(2);
        runLoop(oneLoop);
        assertTrue(cb.calls.isEmpty());
        assertFalse(fut.done());
        f.get(2).setResult(3);
        runLoop(oneLoop);
        cb.assertCalledOnceWith(fut);
        assertEquals(List.of(2, 1, 3), fut.result());
    }

    private void checkOneException(boolean coroutines) {
        List<Future<Object>> f = futures(5);
        Future<List<Object>> fut = gatherOf(coroutines, false, f.toArray(Future[]::new));
        RecordingCallback cb = new RecordingCallback();
        fut.addDoneCallback(cb);
        ArithmeticException exc = new ArithmeticException();
        f.get(0).setResult(1);
        f.get(1).setException(exc);
        runLoop(oneLoop);
        assertTrue(fut.done());
        cb.assertCalledOnceWith(fut);
        assertSame(exc, fut.exception());
        // Does nothing
        f.get(2).setResult(3);
        f.get(3).cancel();
        f.get(4).setException(new IllegalStateException());
        f.get(4).exception();
        runLoop(oneLoop);
        assertSame(exc, fut.exception());
    }

    private void checkReturnExceptions(boolean coroutines) {
        List<Future<Object>> f = futures(4);
        Future<List<Object>> fut = gatherOf(coroutines, true, f.toArray(Future[]::new));
        RecordingCallback cb = new RecordingCallback();
        fut.addDoneCallback(cb);
        ArithmeticException exc = new ArithmeticException();
        IllegalStateException exc2 = new IllegalStateException();
        f.get(1).setResult(1);
        f.get(2).setException(exc);
        f.get(0).setResult(3);
        runLoop(oneLoop);
        assertFalse(fut.done());
        f.get(3).setException(exc2);
        runLoop(oneLoop);
        assertTrue(fut.done());
        cb.assertCalledOnceWith(fut);
        assertEquals(Arrays.asList(3, 1, exc, exc2), fut.result());
    }

    // ports test_tasks.py::FutureGatherTests::test_success
    @Test
    void futuresSuccess() {
        checkSuccess(false, false);
    }

    // ports test_tasks.py::CoroutineGatherTests::test_success
    @Test
    void coroutinesSuccess() {
        checkSuccess(true, false);
    }

    // ports test_tasks.py::FutureGatherTests::test_result_exception_success
    @Test
    void futuresResultExceptionSuccess() {
        checkSuccess(false, true);
    }

    // ports test_tasks.py::CoroutineGatherTests::test_result_exception_success
    @Test
    void coroutinesResultExceptionSuccess() {
        checkSuccess(true, true);
    }

    // ports test_tasks.py::FutureGatherTests::test_one_exception
    @Test
    void futuresOneException() {
        checkOneException(false);
    }

    // ports test_tasks.py::CoroutineGatherTests::test_one_exception
    @Test
    void coroutinesOneException() {
        checkOneException(true);
    }

    // ports test_tasks.py::FutureGatherTests::test_return_exceptions
    @Test
    void futuresReturnExceptions() {
        checkReturnExceptions(false);
    }

    // ports test_tasks.py::CoroutineGatherTests::test_return_exceptions
    @Test
    void coroutinesReturnExceptions() {
        checkReturnExceptions(true);
    }

    // ---- FutureGatherTests

    // ports test_tasks.py::FutureGatherTests::test_constructor_empty_sequence_without_loop
    @Test
    void emptyWithoutLoop() {
        Asyncio.setEventLoop(null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Asyncio.gather());
        assertTrue(e.getMessage().contains("no current event loop"), e.getMessage());
    }

    // ports test_tasks.py::FutureGatherTests::test_constructor_empty_sequence_use_running_loop
    @Test
    void emptyUsesRunningLoop() {
        Asyncio.setEventLoop(null);
        Future<List<Object>> fut = oneLoop.runUntilComplete(() -> Asyncio.gather());
        assertSame(oneLoop, fut.getLoop());
        runLoop(oneLoop);
        assertTrue(fut.done());
        assertEquals(List.of(), fut.result());
    }

    // ports test_tasks.py::FutureGatherTests::test_constructor_empty_sequence_use_global_loop
    @Test
    void emptyUsesGlobalLoop() {
        Future<List<Object>> fut = Asyncio.gather();
        assertSame(oneLoop, fut.getLoop());
        runLoop(oneLoop);
        assertTrue(fut.done());
        assertEquals(List.of(), fut.result());
    }

    // ports test_tasks.py::FutureGatherTests::test_constructor_heterogenous_futures
    @Test
    void futuresOfTwoLoopsAreRefused() {
        Future<Object> fut1 = oneLoop.createFuture();
        Future<Object> fut2 = otherLoop.createFuture();
        assertThrows(IllegalArgumentException.class, () -> Asyncio.gather(fut1, fut2));
    }

    // ports test_tasks.py::FutureGatherTests::test_constructor_homogenous_futures
    @Test
    void loopOfTheFutures() {
        Future<?>[] children = {otherLoop.createFuture(), otherLoop.createFuture(), otherLoop.createFuture()};
        Future<List<Object>> fut = Asyncio.gather(children);
        assertSame(otherLoop, fut.getLoop());
        runLoop(otherLoop);
        assertFalse(fut.done());
        fut = Asyncio.gather(children);
        assertSame(otherLoop, fut.getLoop());
        runLoop(otherLoop);
        assertFalse(fut.done());
    }

    // ports test_tasks.py::FutureGatherTests::test_one_cancellation
    @Test
    void oneCancellation() {
        List<Future<Object>> f = futures(5);
        Future<List<Object>> fut = Asyncio.gather(f.toArray(Future[]::new));
        RecordingCallback cb = new RecordingCallback();
        fut.addDoneCallback(cb);
        f.get(0).setResult(1);
        f.get(1).cancel();
        runLoop(oneLoop);
        assertTrue(fut.done());
        cb.assertCalledOnceWith(fut);
        assertFalse(fut.cancelled());
        assertInstanceOf(CancelledError.class, fut.exception());
        // Does nothing
        f.get(2).setResult(3);
        f.get(3).cancel();
        f.get(4).setException(new IllegalStateException());
        f.get(4).exception();
    }

    // ports test_tasks.py::FutureGatherTests::test_result_exception_one_cancellation
    @Test
    void returnExceptionsWithCancellations() {
        List<Future<Object>> f = futures(6);
        Future<List<Object>> fut = Asyncio.gather(true, f.toArray(Future[]::new));
        RecordingCallback cb = new RecordingCallback();
        fut.addDoneCallback(cb);
        f.get(0).setResult(1);
        ArithmeticException zde = new ArithmeticException();
        f.get(1).setException(zde);
        f.get(2).cancel();
        runLoop(oneLoop);
        assertFalse(fut.done());
        f.get(3).setResult(3);
        f.get(4).cancel();
        IllegalStateException rte = new IllegalStateException();
        f.get(5).setException(rte);
        List<Object> res = new ArrayList<>(oneLoop.runUntilComplete(fut));
        assertInstanceOf(CancelledError.class, res.get(2));
        assertInstanceOf(CancelledError.class, res.get(4));
        res.set(2, null);
        res.set(4, null);
        assertEquals(Arrays.asList(1, zde, null, 3, null, rte), res);
        cb.assertCalledOnceWith(fut);
    }

    // ---- CoroutineGatherTests

    // ports test_tasks.py::CoroutineGatherTests::test_constructor_without_loop
    @Test
    void coroutinesWithoutLoop() {
        Asyncio.setEventLoop(null);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Asyncio.gather(() -> "abc", () -> "abc"));
        assertTrue(e.getMessage().contains("no current event loop"), e.getMessage());
    }

    // ports test_tasks.py::CoroutineGatherTests::test_constructor_use_running_loop
    @Test
    void coroutinesUseRunningLoop() {
        Asyncio.setEventLoop(null);
        Future<List<Object>> fut = oneLoop.runUntilComplete(() -> Asyncio.gather(() -> "abc", () -> "abc"));
        assertSame(oneLoop, fut.getLoop());
        assertEquals(List.of("abc", "abc"), oneLoop.runUntilComplete(fut));
    }

    // ports test_tasks.py::CoroutineGatherTests::test_constructor_use_global_loop
    @Test
    void coroutinesUseGlobalLoop() {
        Asyncio.setEventLoop(otherLoop);
        Future<List<Object>> fut = Asyncio.gather(() -> "abc", () -> "abc");
        assertSame(otherLoop, fut.getLoop());
        assertEquals(List.of("abc", "abc"), otherLoop.runUntilComplete(fut));
    }

    // ports test_tasks.py::CoroutineGatherTests::test_duplicate_coroutines
    @Test
    void duplicateCoroutines() {
        int[] runs = {0};
        Coroutine<String> c = () -> {
            runs[0]++;
            return "abc";
        };
        Future<List<Object>> fut = oneLoop.runUntilComplete(() -> Asyncio.gather(c, c, () -> "def", c));
        runLoop(oneLoop);
        assertEquals(List.of("abc", "abc", "def", "abc"), fut.result());
        assertEquals(1, runs[0], "a coroutine given twice runs once");
    }

    /**
     * Among many distinct coroutines (some of whose identity hashes collide, by the birthday bound), each runs
     * once, and one given again far from its first place, or beside a stage given twice, still counts once.
     */
    @Test
    void duplicateAmongManyCoroutines() {
        int n = 100_000;
        int[] runs = new int[n];
        List<Object> args = new java.util.ArrayList<>(n + 3);
        for (int i = 0; i < n; i++) {
            int k = i;
            args.add((Coroutine<Integer>) () -> ++runs[k]);
        }
        var stage = java.util.concurrent.CompletableFuture.completedFuture(-1);
        args.add(args.get(7));
        args.add(stage);
        args.add(stage);
        List<Object> results = oneLoop.runUntilComplete(() -> Asyncio.await(Asyncio.gather(args, false)));
        for (int i = 0; i < n; i++) assertEquals(1, runs[i], "coroutine " + i + " runs once");
        assertEquals(1, results.get(n), "the repeated coroutine's slot holds its one result");
        assertEquals(List.of(-1, -1), results.subList(n + 1, n + 3));
    }

    /** A future given twice counts once and fills both slots, whatever callbacks it carries and however it ends. */
    @Test
    void duplicateFutures() {
        Future<Object> pending = oneLoop.createFuture();
        Future<Object> withCallback = oneLoop.createFuture();
        withCallback.addDoneCallback(f -> { });
        Future<Object> done = oneLoop.createFuture();
        done.setResult("d");
        Future<List<Object>> fut = Asyncio.gather(false, pending, withCallback, done, pending, done, withCallback);
        pending.setResult("p");
        runLoop(oneLoop);
        assertFalse(fut.done(), "one future still pending");
        withCallback.setResult("w");
        runLoop(oneLoop);
        assertEquals(List.of("p", "w", "d", "p", "d", "w"), fut.result());
    }

    /** Under the eager factory a child may finish a future during gather() itself: it still counts once. */
    @Test
    void duplicateFutureFinishedByAnEagerChild() {
        oneLoop.setTaskFactory(EventLoop.EAGER_TASK_FACTORY);
        Future<List<Object>> fut = oneLoop.runUntilComplete(() -> {
            Future<Object> f = Asyncio.getRunningLoop().createFuture();
            Coroutine<Object> finisher = () -> {
                f.setResult("f");
                return "e";
            };
            return Asyncio.gather(List.of(f, finisher, f), false);
        });
        runLoop(oneLoop);
        assertEquals(List.of("f", "e", "f"), fut.result());
    }

    // ports test_tasks.py::CoroutineGatherTests::test_cancellation_broadcast
    @Test
    void cancellationBroadcast() {
        // Cancelling outer() cancels all children.
        int[] proof = {0};
        Future<Object> waiter = oneLoop.createFuture();
        Coroutine<Object> inner = () -> {
            Asyncio.await(waiter);
            proof[0]++;
            return null;
        };
        Task<Object> child1 = oneLoop.createTask(inner);
        Task<Object> child2 = oneLoop.createTask(inner);
        List<Future<List<Object>>> gatherer = new ArrayList<>();
        Task<Object> f = oneLoop.createTask(() -> {
            Future<List<Object>> g = Asyncio.gather(child1, child2);
            gatherer.add(g);
            Asyncio.await(g);
            proof[0] += 100;
            return null;
        });
        runBriefly(oneLoop);
        assertTrue(f.cancel());
        assertThrows(CancelledError.class, () -> oneLoop.runUntilComplete(f));
        assertFalse(gatherer.get(0).cancel());
        assertTrue(waiter.cancelled());
        assertTrue(child1.cancelled());
        assertTrue(child2.cancelled());
        runBriefly(oneLoop);
        assertEquals(0, proof[0]);
    }

    // ports test_tasks.py::CoroutineGatherTests::test_exception_marking
    @Test
    void exceptionMarking() {
        // The second failure is marked retrieved by gather, not reported as never retrieved.
        List<ExceptionContext> reported = new ArrayList<>();
        oneLoop.setExceptionHandler((loop, ctx) -> reported.add(ctx));
        Future<Object> a = oneLoop.createFuture();
        Future<Object> b = oneLoop.createFuture();
        Task<Object> f = oneLoop.createTask(() -> Asyncio.await(Asyncio.gather(
                () -> { Asyncio.await(a); throw new IllegalStateException("should not be ignored"); },
                () -> { Asyncio.await(b); throw new IllegalStateException("should not be ignored"); })));
        runBriefly(oneLoop);
        a.setResult(null);
        runLoop(oneLoop);
        b.setResult(null);
        runLoop(oneLoop);
        assertInstanceOf(IllegalStateException.class, f.exception());
        oneLoop.close();
        assertTrue(reported.isEmpty(), reported::toString);
    }

    // ports test_tasks.py::CoroutineGatherTests::test_issue46672
    @Test
    void badArgumentLeavesNothingBehind() {
        List<ExceptionContext> reported = new ArrayList<>();
        oneLoop.setExceptionHandler((loop, ctx) -> reported.add(ctx));
        Coroutine<String> c = () -> "abc";
        assertThrows(IllegalArgumentException.class,
                () -> oneLoop.runUntilComplete(() -> Asyncio.gather(List.of(c, new Object()), false)));
        runLoop(oneLoop);
        assertTrue(reported.isEmpty(), reported::toString);
    }

    // ---- BaseTaskTests

    // ports test_tasks.py::BaseTaskTests::test_cancel_gather_1
    @Test
    void refusesCancelOnceChildrenAreDone() {
        Future<Integer> fut = oneLoop.createFuture();
        // The indirection fut -> child coroutine makes the gathering future finish after fut.
        Future<List<Object>> gatherFuture = oneLoop.runUntilComplete(() -> Asyncio.gather(() -> Asyncio.await(fut)));
        Boolean[] cancelResult = {null};
        fut.addDoneCallback(x -> cancelResult[0] = gatherFuture.cancel());
        fut.setResult(42);
        oneLoop.runUntilComplete(gatherFuture);
        // Python issue #26923: asyncio.gather drops cancellation
        assertEquals(false, cancelResult[0]);
        assertFalse(gatherFuture.cancelled());
        assertEquals(List.of(42), gatherFuture.result());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_gather_2
    @Test
    void cancellationPropagatesThroughReturnExceptions() {
        for (String msg : new String[] {null, "my message"}) {
            try (EventLoop loop = EventLoop.withVirtualClock()) {
                CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(() -> {
                    Task<Object> qwe = Asyncio.createTask(() -> {
                        double time = 0;
                        while (true) {
                            time += 0.05;
                            Asyncio.await(Asyncio.gather(true, () -> Asyncio.sleep(0.05, null)));
                            if (time > 1) return null;
                        }
                    });
                    Asyncio.sleep(0.2);
                    qwe.cancel(msg);
                    return Asyncio.await(qwe);
                }));
                assertEquals(msg, e.getMessage());
            }
        }
    }

    // ---- own tests

    @Test
    void gatherWithoutArgumentsInsideATask() {
        assertEquals(List.of(), run(() -> Asyncio.await(Asyncio.gather())));
        assertEquals(List.of(), run(() -> Asyncio.await(Asyncio.gather(true))));
    }

    @Test
    void firstExceptionLeavesOthersRunning() {
        Asyncio.setEventLoop(null);
        run(() -> {
            Task<String> slow = Asyncio.createTask(sleeping(2, "slow"));
            Future<List<Object>> g = Asyncio.gather(slow, Asyncio.createTask(() -> {
                Asyncio.sleep(1);
                throw new MyExc("boom");
            }));
            assertEquals("boom", assertThrows(MyExc.class, () -> Asyncio.await(g)).getMessage());
            assertEquals(1.0, now(), 1e-9);
            assertFalse(slow.done());
            assertEquals("slow", Asyncio.await(slow));
            return null;
        });
    }

    @Test
    void cancellingTheAwaitingTaskCancelsTheChildren() {
        Asyncio.setEventLoop(null);
        run(() -> {
            List<Task<?>> kids = new ArrayList<>();
            Task<List<Object>> t = Asyncio.createTask(() -> {
                Task<Object> a = Asyncio.createTask(sleeping(5, null));
                Task<Object> b = Asyncio.createTask(sleeping(5, null));
                kids.add(a);
                kids.add(b);
                return Asyncio.await(Asyncio.gather(a, b));
            });
            Asyncio.sleep(1);
            t.cancel("bye");
            CancelledError e = assertThrows(CancelledError.class, () -> Asyncio.await(t));
            assertEquals("bye", e.getMessage());
            assertTrue(t.cancelled());
            assertTrue(kids.get(0).cancelled());
            assertTrue(kids.get(1).cancelled());
            return null;
        });
    }

    @Test
    void cancelledGatherWithReturnExceptionsStillRaises() {
        Asyncio.setEventLoop(null);
        run(() -> {
            Task<Object> a = Asyncio.createTask(sleeping(5, null));
            Future<List<Object>> g = Asyncio.gather(true, a);
            Asyncio.sleep(0);
            assertTrue(g.cancel("stop"));
            assertEquals("stop", assertThrows(CancelledError.class, () -> Asyncio.await(g)).getMessage());
            assertFalse(g.cancelled());
            return null;
        });
    }

    @Test
    void childThatSuppressesCancellationMakesGatherRaiseAnyway() {
        Asyncio.setEventLoop(null);
        run(() -> {
            Task<String> stubborn = Asyncio.createTask(() -> {
                try {
                    Asyncio.sleep(5);
                } catch (CancelledError e) {
                    return "ignored";
                }
                return "slept";
            });
            Future<List<Object>> g = Asyncio.gather(stubborn);
            Asyncio.sleep(0);
            assertTrue(g.cancel());
            assertThrows(CancelledError.class, () -> Asyncio.await(g));
            assertEquals("ignored", stubborn.result());
            return null;
        });
    }

    @Test
    void eagerlyFinishedChildrenCompleteGatherAtOnce() {
        Asyncio.setEventLoop(null);
        run(() -> {
            Asyncio.getRunningLoop().setTaskFactory(EventLoop.EAGER_TASK_FACTORY);
            Future<List<Object>> g = Asyncio.gather(() -> 1, () -> 2);
            assertTrue(g.done());
            assertEquals(List.of(1, 2), g.result());
            return null;
        });
    }

    @Test
    void mixedFuturesAndCoroutinesKeepArgumentOrder() {
        Asyncio.setEventLoop(null);
        run(() -> {
            Task<String> t = Asyncio.createTask(sleeping(0.2, "task"));
            Coroutine<String> c = () -> Asyncio.sleep(0.1, "coro");
            assertEquals(List.of("task", "coro", "task"), Asyncio.await(Asyncio.gather(List.of(t, c, t), false)));
            return null;
        });
    }
}
