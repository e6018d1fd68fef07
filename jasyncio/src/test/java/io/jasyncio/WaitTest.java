package io.jasyncio;

import static io.jasyncio.CompositionSupport.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WaitTest {

    // ports test_tasks.py::BaseTaskTests::test_wait
    @Test
    void waitAllCompleted() {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            Task<Object> a = loop.createTask(sleeping(0.1, null));
            Task<Object> b = loop.createTask(sleeping(0.15, null));
            Coroutine<Integer> foo = () -> {
                DoneAndPending<Task<Object>> r = Asyncio.wait(List.of(b, a));
                assertEquals(Set.of(a, b), r.done());
                assertEquals(Set.of(), r.pending());
                return 42;
            };
            assertEquals(42, loop.runUntilComplete(loop.createTask(foo)));
            assertEquals(0.15, loop.time(), 1e-9);
            // Doing it again should take no time and exercise a different path.
            assertEquals(42, loop.runUntilComplete(loop.createTask(foo)));
            assertEquals(0.15, loop.time(), 1e-9);
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_wait_duplicate_coroutines
    @Test
    void waitDuplicates() {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            Task<String> c = loop.createTask(() -> "test");
            Task<String> spam = loop.createTask(() -> "spam");
            DoneAndPending<Task<String>> r = loop.runUntilComplete(loop.createTask(
                    () -> Asyncio.wait(List.of(c, c, spam))));
            assertTrue(r.pending().isEmpty());
            assertEquals(Set.of("test", "spam"), r.done().stream().map(Future::result).collect(Collectors.toSet()));
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_wait_errors
    @Test
    void waitErrors() {
        run(() -> {
            assertThrows(IllegalArgumentException.class, () -> Asyncio.wait(Set.<Future<?>>of()));
            Task<Object> t = Asyncio.createTask(sleeping(10, null));
            // asyncio's return_when=-1 is a ValueError; here the enum makes it impossible, and null is refused
            assertThrows(NullPointerException.class, () -> Asyncio.wait(List.of(t), (ReturnWhen) null));
            t.cancel();
            return null;
        });
    }

    // ports test_tasks.py::BaseTaskTests::test_wait_first_completed
    @Test
    void waitFirstCompleted() {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            Task<Object> a = loop.createTask(sleeping(10.0, null));
            Task<Object> b = loop.createTask(sleeping(0.1, null));
            DoneAndPending<Task<Object>> r = loop.runUntilComplete(loop.createTask(
                    () -> Asyncio.wait(List.of(b, a), ReturnWhen.FIRST_COMPLETED)));
            assertEquals(Set.of(b), r.done());
            assertEquals(Set.of(a), r.pending());
            assertFalse(a.done());
            assertTrue(b.done());
            assertNull(b.result());
            assertEquals(0.1, loop.time(), 1e-9);
            loop.runUntilComplete(loop.createTask(() -> Asyncio.wait(List.of(a, b))));
            assertEquals(10.0, loop.time(), 1e-9);
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_wait_really_done
    @Test
    void waitReallyDone() {
        // Some tasks of the pending list may be done with their callbacks not yet run.
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            Task<Object> a = loop.createTask(() -> { Asyncio.sleep(0); return null; });
            Task<Object> b = loop.createTask(() -> { Asyncio.sleep(0); Asyncio.sleep(0); return null; });
            DoneAndPending<Task<Object>> r = loop.runUntilComplete(loop.createTask(
                    () -> Asyncio.wait(List.of(b, a), ReturnWhen.FIRST_COMPLETED)));
            assertEquals(Set.of(a, b), r.done());
            assertNull(a.result());
            assertNull(b.result());
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_wait_first_exception
    @Test
    void waitFirstExceptionAlreadyFailed() {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            Task<Object> a = loop.createTask(sleeping(10.0, null));
            Task<Object> b = loop.createTask(() -> { throw new ArithmeticException("err"); });
            DoneAndPending<Task<Object>> r = loop.runUntilComplete(loop.createTask(
                    () -> Asyncio.wait(List.of(b, a), ReturnWhen.FIRST_EXCEPTION)));
            assertEquals(Set.of(b), r.done());
            assertEquals(Set.of(a), r.pending());
            assertEquals(0.0, loop.time(), 1e-9);
            loop.runUntilComplete(loop.createTask(() -> Asyncio.wait(List.of(a, b))));
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_wait_first_exception_in_wait
    @Test
    void waitFirstExceptionDuringWait() {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            Task<Object> a = loop.createTask(sleeping(10.0, null));
            Task<Object> b = loop.createTask(() -> {
                Asyncio.sleep(0.01);
                throw new ArithmeticException("err");
            });
            DoneAndPending<Task<Object>> r = loop.runUntilComplete(
                    () -> Asyncio.wait(List.of(b, a), ReturnWhen.FIRST_EXCEPTION));
            assertEquals(Set.of(b), r.done());
            assertEquals(Set.of(a), r.pending());
            assertEquals(0.01, loop.time(), 1e-9);
            loop.runUntilComplete(() -> Asyncio.wait(List.of(a, b)));
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_wait_with_exception
    @Test
    void waitWithException() {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            Task<Object> a = loop.createTask(sleeping(0.1, null));
            Task<Object> b = loop.createTask(() -> {
                Asyncio.sleep(0.15);
                throw new ArithmeticException("really");
            });
            Coroutine<Object> foo = () -> {
                DoneAndPending<Task<Object>> r = Asyncio.wait(List.of(b, a));
                assertEquals(2, r.done().size());
                assertEquals(Set.of(), r.pending());
                assertEquals(1, r.done().stream().filter(f -> f.exception() != null).count());
                return null;
            };
            loop.runUntilComplete(loop.createTask(foo));
            assertEquals(0.15, loop.time(), 1e-9);
            loop.runUntilComplete(loop.createTask(foo));
            assertEquals(0.15, loop.time(), 1e-9);
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_wait_with_timeout
    @Test
    void waitWithTimeout() {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            Task<Object> a = loop.createTask(sleeping(0.1, null));
            Task<Object> b = loop.createTask(sleeping(0.15, null));
            loop.runUntilComplete(loop.createTask(() -> {
                DoneAndPending<Task<Object>> r = Asyncio.wait(List.of(b, a), 0.11);
                assertEquals(Set.of(a), r.done());
                assertEquals(Set.of(b), r.pending());
                return null;
            }));
            assertEquals(0.11, loop.time(), 1e-9);
            loop.runUntilComplete(() -> Asyncio.wait(List.of(a, b)));
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_wait_concurrent_complete
    @Test
    void waitConcurrentComplete() {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            // a's sleep and wait's timeout are both due at 0.1: done == {a} only if a's timer runs first, as in
            // CPython's test, where heapq happens to pop a's (pushed first). asyncio does not promise that order, so
            // schedule fuzzing (seed 3) fails this port; it runs unfuzzed, as its origin does.
            loop.setScheduleFuzzSeed(null);
            Task<Object> a = loop.createTask(sleeping(0.1, null));
            Task<Object> b = loop.createTask(sleeping(0.15, null));
            DoneAndPending<Task<Object>> r = loop.runUntilComplete(() -> Asyncio.wait(List.of(b, a), 0.1));
            assertEquals(Set.of(a), r.done());
            assertEquals(Set.of(b), r.pending());
            assertEquals(0.1, loop.time(), 1e-9);
            loop.runUntilComplete(() -> Asyncio.wait(List.of(a, b)));
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_wait_with_iterator_of_tasks
    @Test
    void waitWithIterable() {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            Task<Object> a = loop.createTask(sleeping(0.1, null));
            Task<Object> b = loop.createTask(sleeping(0.15, null));
            int res = loop.runUntilComplete(loop.createTask(() -> {
                Iterable<Task<Object>> once = () -> List.of(b, a).iterator();
                DoneAndPending<Task<Object>> r = Asyncio.wait(once);
                assertEquals(Set.of(a, b), r.done());
                assertEquals(Set.of(), r.pending());
                return 42;
            }));
            assertEquals(42, res);
            assertEquals(0.15, loop.time(), 1e-9);
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_wait_generator
    @Test
    void waitGenerator() {
        run(() -> {
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int v = i;
                tasks.add(Asyncio.createTask(() -> v));
            }
            DoneAndPending<Task<Integer>> r = Asyncio.wait(tasks.stream()::iterator, ReturnWhen.ALL_COMPLETED);
            assertEquals(10, r.done().size());
            assertEquals(0, r.pending().size());
            return null;
        });
    }

    // ---- own tests

    @Test
    void waitInvalidArgs() {
        run(() -> {
            // asyncio refuses a single future or coroutine (a TypeError); Java's types refuse them at compile
            // time. What remains: an empty collection, and null.
            assertThrows(IllegalArgumentException.class, () -> Asyncio.wait(List.<Future<?>>of()));
            assertThrows(NullPointerException.class, () -> Asyncio.wait((List<Future<?>>) null));
            return null;
        });
    }

    @Test
    void cancelTaskAwaitedByWait() {
        // A task waited on by wait() can be cancelled; wait() returns it in done.
        run(() -> {
            Task<Object> task = Asyncio.createTask(sleeping(10, null));
            Asyncio.getRunningLoop().callLater(0.1, () -> task.cancel());
            DoneAndPending<Task<Object>> r = Asyncio.wait(List.of(task));
            assertEquals(Set.of(task), r.done());
            assertTrue(task.cancelled());
            return null;
        });
    }

    @Test
    void cancellingTheWaiterLeavesTheFuturesRunning() {
        run(() -> {
            Task<String> a = Asyncio.createTask(sleeping(1, "a"));
            Task<DoneAndPending<Task<String>>> w = Asyncio.createTask(() -> Asyncio.wait(List.of(a)));
            Asyncio.sleep(0.5);
            w.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(w));
            assertFalse(a.done());
            assertEquals("a", Asyncio.await(a));
            return null;
        });
    }

    @Test
    void firstExceptionIgnoresCancelledFutures() {
        run(() -> {
            Task<Object> a = Asyncio.createTask(sleeping(1, null));
            Task<Object> b = Asyncio.createTask(sleeping(2, null));
            Asyncio.getRunningLoop().callLater(0.5, () -> a.cancel());
            DoneAndPending<Task<Object>> r = Asyncio.wait(List.of(a, b), ReturnWhen.FIRST_EXCEPTION);
            assertEquals(Set.of(a, b), r.done());
            assertEquals(2.0, now(), 1e-9);
            return null;
        });
    }

    @Test
    void durationTimeout() {
        run(() -> {
            Task<Object> a = Asyncio.createTask(sleeping(5, null));
            DoneAndPending<Task<Object>> r = Asyncio.wait(List.of(a), java.time.Duration.ofMillis(1500),
                    ReturnWhen.ALL_COMPLETED);
            assertEquals(Set.of(a), r.pending());
            assertEquals(1.5, now(), 1e-9);
            a.cancel();
            return null;
        });
    }
}
