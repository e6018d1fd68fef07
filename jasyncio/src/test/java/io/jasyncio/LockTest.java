package io.jasyncio;

import static io.jasyncio.SyncTesting.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockTest {

    // ports test_locks.py::LockTests::test_repr
    @Test
    void repr() {
        runTest(() -> {
            Lock lock = new Lock();
            assertTrue(lock.toString().endsWith("[unlocked]>"), lock.toString());
            assertTrue(reprMatches(lock));
            lock.acquire();
            assertTrue(lock.toString().endsWith("[locked]>"));
            assertTrue(reprMatches(lock));
        });
    }

    // ports test_locks.py::LockTests::test_acquire
    @Test
    void acquire() {
        runTest(() -> {
            Lock lock = new Lock();
            List<Integer> result = new ArrayList<>();
            assertNotNull(lock.acquire());
            Task<Boolean> t1 = Asyncio.createTask(() -> { lock.acquire(); result.add(1); return true; });
            Task<Boolean> t2 = Asyncio.createTask(() -> { lock.acquire(); result.add(2); return true; });
            Asyncio.sleep(0);
            assertEquals(List.of(), result);
            lock.release();
            Asyncio.sleep(0);
            assertEquals(List.of(1), result);
            Asyncio.sleep(0);
            assertEquals(List.of(1), result);
            Task<Boolean> t3 = Asyncio.createTask(() -> { lock.acquire(); result.add(3); return true; });
            lock.release();
            Asyncio.sleep(0);
            assertEquals(List.of(1, 2), result);
            lock.release();
            Asyncio.sleep(0);
            assertEquals(List.of(1, 2, 3), result);
            for (Task<Boolean> t : List.of(t1, t2, t3)) {
                assertTrue(t.done());
                assertTrue(t.result());
            }
        });
    }

    // ports test_locks.py::LockTests::test_acquire_cancel
    @Test
    void acquireCancel() {
        runTest(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<Guard> task = Asyncio.createTask(lock::acquire);
            Asyncio.getRunningLoop().callSoon(task::cancel);
            assertThrows(CancelledError.class, () -> Asyncio.await(task));
            assertTrue(lock.waiters.isEmpty());
        });
    }

    // ports test_locks.py::LockTests::test_cancel_race
    @Test
    void cancelRace() {
        runTest(() -> {
            Lock lock = new Lock();
            Future<Void> fa = Asyncio.getRunningLoop().createFuture();
            Task<Void> ta = spawn(() -> {
                try (Guard g = lock.acquire()) {
                    Asyncio.await(fa);
                }
            });
            Asyncio.sleep(0);
            assertTrue(lock.locked());
            Task<Void> tb = spawn(() -> lock.withLock(() -> null));
            Asyncio.sleep(0);
            assertEquals(1, lock.waiters.size());
            Task<Void> tc = spawn(() -> lock.withLock(() -> null));
            Asyncio.sleep(0);
            assertEquals(2, lock.waiters.size());

            // Create the race: B's waiter is cancelled but still queued when A releases.
            fa.setResult(null);
            tb.cancel();
            assertTrue(lock.waiters.peekFirst().cancelled());
            Asyncio.sleep(0);
            assertFalse(lock.locked());
            assertTrue(ta.done());
            assertTrue(tb.cancelled());
            Asyncio.await(tc);
        });
    }

    // ports test_locks.py::LockTests::test_cancel_release_race
    @Test
    void cancelReleaseRace() {
        runTest(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Lock lock = new Lock();
            int[] lockCount = {0};
            int[] callCount = {0};
            Body lockit = () -> {
                callCount[0]++;
                lock.acquire();
                lockCount[0]++;
            };
            lock.acquire();
            Task<Void> t1 = spawn(lockit);
            Task<Void> t2 = spawn(lockit);
            Task<Void> t3 = spawn(lockit);
            Asyncio.sleep(0);
            loop.callSoon(() -> {
                t1.cancel();
                lock.release();
            });
            assertThrows(CancelledError.class, () -> Asyncio.await(t1));
            // Only one task got the lock, although three tried.
            assertEquals(1, lockCount[0]);
            assertEquals(3, callCount[0]);
            assertTrue(t1.cancelled() && t2.done());
            t3.cancel();
            Asyncio.sleep(0);
            assertTrue(t3.cancelled());
        });
    }

    // ports test_locks.py::LockTests::test_finished_waiter_cancelled
    @Test
    void finishedWaiterCancelled() {
        runTest(() -> {
            Lock lock = new Lock();
            lock.acquire();
            assertTrue(lock.locked());
            Task<Guard> tb = Asyncio.createTask(lock::acquire);
            Asyncio.sleep(0);
            assertEquals(1, lock.waiters.size());
            // A second waiter; wake the first, and cancel it: the second must still be woken.
            Task<Guard> tc = Asyncio.createTask(lock::acquire);
            tb.cancel();
            lock.release();
            Asyncio.sleep(0);
            assertTrue(lock.locked());
            assertTrue(tb.cancelled());
            Asyncio.await(tc);
        });
    }

    // ports test_locks.py::LockTests::test_release_not_acquired
    @Test
    void releaseNotAcquired() {
        Lock lock = new Lock();
        assertThrows(IllegalStateException.class, lock::release);
    }

    // ports test_locks.py::LockTests::test_release_no_waiters
    @Test
    void releaseNoWaiters() {
        runTest(() -> {
            Lock lock = new Lock();
            lock.acquire();
            assertTrue(lock.locked());
            lock.release();
            assertFalse(lock.locked());
        });
    }

    // ports test_locks.py::LockTests::test_context_manager
    @Test
    void contextManager() {
        runTest(() -> {
            Lock lock = new Lock();
            assertFalse(lock.locked());
            try (Guard held = lock.acquire()) {
                assertTrue(lock.locked());
            }
            assertFalse(lock.locked());
            lock.withLock(() -> {
                assertTrue(lock.locked());
                return null;
            });
            assertFalse(lock.locked());
        });
    }

    // ports test_pep492.py::LockTests::test_context_manager_async_with
    @Test
    void contextManagerAsyncWithEveryPrimitive() {
        List<Acquirable> primitives = List.of(new Lock(), new Condition(), new Semaphore(), new BoundedSemaphore());
        for (Acquirable lock : primitives) {
            runTest(() -> {
                Asyncio.sleep(0.01);
                assertFalse(lock.locked());
                try (Guard held = lock.acquire()) {
                    assertTrue(lock.locked());
                    Asyncio.sleep(0.01);
                    assertTrue(lock.locked());
                }
                assertFalse(lock.locked());
            });
            assertFalse(lock.locked());
        }
    }

    // ---- our own: the Java forms and cancellation at the await point

    @Test
    void withLockReleasesWhenBodyThrowsAndRethrowsUnchanged() {
        runTest(() -> {
            Lock lock = new Lock();
            Exception boom = new java.io.IOException("boom");
            Exception thrown = assertThrows(java.io.IOException.class, () -> lock.withLock(() -> { throw boom; }));
            assertSame(boom, thrown);
            assertFalse(lock.locked());
        });
    }

    @Test
    void withLockReturnsBodyResult() {
        runTest(() -> assertEquals("x", new Lock().withLock(() -> "x")));
    }

    @Test
    void guardReleasesOnlyOnce() {
        runTest(() -> {
            Lock lock = new Lock();
            Guard g = lock.acquire();
            g.close();
            assertFalse(lock.locked());
            lock.acquire();
            g.close(); // a second close must not release the lock someone else now holds
            assertTrue(lock.locked());
        });
    }

    @Test
    void cancelledBodyInsideWithLockReleasesAndNextWaiterProceeds() {
        runTest(() -> {
            Lock lock = new Lock();
            List<String> log = new ArrayList<>();
            Task<Void> holder = spawn(() -> lock.withLock(() -> { Asyncio.sleep(10); return null; }));
            Task<Void> next = spawn(() -> lock.withLock(() -> { log.add("next"); return null; }));
            Asyncio.sleep(1);
            holder.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(holder));
            Asyncio.await(next);
            assertEquals(List.of("next"), log);
            assertFalse(lock.locked());
        });
    }

    @Test
    void fifoEvenWhenLockIsMomentarilyFree() {
        runTest(() -> {
            Lock lock = new Lock();
            List<String> order = new ArrayList<>();
            lock.acquire();
            Task<Void> a = spawn(() -> lock.withLock(() -> order.add("a")));
            Asyncio.sleep(0);
            lock.release(); // a is woken, but has not run yet
            Task<Void> b = spawn(() -> lock.withLock(() -> order.add("b")));
            gather(a, b);
            assertEquals(List.of("a", "b"), order);
        });
    }

    @Test
    void cancelWhileWaitingWithLockFreeWakesNext() {
        // The head waiter is cancelled while the lock is free and it is already chosen: the turn passes on.
        runTest(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<Guard> first = Asyncio.createTask(lock::acquire);
            Task<Guard> second = Asyncio.createTask(lock::acquire);
            Asyncio.sleep(0);
            lock.release();
            first.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(first));
            Asyncio.await(second);
            assertTrue(lock.locked());
            assertTrue(lock.waiters.isEmpty());
        });
    }

    @Test
    void boundToItsFirstLoop() {
        Lock lock = new Lock();
        runTest(() -> {
            lock.acquire();
            Task<Guard> t = Asyncio.createTask(lock::acquire);
            Asyncio.sleep(0);
            t.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(t));
        });
        runTest(() -> {
            // Uncontended acquire works anywhere (no loop involved), waiting does not.
            IllegalStateException e = assertThrows(IllegalStateException.class, lock::acquire);
            assertTrue(e.getMessage().contains("is bound to a different event loop"), e.getMessage());
        });
    }

    @Test
    void waitingOutsideATaskIsRefused() {
        Lock lock = new Lock();
        runTest(() -> { lock.acquire(); });
        IllegalStateException e = assertThrows(IllegalStateException.class, lock::acquire);
        assertTrue(e.getMessage().contains("running event loop"), e.getMessage());
    }
}
