package io.jasyncio;

import static io.jasyncio.SyncTesting.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConditionTest {

    /** A task that waits on {@code cond} and records {@code tag}; releases the lock when {@code release}. */
    private static Task<Boolean> waiter(Condition cond, List<Integer> result, int tag, boolean release) {
        return Asyncio.createTask(() -> {
            cond.acquire();
            cond.await();
            result.add(tag);
            if (release) cond.release();
            return true;
        });
    }

    // ports test_locks.py::ConditionTests::test_wait
    @Test
    void await() {
        runTest(() -> {
            Condition cond = new Condition();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = waiter(cond, result, 1, false);
            Task<Boolean> t2 = waiter(cond, result, 2, false);
            Task<Boolean> t3 = waiter(cond, result, 3, false);
            Asyncio.sleep(0);
            assertEquals(List.of(), result);
            assertFalse(cond.locked());

            assertNotNull(cond.acquire());
            cond.signal();
            Asyncio.sleep(0);
            assertEquals(List.of(), result);
            assertTrue(cond.locked());

            cond.release();
            Asyncio.sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(cond.locked());

            cond.signal(2);
            Asyncio.sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(cond.locked());

            cond.release();
            Asyncio.sleep(0);
            assertEquals(List.of(1, 2), result);
            assertTrue(cond.locked());

            cond.release();
            Asyncio.sleep(0);
            assertEquals(List.of(1, 2, 3), result);
            assertTrue(cond.locked());
            for (Task<Boolean> t : List.of(t1, t2, t3)) {
                assertTrue(t.done());
                assertTrue(t.result());
            }
        });
    }

    // ports test_locks.py::ConditionTests::test_wait_cancel
    @Test
    void awaitCancel() {
        runTest(() -> {
            Condition cond = new Condition();
            cond.acquire();
            Task<Void> wait = spawn(cond::await);
            Asyncio.getRunningLoop().callSoon(wait::cancel);
            assertThrows(CancelledError.class, () -> Asyncio.await(wait));
            assertTrue(cond.waiters.isEmpty());
            assertTrue(cond.locked());
        });
    }

    // ports test_locks.py::ConditionTests::test_wait_cancel_contested
    @Test
    void awaitCancelContested() {
        runTest(() -> {
            Condition cond = new Condition();
            cond.acquire();
            assertTrue(cond.locked());
            Task<Void> waitTask = spawn(cond::await);
            Asyncio.sleep(0);
            assertFalse(cond.locked());

            // Signal, but contest the lock before cancelling.
            cond.acquire();
            assertTrue(cond.locked());
            cond.signal();
            Asyncio.getRunningLoop().callSoon(waitTask::cancel);
            Asyncio.getRunningLoop().callSoon(cond::release);
            try {
                Asyncio.await(waitTask);
            } catch (CancelledError e) {
                // Not expected (no cancellation point left), but tolerated as in CPython.
            }
            assertTrue(cond.locked());
        });
    }

    // ports test_locks.py::ConditionTests::test_wait_cancel_after_notify
    @Test
    void awaitCancelAfterSignal() {
        runTest(() -> {
            boolean[] waited = {false};
            Condition cond = new Condition();
            Task<Void> waiter = spawn(() -> {
                try (Guard held = cond.acquire()) {
                    waited[0] = true;
                    cond.await();
                }
            });
            Asyncio.sleep(0); // start waiting
            cond.acquire();
            cond.signal();
            Asyncio.sleep(0); // get to acquire()
            waiter.cancel();
            Asyncio.sleep(0); // activate cancellation
            cond.release();
            Asyncio.sleep(0); // cancellation should occur
            assertTrue(waiter.cancelled());
            assertTrue(waited[0]);
        });
    }

    // ports test_locks.py::ConditionTests::test_wait_unacquired
    @Test
    void awaitUnacquired() {
        runTest(() -> {
            Condition cond = new Condition();
            assertThrows(IllegalStateException.class, cond::await);
        });
    }

    // ports test_locks.py::ConditionTests::test_wait_for
    @Test
    void waitFor() {
        runTest(() -> {
            Condition cond = new Condition();
            boolean[] presult = {false};
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t = Asyncio.createTask(() -> {
                cond.acquire();
                if (cond.waitFor(() -> presult[0])) {
                    result.add(1);
                    cond.release();
                }
                return true;
            });
            Asyncio.sleep(0);
            assertEquals(List.of(), result);

            cond.acquire();
            cond.signal();
            cond.release();
            Asyncio.sleep(0);
            assertEquals(List.of(), result);

            presult[0] = true;
            cond.acquire();
            cond.signal();
            cond.release();
            Asyncio.sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(t.done());
            assertTrue(t.result());
        });
    }

    // ports test_locks.py::ConditionTests::test_wait_for_unacquired
    @Test
    void waitForUnacquired() {
        runTest(() -> {
            Condition cond = new Condition();
            // predicate can return true immediately (and then needs no lock); its value is returned
            List<Integer> res = cond.waitFor(() -> List.of(1, 2, 3));
            assertEquals(List.of(1, 2, 3), res);
            assertTrue(cond.waitFor(() -> true));
            assertThrows(IllegalStateException.class, () -> cond.waitFor(() -> false));
        });
    }

    /** wait_for returns the predicate's last value (issue 13 item 17), here the item that made it truthy. */
    @Test
    void waitForReturnsThePredicatesLastValue() {
        runTest(() -> {
            Condition cond = new Condition();
            java.util.ArrayDeque<String> items = new java.util.ArrayDeque<>();
            int[] calls = {0};
            Task<String> waiter = Asyncio.createTask(() -> cond.withLock(() -> cond.waitFor(() -> {
                calls[0]++;
                return items.peek();
            })));
            Asyncio.sleep(0);
            cond.withLock(() -> {
                cond.signal(); // woken with nothing there: it waits again
                return null;
            });
            Asyncio.sleep(0);
            assertFalse(waiter.done());
            cond.withLock(() -> {
                items.add("job-1");
                cond.signal();
                return null;
            });
            assertEquals("job-1", Asyncio.await(waiter));
            assertEquals(3, calls[0]);
            // a counter: the value, not true
            AtomicInteger ready = new AtomicInteger();
            Task<Integer> counted = Asyncio.createTask(() -> cond.withLock(() -> cond.waitFor(() -> ready.get())));
            Asyncio.sleep(0);
            cond.withLock(() -> {
                ready.set(7);
                cond.signalAll();
                return null;
            });
            assertEquals(7, Asyncio.await(counted));
        });
    }

    /** Python's truth test: falsy values make wait_for wait (here: fail, as the lock is not held). */
    @Test
    void waitForTruthinessIsPythons() {
        runTest(() -> {
            Condition cond = new Condition();
            for (Object falsy : new Object[] {null, false, 0, 0L, 0.0, -0.0f, (short) 0, java.math.BigInteger.ZERO,
                    new java.math.BigDecimal("0.000"), "", new StringBuilder(), List.of(), java.util.Set.of(),
                    java.util.Map.of(), java.util.Optional.empty(), new int[0], new Object[0]}) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> cond.waitFor(() -> falsy),
                        "falsy: " + falsy);
                assertEquals("cannot wait on un-acquired lock", e.getMessage());
            }
            for (Object truthy : new Object[] {true, 1, -1L, 0.5, Double.NaN, java.math.BigInteger.TWO,
                    new java.math.BigDecimal("1e-400"), " ", List.of(0), java.util.Map.of(0, 0),
                    java.util.Optional.of(""), new int[1], new Object()}) {
                assertSame(truthy, cond.waitFor(() -> truthy), "truthy: " + truthy);
            }
        });
    }

    // ports test_locks.py::ConditionTests::test_notify
    @Test
    void signal() {
        runTest(() -> {
            Condition cond = new Condition();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = waiter(cond, result, 1, true);
            Task<Boolean> t2 = waiter(cond, result, 2, true);
            Task<Boolean> t3 = waiter(cond, result, 3, true);
            Asyncio.sleep(0);
            assertEquals(List.of(), result);

            cond.acquire();
            cond.signal(1);
            cond.release();
            Asyncio.sleep(0);
            assertEquals(List.of(1), result);

            cond.acquire();
            cond.signal(1);
            cond.signal(2048);
            cond.release();
            Asyncio.sleep(0);
            assertEquals(List.of(1, 2, 3), result);
            for (Task<Boolean> t : List.of(t1, t2, t3)) {
                assertTrue(t.done());
                assertTrue(t.result());
            }
        });
    }

    // ports test_locks.py::ConditionTests::test_notify_all
    @Test
    void signalAll() {
        runTest(() -> {
            Condition cond = new Condition();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = waiter(cond, result, 1, true);
            Task<Boolean> t2 = waiter(cond, result, 2, true);
            Asyncio.sleep(0);
            assertEquals(List.of(), result);
            cond.acquire();
            cond.signalAll();
            cond.release();
            Asyncio.sleep(0);
            assertEquals(List.of(1, 2), result);
            assertTrue(t1.done() && t1.result());
            assertTrue(t2.done() && t2.result());
        });
    }

    // ports test_locks.py::ConditionTests::test_notify_unacquired
    @Test
    void signalUnacquired() {
        Condition cond = new Condition();
        assertThrows(IllegalStateException.class, cond::signal);
    }

    // ports test_locks.py::ConditionTests::test_notify_all_unacquired
    @Test
    void signalAllUnacquired() {
        Condition cond = new Condition();
        assertThrows(IllegalStateException.class, cond::signalAll);
    }

    // ports test_locks.py::ConditionTests::test_repr
    @Test
    void repr() {
        runTest(() -> {
            Condition cond = new Condition();
            assertTrue(cond.toString().contains("unlocked"));
            assertTrue(reprMatches(cond));
            cond.acquire();
            assertTrue(cond.toString().contains("[locked"));
            cond.waiters.add(Asyncio.getRunningLoop().createFuture());
            assertTrue(cond.toString().contains("waiters:1"));
            assertTrue(reprMatches(cond));
            cond.waiters.add(Asyncio.getRunningLoop().createFuture());
            assertTrue(cond.toString().contains("waiters:2"));
            assertTrue(reprMatches(cond));
        });
    }

    // ports test_locks.py::ConditionTests::test_context_manager
    @Test
    void contextManager() {
        runTest(() -> {
            Condition cond = new Condition();
            assertFalse(cond.locked());
            try (Guard held = cond.acquire()) {
                assertTrue(cond.locked());
            }
            assertFalse(cond.locked());
        });
    }

    // ports test_locks.py::ConditionTests::test_explicit_lock
    @Test
    void explicitLock() {
        runTest(() -> {
            checkExplicitLock(null, null);
            checkExplicitLock(new Lock(), null);
            Lock lock = new Lock();
            checkExplicitLock(lock, new Condition(lock));
        });
    }

    private static void checkExplicitLock(Lock lock, Condition cond) {
        if (lock == null) lock = new Lock();
        if (cond == null) cond = new Condition(lock);
        assertSame(lock, cond.lock);
        assertFalse(lock.locked());
        assertFalse(cond.locked());
        try (Guard held = cond.acquire()) {
            assertTrue(lock.locked());
            assertTrue(cond.locked());
        }
        assertFalse(lock.locked());
        assertFalse(cond.locked());
        try (Guard held = lock.acquire()) {
            assertTrue(lock.locked());
            assertTrue(cond.locked());
        }
        assertFalse(lock.locked());
        assertFalse(cond.locked());
    }

    // ports test_locks.py::ConditionTests::test_ambiguous_loops
    @Test
    void ambiguousLoops() {
        try (EventLoop other = new EventLoop()) {
            runTest(() -> {
                // wrong loop in the lock
                Lock lock = new Lock();
                lock.boundLoop = other;
                try (Guard held = lock.acquire()) { // acquired at once: no loop involved
                    Condition cond = new Condition(lock);
                    // cond.acquire() has to wait on the lock, which discovers the mismatch.
                    IllegalStateException e = assertThrows(IllegalStateException.class, cond::acquire);
                    assertTrue(e.getMessage().contains("is bound to a different event loop"));
                }
                // wrong loop in the condition
                Lock lock2 = new Lock();
                try (Guard held = lock2.acquire()) {
                    Condition cond = new Condition(lock2);
                    cond.boundLoop = other;
                    IllegalStateException e = assertThrows(IllegalStateException.class, cond::await);
                    assertTrue(e.getMessage().contains("is bound to a different event loop"));
                    assertTrue(lock2.locked()); // the check comes before the lock is released
                }
            });
        }
    }

    // ports test_locks.py::ConditionTests::test_timeout_in_block
    @Test
    void timeoutInBlock() {
        runTest(() -> {
            Condition condition = new Condition();
            try (Guard held = condition.acquire()) {
                assertThrows(TimeoutError.class, () -> withTimeout(0.5, co(condition::await)));
                assertTrue(condition.locked());
            }
        });
    }

    // ports test_locks.py::ConditionTests::test_cancelled_error_wakeup
    @Test
    void cancelledErrorWakeup() {
        runTest(() -> {
            CancelledError[] raised = {null};
            Condition cond = new Condition();
            Task<Void> task = spawn(() -> {
                try (Guard held = cond.acquire()) {
                    raised[0] = assertThrows(CancelledError.class, () -> cond.waitFor(() -> false));
                    throw raised[0];
                }
            });
            Asyncio.sleep(0);
            // The task waits on the condition: cancel it there.
            task.cancel("foo");
            CancelledError err = assertThrows(CancelledError.class, () -> Asyncio.await(task));
            assertEquals("foo", err.getMessage());
            // The very exception raised inside comes out.
            assertSame(raised[0], err);
        });
    }

    // ports test_locks.py::ConditionTests::test_cancelled_error_re_aquire
    @Test
    void cancelledErrorReacquire() {
        runTest(() -> {
            boolean[] wake = {false};
            CancelledError[] raised = {null};
            Condition cond = new Condition();
            Task<Void> task = spawn(() -> {
                try (Guard held = cond.acquire()) {
                    raised[0] = assertThrows(CancelledError.class, () -> cond.waitFor(() -> wake[0]));
                    assertTrue(cond.locked());
                    throw raised[0];
                }
            });
            Asyncio.sleep(0);
            cond.acquire();
            wake[0] = true;
            cond.signal();
            Asyncio.sleep(0);
            // The task is re-acquiring the lock now: cancel it there.
            task.cancel("foo");
            cond.release();
            CancelledError err = assertThrows(CancelledError.class, () -> Asyncio.await(task));
            assertEquals("foo", err.getMessage());
            assertSame(raised[0], err);
        });
    }

    /** The consumer of test_cancelled_wakeup*: consumes state while positive, ends when it is negative. */
    private static Task<Void> consumer(Condition condition, int[] state) {
        return spawn(() -> {
            try (Guard held = condition.acquire()) {
                while (true) {
                    condition.waitFor(() -> state[0] != 0);
                    if (state[0] < 0) return;
                    state[0]--;
                }
            }
        });
    }

    // ports test_locks.py::ConditionTests::test_cancelled_wakeup
    @Test
    void cancelledWakeup() {
        runTest(() -> {
            Condition condition = new Condition();
            int[] state = {0};
            List<Task<Void>> c = List.of(consumer(condition, state), consumer(condition, state));
            Asyncio.sleep(0);
            try (Guard held = condition.acquire()) {
                // Produce one item and wake one consumer, then cancel it before it runs.
                state[0]++;
                condition.signal(1);
                c.get(0).cancel();
                // The item must still be consumed (by the other consumer): the signal was not lost.
                try {
                    withTimeout(0.01, () -> condition.waitFor(() -> state[0] == 0));
                } catch (TimeoutError e) {
                    // checked below
                }
                assertEquals(0, state[0]);
                state[0] = -1;
                condition.signalAll();
            }
            Asyncio.await(c.get(1));
        });
    }

    // ports test_locks.py::ConditionTests::test_cancelled_wakeup_relock
    @Test
    void cancelledWakeupRelock() {
        runTest(() -> {
            Condition condition = new Condition();
            int[] state = {0};
            List<Task<Void>> c = List.of(consumer(condition, state), consumer(condition, state));
            Asyncio.sleep(0);
            try (Guard held = condition.acquire()) {
                state[0]++;
                condition.signal(1);
                // Let the woken consumer settle on re-acquiring the lock, then cancel it there.
                Asyncio.sleep(0);
                c.get(0).cancel();
                try {
                    withTimeout(0.01, () -> condition.waitFor(() -> state[0] == 0));
                } catch (TimeoutError e) {
                    // checked below
                }
                assertEquals(0, state[0]);
                state[0] = -1;
                condition.signalAll();
            }
            Asyncio.await(c.get(1));
        });
    }

    // ---- our own: cancellation at each await point of await(), with the lock invariant

    @Test
    void cancelWhileReacquiringHoldsLockWhenCancelledErrorArrives() {
        runTest(() -> {
            Condition cond = new Condition();
            boolean[] heldWhenCancelled = {false};
            Task<Void> t = spawn(() -> {
                cond.acquire();
                try {
                    cond.await();
                } catch (CancelledError e) {
                    heldWhenCancelled[0] = cond.locked();
                    cond.release();
                    throw e;
                }
            });
            Asyncio.sleep(0);
            cond.acquire();
            cond.signal();
            Asyncio.sleep(0); // t is now waiting for the lock we hold
            t.cancel();
            t.cancel(); // two cancellations while re-acquiring: still exactly one CancelledError, lock held
            Asyncio.sleep(0);
            assertFalse(t.done());
            cond.release();
            assertThrows(CancelledError.class, () -> Asyncio.await(t));
            assertTrue(heldWhenCancelled[0]);
            assertFalse(cond.locked());
        });
    }

    @Test
    void cancelledWaiterPassesSignalToNextWaiter() {
        runTest(() -> {
            Condition cond = new Condition();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> a = Asyncio.createTask(() -> cond.withLock(() -> { cond.await(); return result.add(1); }));
            Task<Boolean> b = Asyncio.createTask(() -> cond.withLock(() -> { cond.await(); return result.add(2); }));
            Asyncio.sleep(0);
            cond.acquire();
            cond.signal(1); // chooses a
            a.cancel();     // a gives up after being chosen
            cond.release();
            assertThrows(CancelledError.class, () -> Asyncio.await(a));
            Asyncio.await(b);
            assertEquals(List.of(2), result);
            assertFalse(cond.locked());
        });
    }

    @Test
    void withLockOnCondition() {
        runTest(() -> {
            Condition cond = new Condition();
            boolean[] flag = {false};
            Task<Void> w = spawn(() -> cond.withLock(() -> cond.waitFor(() -> flag[0])));
            Asyncio.sleep(0);
            cond.withLock(() -> {
                flag[0] = true;
                cond.signalAll();
                return null;
            });
            Asyncio.await(w);
            assertFalse(cond.locked());
        });
    }
}
