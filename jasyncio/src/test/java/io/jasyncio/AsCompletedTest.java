package io.jasyncio;

import static io.jasyncio.CompositionSupport.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AsCompletedTest {

    // ports test_tasks.py::BaseTaskTests::test_as_completed
    @Test
    void completionOrder() {
        for (boolean plain : new boolean[] {true, false}) {
            try (EventLoop loop = EventLoop.withVirtualClock()) {
                Task<String> a = loop.createTask(sleeping(0.01, "a"));
                Task<String> b = loop.createTask(sleeping(0.01, "b"));
                Task<String> c = loop.createTask(sleeping(0.15, "c"));
                List<String> res = loop.runUntilComplete(loop.createTask(() -> {
                    List<String> values = new ArrayList<>();
                    AsCompleted<String> it = Asyncio.asCompleted(List.of(b, c, a));
                    if (plain) {
                        for (Coroutine<String> f : it.awaitables()) values.add(Asyncio.await(f));
                    } else {
                        for (Future<String> f : it) values.add(Asyncio.await(f));
                    }
                    return values;
                }));
                assertEquals(0.15, loop.time(), 1e-9);
                assertTrue(res.subList(0, 2).contains("a"));
                assertTrue(res.subList(0, 2).contains("b"));
                assertEquals("c", res.get(2));
            }
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_as_completed_same_tasks_in_as_out
    @Test
    void yieldsTheFuturesPassedIn() {
        run(() -> {
            Set<Future<Object>> in = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                int v = i;
                in.add(Asyncio.createTask(() -> v));
            }
            Set<Future<Object>> out = new HashSet<>();
            for (Future<Object> f : Asyncio.asCompleted(in)) {
                assertTrue(f.done());
                out.add(f);
            }
            assertEquals(in, out);
            return null;
        });
    }

    // ports test_tasks.py::BaseTaskTests::test_as_completed_with_timeout
    @Test
    void withTimeout() {
        for (boolean plain : new boolean[] {true, false}) {
            try (EventLoop loop = EventLoop.withVirtualClock()) {
                Task<String> a = loop.createTask(sleeping(0.1, "a"));
                Task<String> b = loop.createTask(sleeping(0.15, "b"));
                List<Object> res = loop.runUntilComplete(loop.createTask(() -> {
                    List<Object> values = new ArrayList<>();
                    AsCompleted<String> it = Asyncio.asCompleted(List.of(a, b), 0.12);
                    if (plain) {
                        for (Coroutine<String> f : it.awaitables()) {
                            try {
                                values.add(Asyncio.await(f));
                            } catch (TimeoutError e) {
                                values.add(e);
                            }
                        }
                    } else {
                        try {
                            for (Future<String> f : it) values.add(Asyncio.await(f));
                        } catch (TimeoutError e) {
                            values.add(e);
                        }
                    }
                    return values;
                }));
                assertEquals(2, res.size(), res::toString);
                assertEquals("a", res.get(0));
                assertInstanceOf(TimeoutError.class, res.get(1));
                assertEquals(0.12, loop.time(), 1e-9);
                loop.runUntilComplete(() -> Asyncio.wait(List.of(a, b)));
            }
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_as_completed_with_unused_timeout
    @Test
    void unusedTimeout() {
        for (boolean plain : new boolean[] {true, false}) {
            try (EventLoop loop = EventLoop.withVirtualClock()) {
                Task<String> a = loop.createTask(sleeping(0.01, "a"));
                loop.runUntilComplete(loop.createTask(() -> {
                    AsCompleted<String> it = Asyncio.asCompleted(List.of(a), 1.0);
                    if (plain) {
                        for (Coroutine<String> f : it.awaitables()) assertEquals("a", Asyncio.await(f));
                    } else {
                        for (Future<String> f : it) assertEquals("a", Asyncio.await(f));
                    }
                    return null;
                }));
                assertEquals(0.01, loop.time(), 1e-9);
                // the timer was cancelled when the last future came: nothing is left to fire at 1.0
                loop.runUntilComplete(() -> Asyncio.sleep(0, null));
                assertEquals(0.01, loop.time(), 1e-9);
            }
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_as_completed_resume_iterator
    @Test
    void resumeIterator() {
        for (boolean plain : new boolean[] {true, false}) {
            List<Integer> results = run(() -> {
                List<Task<Integer>> tasks = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int v = i;
                    tasks.add(Asyncio.createTask(() -> v));
                }
                AsCompleted<Integer> iterator = Asyncio.asCompleted(tasks);
                List<Integer> collected = new ArrayList<>();
                int iterations = 0;
                if (plain) {
                    for (Coroutine<Integer> f : iterator.awaitables()) {
                        collected.add(Asyncio.await(f));
                        if (++iterations == 2) break;
                    }
                    assertEquals(2, collected.size());
                    for (Coroutine<Integer> f : iterator.awaitables()) collected.add(Asyncio.await(f));
                } else {
                    for (Future<Integer> f : iterator) {
                        collected.add(Asyncio.await(f));
                        if (++iterations == 2) break;
                    }
                    assertEquals(2, collected.size());
                    for (Future<Integer> f : iterator) collected.add(Asyncio.await(f));
                }
                return collected;
            });
            assertEquals(Set.of(0, 1, 2, 3), new HashSet<>(results));
            assertEquals(4, results.size());
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_as_completed_reverse_wait
    @Test
    void reverseWait() {
        run(() -> {
            Task<String> a = Asyncio.createTask(sleeping(0.05, "a"));
            Task<String> b = Asyncio.createTask(sleeping(0.10, "b"));
            List<Coroutine<String>> futs = new ArrayList<>();
            Asyncio.asCompleted(Set.of(a, b)).awaitables().forEach(futs::add);
            assertEquals(2, futs.size());
            // the awaitable awaited first gets the first result, whichever it is
            assertEquals("a", Asyncio.await(futs.get(1)));
            assertEquals(0.05, now(), 1e-9);
            assertEquals("b", Asyncio.await(futs.get(0)));
            assertEquals(0.10, now(), 1e-9);
            return null;
        });
    }

    // ports test_tasks.py::BaseTaskTests::test_as_completed_concurrent
    @Test
    void concurrentAwaits() {
        for (boolean plain : new boolean[] {true, false}) {
            run(() -> {
                Task<String> a = Asyncio.createTask(sleeping(0.05, "a"));
                Task<String> b = Asyncio.createTask(sleeping(0.05, "b"));
                List<Task<String>> futs = new ArrayList<>();
                if (plain) {
                    for (Coroutine<String> c : Asyncio.asCompleted(Set.of(a, b)).awaitables()) {
                        futs.add(Asyncio.createTask(c));
                    }
                } else {
                    for (Future<String> f : Asyncio.asCompleted(Set.of(a, b))) {
                        futs.add(Asyncio.createTask(() -> Asyncio.await(f)));
                    }
                }
                assertEquals(2, futs.size());
                DoneAndPending<Task<String>> r = Asyncio.wait(futs);
                Set<String> got = new HashSet<>();
                for (Task<String> t : r.done()) got.add(t.result());
                assertEquals(Set.of("a", "b"), got);
                assertEquals(0.05, now(), 1e-9);
                return null;
            });
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_as_completed_duplicate_coroutines
    @Test
    void duplicates() {
        for (boolean plain : new boolean[] {true, false}) {
            List<String> result = run(() -> {
                List<String> out = new ArrayList<>();
                Task<String> c = Asyncio.createTask(() -> "ham");
                AsCompleted<String> it = Asyncio.asCompleted(List.of(c, c, Asyncio.createTask(() -> "spam")));
                if (plain) {
                    for (Coroutine<String> f : it.awaitables()) out.add(Asyncio.await(f));
                } else {
                    for (Future<String> f : it) out.add(Asyncio.await(f));
                }
                return out;
            });
            assertEquals(Set.of("ham", "spam"), new HashSet<>(result));
            assertEquals(2, result.size());
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_as_completed_coroutine_without_loop
    @Test
    void withoutLoop() {
        try (EventLoop loop = EventLoop.withVirtualClock()) {
            Future<Integer> f = loop.createFuture();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Asyncio.asCompleted(List.of(f)));
            assertTrue(e.getMessage().contains("no current event loop"), e.getMessage());
        }
    }

    // ports test_tasks.py::BaseTaskTests::test_as_completed_coroutine_use_running_loop
    @Test
    void useRunningLoop() {
        run(() -> {
            List<Coroutine<Integer>> futs = new ArrayList<>();
            Asyncio.asCompleted(List.of(Asyncio.createTask(() -> 42))).awaitables().forEach(futs::add);
            assertEquals(1, futs.size());
            assertEquals(42, Asyncio.await(futs.get(0)));
            return null;
        });
    }

    // ---- own tests

    @Test
    void exceptionOfAFutureComesOutOfTheAwaitable() {
        run(() -> {
            Task<Object> bad = Asyncio.createTask(() -> { throw new MyExc("x"); });
            Coroutine<Object> c = Asyncio.asCompleted(List.of(bad)).awaitables().iterator().next();
            assertEquals("x", assertThrows(MyExc.class, () -> Asyncio.await(c)).getMessage());
            return null;
        });
    }

    @Test
    void nextAfterTheEndThrowsNoSuchElement() {
        run(() -> {
            AsCompleted<Integer> it = Asyncio.asCompleted(List.of(Asyncio.createTask(() -> 1)));
            assertTrue(it.hasNext());
            assertEquals(1, Asyncio.await(it.next()));
            assertFalse(it.hasNext());
            assertThrows(java.util.NoSuchElementException.class, it::next);
            return null;
        });
    }

    @Test
    void emptyIterableYieldsNothingAndStartsNoTimer() {
        run(() -> {
            AsCompleted<Integer> it = Asyncio.asCompleted(List.<Future<Integer>>of(), 1.0);
            assertFalse(it.hasNext());
            return null;
        });
    }

    @Test
    void cancelledWaiterDoesNotLoseAFuture() {
        run(() -> {
            Task<String> a = Asyncio.createTask(sleeping(1, "a"));
            Task<String> b = Asyncio.createTask(sleeping(2, "b"));
            AsCompleted<String> it = Asyncio.asCompleted(List.of(a, b));
            Task<Future<String>> first = Asyncio.createTask(it::next);
            Task<Future<String>> second = Asyncio.createTask(it::next);
            Asyncio.sleep(0.5);
            first.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(first));
            assertSame(a, Asyncio.await(second));
            // asyncio counts the cancelled next() as taken: one future is left, and it is b
            assertFalse(it.hasNext());
            return null;
        });
    }

    @Test
    void cancelledAfterWakeUpPassesTheFutureOn() {
        run(() -> {
            Future<String> f = Asyncio.getRunningLoop().createFuture();
            Future<String> g = Asyncio.getRunningLoop().createFuture();
            AsCompleted<String> it = Asyncio.asCompleted(List.of(f, g));
            Task<Future<String>> first = Asyncio.createTask(it::next);
            Task<Future<String>> second = Asyncio.createTask(it::next);
            Asyncio.sleep(0);
            f.setResult("f");
            Asyncio.sleep(0); // the completion callback runs and wakes `first`
            first.cancel();   // ... which is cancelled before it resumes
            assertThrows(CancelledError.class, () -> Asyncio.await(first));
            assertSame(f, Asyncio.await(second));
            return null;
        });
    }

    @Test
    void durationTimeout() {
        run(() -> {
            Task<String> a = Asyncio.createTask(sleeping(5, "a"));
            AsCompleted<String> it = Asyncio.asCompleted(List.of(a), java.time.Duration.ofSeconds(1));
            assertThrows(TimeoutError.class, it::next);
            assertEquals(1.0, now(), 1e-9);
            a.cancel();
            return null;
        });
    }
}
