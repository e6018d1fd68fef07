package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Ports of the cancellation tests of test_tasks.py::BaseTaskTests: cancel, cancel(msg), cancelling/uncancel. */
class TaskCancelTest extends LoopTestBase {

    private <T> Task<T> newTask(Coroutine<T> coro) {
        return new Task<>(loop, coro, null, false);
    }

    /** Waits until {@code f} is done without raising (what the CPython tests do with {@code asyncio.wait([f])}). */
    private static void waitDone(Future<?> f) {
        Future<Void> done = f.getLoop().createFuture();
        f.addDoneCallback(x -> done.setResult(null));
        Asyncio.await(done);
    }

    // ports test_tasks.py::BaseTaskTests::test_cancelling
    @Test
    void cancelling() {
        Task<Object> t = newTask(() -> {
            Asyncio.sleep(10);
            return null;
        });
        assertEquals(0, t.cancelling());
        assertTrue(t.cancel());
        assertEquals(1, t.cancelling());
        assertTrue(t.cancel());
        assertEquals(2, t.cancelling());
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
    }

    // ports test_tasks.py::BaseTaskTests::test_uncancel_basic
    @Test
    void uncancelBasic() {
        Task<Object> t = newTask(() -> {
            try {
                Asyncio.sleep(10);
            } catch (CancelledError e) {
                Asyncio.currentTask().uncancel();
                Asyncio.sleep(10);
            }
            return null;
        });
        loop.runUntilComplete(() -> Asyncio.sleep(0.01, null));
        assertTrue(t.cancel());
        assertEquals(1, t.cancelling());
        assertFalse(t.cancelled());
        loop.runUntilComplete(() -> Asyncio.sleep(0.01, null));
        assertEquals(0, t.cancelling());
        assertFalse(t.cancelled());
        assertTrue(t.cancel());
        assertEquals(1, t.cancelling());
        assertFalse(t.cancelled());
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.cancelled());
        assertTrue(t.done());
        t.uncancel();
        assertTrue(t.cancelled());
        assertTrue(t.done());
    }

    // ports test_tasks.py::BaseTaskTests::test_uncancel_structured_blocks
    @Test
    void uncancelStructuredBlocks() {
        record Outcome(boolean timedOut, boolean finished, boolean outerReached) {}
        java.util.function.BiFunction<Double, Double, Coroutine<Outcome>> makeRequestWithTimeout = (sleep, timeout) -> () -> {
            Task<?> task = Asyncio.currentTask();
            AtomicBoolean timedOut = new AtomicBoolean();
            boolean finished = false;
            TimerHandle timeoutHandle = task.getLoop().callLater(timeout, () -> {
                timedOut.set(true);
                task.cancel();
            });
            try {
                try {
                    Asyncio.sleep(sleep);
                    finished = true;
                } catch (CancelledError e) {
                    // Rules as in CPython: only our own cancellation, only when the count drops to 0.
                    if (timedOut.get() && task.uncancel() == 0) throw new TimeoutError();
                    throw e;
                } finally {
                    timeoutHandle.cancel();
                }
            } catch (TimeoutError e) {
                assertTrue(timedOut.get());
            }
            Asyncio.sleep(0);
            return new Outcome(timedOut.get(), finished, true);
        };
        Task<Outcome> t1 = newTask(makeRequestWithTimeout.apply(10.0, 0.1));
        Outcome o1 = loop.runUntilComplete(t1);
        assertEquals(new Outcome(true, false, true), o1);
        assertEquals(0, t1.cancelling());
        Task<Outcome> t2 = newTask(makeRequestWithTimeout.apply(0.0, 10.0));
        Outcome o2 = loop.runUntilComplete(t2);
        assertEquals(new Outcome(false, true, true), o2);
        assertEquals(0, t2.cancelling());
    }

    // ports test_tasks.py::BaseTaskTests::test_uncancel_resets_must_cancel
    @Test
    void uncancelResetsMustCancel() {
        Future<Object> fut = loop.createFuture();
        Task<Integer> task = newTask(() -> {
            Asyncio.await(fut);
            return 42;
        });
        loop.runUntilComplete(() -> Asyncio.sleep(0, null));
        fut.setResult(null);
        task.cancel();
        assertEquals(1, task.cancelling());
        task.uncancel();
        assertEquals(0, task.cancelling());
        assertEquals(42, loop.runUntilComplete(task));
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel
    @Test
    void cancel() {
        Task<Integer> t = newTask(() -> {
            Asyncio.sleep(10.0);
            return 12;
        });
        loop.callSoon(t::cancel);
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.done());
        assertTrue(t.cancelled());
        assertFalse(t.cancel());
    }

    private void checkCancelWithMessageThenFutureResult(String msg, boolean useException) {
        Task<Object> outer = newTask(() -> {
            Task<Object> task = Asyncio.createTask(() -> {
                Asyncio.sleep(10);
                return null;
            });
            Asyncio.sleep(0);
            task.cancel(msg);
            waitDone(task);
            if (useException) task.exception();
            else task.result();
            return null;
        });
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        assertEquals(msg, e.getMessage());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_with_message_then_future_result
    @Test
    void cancelWithMessageThenFutureResult() {
        checkCancelWithMessageThenFutureResult(null, false);
        checkCancelWithMessageThenFutureResult("my message", false);
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_with_message_then_future_exception
    @Test
    void cancelWithMessageThenFutureException() {
        checkCancelWithMessageThenFutureResult(null, true);
        checkCancelWithMessageThenFutureResult("my message", true);
    }

    // ports test_tasks.py::BaseTaskTests::test_cancellation_exception_context
    @Test
    void cancellationExceptionContext() {
        Future<Object> fut = loop.createFuture();
        Task<Object> task = newTask(() -> {
            Task<Object> inner = Asyncio.createTask(() -> {
                fut.setResult(null);
                Asyncio.sleep(10);
                return null;
            });
            Asyncio.await(fut);
            loop.callSoon(() -> inner.cancel("msg"));
            try {
                Asyncio.await(inner);
            } catch (CancelledError ex) {
                throw new IllegalArgumentException("cancelled", ex);
            }
            return null;
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.runUntilComplete(task));
        assertEquals("cancelled", e.getMessage());
        assertInstanceOf(CancelledError.class, e.getCause());
        assertEquals("msg", e.getCause().getMessage());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_with_message_before_starting_task
    @Test
    void cancelWithMessageBeforeStartingTask() {
        Task<Object> outer = newTask(() -> {
            Task<Object> task = Asyncio.createTask(() -> {
                Asyncio.sleep(10);
                return null;
            });
            task.cancel("my message");
            waitDone(task);
            task.exception();
            return null;
        });
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        assertEquals("my message", e.getMessage());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_yield
    @Test
    void cancelYield() {
        Task<Integer> t = newTask(() -> {
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            return 12;
        });
        runBriefly();
        t.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.done());
        assertTrue(t.cancelled());
        assertFalse(t.cancel());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_inner_future
    @Test
    void cancelInnerFuture() {
        Future<Object> f = loop.createFuture();
        Task<Integer> t = newTask(() -> {
            Asyncio.await(f);
            return 12;
        });
        runBriefly();
        f.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(f.cancelled());
        assertTrue(t.cancelled());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_both_task_and_inner_future
    @Test
    void cancelBothTaskAndInnerFuture() {
        Future<Object> f = loop.createFuture();
        Task<Integer> t = newTask(() -> {
            Asyncio.await(f);
            return 12;
        });
        runBriefly();
        f.cancel();
        t.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.done());
        assertTrue(f.cancelled());
        assertTrue(t.cancelled());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_task_catching
    @Test
    void cancelTaskCatching() {
        Future<Object> fut1 = loop.createFuture();
        Future<Object> fut2 = loop.createFuture();
        Task<Integer> t = newTask(() -> {
            Asyncio.await(fut1);
            try {
                Asyncio.await(fut2);
            } catch (CancelledError e) {
                return 42;
            }
            return 0;
        });
        runBriefly();
        fut1.setResult(null);
        runBriefly();
        t.cancel();
        assertTrue(fut2.cancelled());
        assertEquals(42, loop.runUntilComplete(t));
        assertFalse(t.cancelled());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_task_ignoring
    @Test
    void cancelTaskIgnoring() {
        Future<Object> fut1 = loop.createFuture();
        Future<Object> fut2 = loop.createFuture();
        Future<Integer> fut3 = loop.createFuture();
        Task<Integer> t = newTask(() -> {
            Asyncio.await(fut1);
            try {
                Asyncio.await(fut2);
            } catch (CancelledError e) {
                // ignored
            }
            return Asyncio.await(fut3);
        });
        runBriefly();
        fut1.setResult(null);
        runBriefly();
        t.cancel();
        assertTrue(fut2.cancelled());
        runBriefly();
        assertTrue(t.toString().contains("wait_for=" + fut3), t.toString());
        fut3.setResult(42);
        assertEquals(42, loop.runUntilComplete(t));
        assertFalse(fut3.cancelled());
        assertFalse(t.cancelled());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_current_task
    @Test
    void cancelCurrentTask() {
        AtomicReference<Task<Integer>> ref = new AtomicReference<>();
        Task<Integer> t = newTask(() -> {
            ref.get().cancel();
            Asyncio.sleep(100); // cancelled at once
            return 12;
        });
        ref.set(t);
        assertFalse(t.cancelled());
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.done());
        assertTrue(t.cancelled());
        assertFalse(t.cancel());
        assertEquals(0.0, loop.time(), "the sleep never started");
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_at_end
    @Test
    void cancelAtEnd() {
        AtomicReference<Task<Integer>> ref = new AtomicReference<>();
        Task<Integer> t = newTask(() -> {
            ref.get().cancel();
            return 12;
        });
        ref.set(t);
        assertFalse(t.cancelled());
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertTrue(t.done());
        assertTrue(t.cancelled());
        assertFalse(t.cancel());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_awaited_task
    @Test
    void cancelAwaitedTask() {
        Future<Object> fut = loop.createFuture();
        AtomicReference<Task<Object>> task = new AtomicReference<>();
        AtomicReference<Task<Object>> nested = new AtomicReference<>();
        task.set(newTask(() -> {
            nested.set(Asyncio.createTask(() -> Asyncio.await(fut)));
            Asyncio.sleep(0);
            task.get().cancel();
            return Asyncio.await(nested.get());
        }));
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(task.get()));
        assertTrue(task.get().cancelled());
        assertTrue(nested.get().cancelled());
        assertTrue(fut.cancelled());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_traceback_for_future_result
    @Test
    void cancelTracebackForFutureResult() {
        Task<Object> task = newTask(() -> {
            Task<Object> t = Asyncio.createTask(this::nestedSleeper);
            Asyncio.sleep(0);
            t.cancel();
            return Asyncio.await(t);
        });
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(task));
        // One Java exception, one stack: it shows where the cancelled code was waiting.
        assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getMethodName().equals("nestedSleeper")),
                Arrays.toString(e.getStackTrace()));
    }

    private Object nestedSleeper() {
        Asyncio.sleep(10);
        return null;
    }

    // ports test_tasks.py::BaseTaskTests::test_stop_while_run_in_complete
    @Test
    void stopWhileRunUntilComplete() {
        AtomicInteger x = new AtomicInteger();
        Task<Object> t = newTask(() -> {
            while (x.get() < 10) {
                Asyncio.sleep(0.1);
                if (x.incrementAndGet() == 2) loop.stop();
            }
            return null;
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntilComplete(t));
        assertEquals("Event loop stopped before Future completed.", e.getMessage());
        assertFalse(t.done());
        assertEquals(2, x.get());
        // CPython's scripted test clock reads 0.3 here; on a real (or virtual) clock the loop stops at 0.2.
        assertEquals(0.2, loop.time(), 1e-9);
        t.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
    }

    // ports test_tasks.py::BaseTaskTests::test_yield_future_passes_cancel
    @Test
    void yieldFuturePassesCancel() {
        AtomicInteger proof = new AtomicInteger();
        Future<Object> waiter = loop.createFuture();
        Coroutine<Object> inner = () -> {
            try {
                Asyncio.await(waiter);
            } catch (CancelledError e) {
                proof.addAndGet(1);
                throw e;
            }
            fail("got past await in inner()");
            return null;
        };
        Task<Object> f = newTask(() -> {
            try {
                Asyncio.await(inner);
                proof.addAndGet(10);
            } catch (CancelledError e) {
                proof.addAndGet(100);
            }
            return null;
        });
        runBriefly();
        f.cancel();
        loop.runUntilComplete(f);
        assertEquals(101, proof.get());
        assertTrue(waiter.cancelled());
    }

    // ports test_tasks.py::BaseTaskTests::test_cancel_traceback_for_future_exception
    @Test
    void cancelTracebackForFutureException() {
        Task<Object> task = newTask(() -> {
            Task<Object> t = Asyncio.createTask(this::nestedSleeper);
            Asyncio.sleep(0);
            t.cancel();
            waitDone(t);
            t.exception();
            return null;
        });
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(task));
        assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getMethodName().equals("nestedSleeper")),
                Arrays.toString(e.getStackTrace()));
    }

    // ---- our own: cancellation rules ----

    @Test
    void cancelBeforeFirstStepRaisesAtTheStart() {
        AtomicBoolean ran = new AtomicBoolean();
        Task<Object> t = newTask(() -> {
            ran.set(true);
            return null;
        });
        t.cancel();
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertFalse(ran.get(), "a task cancelled before it started never runs its code");
    }

    @Test
    void cancelledErrorCaughtAndSwallowedLeavesTaskNotCancelled() {
        Task<String> t = newTask(() -> {
            try {
                Asyncio.sleep(10);
            } catch (CancelledError e) {
                return "survived";
            }
            return "slept";
        });
        runBriefly();
        t.cancel();
        assertEquals("survived", loop.runUntilComplete(t));
        assertFalse(t.cancelled());
        assertEquals(1, t.cancelling(), "cancelling() counts requests, even ones that were swallowed");
    }

    @Test
    void cancelMessageTravelsThroughTheSleepFuture() {
        Task<Object> t = newTask(() -> {
            Asyncio.sleep(10);
            return null;
        });
        runBriefly();
        t.cancel("shutting down");
        CancelledError e = assertThrows(CancelledError.class, () -> loop.runUntilComplete(t));
        assertEquals("shutting down", e.getMessage());
    }

    @Test
    void cancellingATaskCancelsTheTaskItAwaits() {
        AtomicReference<Task<Object>> inner = new AtomicReference<>();
        Task<Object> outer = newTask(() -> {
            inner.set(Asyncio.createTask(() -> Asyncio.sleep(10, null)));
            return Asyncio.await(inner.get());
        });
        runBriefly();
        runBriefly();
        outer.cancel("m");
        assertThrows(CancelledError.class, () -> loop.runUntilComplete(outer));
        assertTrue(inner.get().cancelled());
        assertTrue(outer.cancelled());
    }

    @Test
    void cancelOfDoneTaskReturnsFalseAndDoesNotCount() {
        Task<Integer> t = newTask(() -> 1);
        loop.runUntilComplete(t);
        assertFalse(t.cancel());
        assertEquals(0, t.cancelling());
        assertEquals(1, t.result());
    }

    @Test
    void uncancelBelowZeroStaysZero() {
        Task<Integer> t = newTask(() -> 1);
        assertEquals(0, t.uncancel());
        assertEquals(1, loop.runUntilComplete(t));
    }

    @Test
    void cancelDuringSleepZeroRaisesAtThatPoint() {
        List<String> log = new java.util.ArrayList<>();
        Coroutine<Object> body = () -> {
            log.add("a");
            try {
                Asyncio.sleep(0);
            } catch (CancelledError e) {
                log.add("cancelled at sleep(0)");
                throw e;
            }
            log.add("b");
            return null;
        };
        loop.runUntilComplete(() -> {
            Task<Object> t = Asyncio.createTask(body);
            Asyncio.sleep(0); // t ran up to its sleep(0)
            t.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(t));
            return null;
        });
        assertEquals(List.of("a", "cancelled at sleep(0)"), log);
    }

    /**
     * A task parked in Event.await or sleep, cancelled then uncancelled before it runs again, still gets its
     * CancelledError: as in asyncio, where the future it awaited is already cancelled by then.
     */
    @Test
    void uncancelAfterCancellingAParkedWaitDoesNotTakeTheCancellationBack() {
        Event ev = new Event();
        List<String> outcome = new java.util.ArrayList<>();
        Task<Void> waiter = newTask(() -> {
            try {
                ev.await();
                outcome.add("event returned");
            } catch (CancelledError e) {
                outcome.add("event cancelled");
            }
            try {
                Asyncio.sleep(10);
                outcome.add("sleep returned");
            } catch (CancelledError e) {
                outcome.add("sleep cancelled");
            }
            return null;
        });
        runBriefly();
        waiter.cancel();
        assertEquals(0, waiter.uncancel());
        runBriefly();
        waiter.cancel();
        assertEquals(0, waiter.uncancel());
        loop.runUntilComplete(waiter);
        assertEquals(List.of("event cancelled", "sleep cancelled"), outcome);
        assertTrue(ev.waiters.isEmpty());
    }
}
