package io.jasyncio;

import static io.jasyncio.SyncTesting.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SemaphoreTest {

    // ports test_locks.py::SemaphoreTests::test_initial_value_zero
    @Test
    void initialValueZero() {
        Semaphore sem = new Semaphore(0);
        assertTrue(sem.locked());
    }

    // ports test_locks.py::SemaphoreTests::test_repr
    @Test
    void repr() {
        runTest(() -> {
            Semaphore sem = new Semaphore();
            assertTrue(sem.toString().endsWith("[unlocked, value:1]>"), sem.toString());
            assertTrue(reprMatches(sem));
            sem.acquire();
            assertTrue(sem.toString().endsWith("[locked]>"));
            assertFalse(sem.toString().contains("waiters"));
            assertTrue(reprMatches(sem));
            sem.waiters.add(Asyncio.getRunningLoop().createFuture());
            assertTrue(sem.toString().contains("waiters:1"));
            assertTrue(reprMatches(sem));
            sem.waiters.add(Asyncio.getRunningLoop().createFuture());
            assertTrue(sem.toString().contains("waiters:2"));
            assertTrue(reprMatches(sem));
        });
    }

    // ports test_locks.py::SemaphoreTests::test_semaphore_value
    @Test
    void semaphoreValue() {
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
    }

    private static Task<Boolean> acquirer(Semaphore sem, List<Integer> result, int tag) {
        return Asyncio.createTask(() -> {
            sem.acquire();
            result.add(tag);
            return true;
        });
    }

    // ports test_locks.py::SemaphoreTests::test_acquire
    @Test
    void acquire() {
        runTest(() -> {
            Semaphore sem = new Semaphore(3);
            List<Integer> result = new ArrayList<>();
            assertNotNull(sem.acquire());
            assertNotNull(sem.acquire());
            assertFalse(sem.locked());

            Task<Boolean> t1 = acquirer(sem, result, 1);
            Task<Boolean> t2 = acquirer(sem, result, 2);
            Task<Boolean> t3 = acquirer(sem, result, 3);
            Asyncio.sleep(0);
            assertEquals(List.of(1), result);
            assertTrue(sem.locked());
            assertEquals(2, sem.waiters.size());
            assertEquals(0, sem.value);

            Task<Boolean> t4 = acquirer(sem, result, 4);
            sem.release();
            sem.release();
            assertEquals(0, sem.value);

            Asyncio.sleep(0);
            assertEquals(0, sem.value);
            assertEquals(3, result.size());
            assertTrue(sem.locked());
            assertEquals(1, sem.waiters.size());
            assertEquals(0, sem.value);

            assertTrue(t1.done());
            assertTrue(t1.result());
            List<Task<Boolean>> raceTasks = List.of(t2, t3, t4);
            long doneTasks = raceTasks.stream().filter(t -> t.done() && t.result()).count();
            assertEquals(2, doneTasks);

            // clean up the locked semaphore
            sem.release();
            gather(raceTasks);
        });
    }

    // ports test_locks.py::SemaphoreTests::test_acquire_cancel
    @Test
    void acquireCancel() {
        runTest(() -> {
            Semaphore sem = new Semaphore();
            sem.acquire();
            Task<Guard> acquire = Asyncio.createTask(sem::acquire);
            Asyncio.getRunningLoop().callSoon(acquire::cancel);
            assertThrows(CancelledError.class, () -> Asyncio.await(acquire));
            assertTrue(sem.waiters.isEmpty() || sem.waiters.stream().allMatch(Future::done));
        });
    }

    // ports test_locks.py::SemaphoreTests::test_acquire_cancel_before_awoken
    @Test
    void acquireCancelBeforeAwoken() {
        runTest(() -> {
            Semaphore sem = new Semaphore(0);
            Task<Guard> t1 = Asyncio.createTask(sem::acquire);
            Task<Guard> t2 = Asyncio.createTask(sem::acquire);
            Task<Guard> t3 = Asyncio.createTask(sem::acquire);
            Task<Guard> t4 = Asyncio.createTask(sem::acquire);
            Asyncio.sleep(0);
            t1.cancel();
            t2.cancel();
            sem.release();
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            int numDone = (t3.done() ? 1 : 0) + (t4.done() ? 1 : 0);
            assertEquals(1, numDone);
            assertTrue(t3.done());
            assertFalse(t4.done());
            t3.cancel();
            t4.cancel();
            Asyncio.sleep(0);
        });
    }

    // ports test_locks.py::SemaphoreTests::test_acquire_hang
    @Test
    void acquireHang() {
        runTest(() -> {
            Semaphore sem = new Semaphore(0);
            Task<Guard> t1 = Asyncio.createTask(sem::acquire);
            Task<Guard> t2 = Asyncio.createTask(sem::acquire);
            Asyncio.sleep(0);
            t1.cancel();
            sem.release();
            Asyncio.sleep(0);
            Asyncio.sleep(0);
            assertTrue(sem.locked());
            assertTrue(t2.done());
        });
    }

    // ports test_locks.py::SemaphoreTests::test_acquire_no_hang
    @Test
    void acquireNoHang() {
        runTest(() -> {
            Semaphore sem = new Semaphore(1);
            Task<?>[] t2 = {null};
            Task<Void> t1 = spawn(() -> {
                try (Guard held = sem.acquire()) {
                    Asyncio.sleep(0);
                }
                t2[0].cancel();
            });
            t2[0] = spawn(() -> {
                try (Guard held = sem.acquire()) {
                    fail("c2 must be cancelled before it gets the semaphore");
                }
            });
            List<Object> r = gatherReturnExceptions(List.of(t1, t2[0]));
            assertNull(r.get(0));
            assertInstanceOf(CancelledError.class, r.get(1));
            withTimeout(1.0, co(sem::acquire));
        });
    }

    // ports test_locks.py::SemaphoreTests::test_release_not_acquired
    @Test
    void releaseNotAcquired() {
        BoundedSemaphore sem = new BoundedSemaphore();
        assertThrows(IllegalArgumentException.class, sem::release);
    }

    // ports test_locks.py::SemaphoreTests::test_release_no_waiters
    @Test
    void releaseNoWaiters() {
        runTest(() -> {
            Semaphore sem = new Semaphore();
            sem.acquire();
            assertTrue(sem.locked());
            sem.release();
            assertFalse(sem.locked());
        });
    }

    // ports test_locks.py::SemaphoreTests::test_acquire_fifo_order
    @Test
    void acquireFifoOrder() {
        runTest(() -> {
            Semaphore sem = new Semaphore(1);
            List<String> result = new ArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (String tag : List.of("c1", "c2", "c3")) {
                tasks.add(spawn(() -> {
                    sem.acquire();
                    result.add(tag + "_1");
                    Asyncio.sleep(0.01);
                    sem.release();
                    sem.acquire();
                    result.add(tag + "_2");
                    Asyncio.sleep(0.01);
                    sem.release();
                }));
            }
            gather(tasks);
            assertEquals(List.of("c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"), result);
        });
    }

    // ports test_locks.py::SemaphoreTests::test_acquire_fifo_order_2
    @Test
    void acquireFifoOrder2() {
        runTest(() -> {
            Semaphore sem = new Semaphore(1);
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = acquirer(sem, result, 1);
            Task<Boolean> t2 = Asyncio.createTask(() -> {
                sem.acquire();
                result.add(2);
                sem.release();
                sem.acquire();
                result.add(4);
                return true;
            });
            Task<Boolean> t3 = acquirer(sem, result, 3);
            Asyncio.sleep(0);
            sem.release();
            sem.release();
            gather(t1, t2, t3);
            assertEquals(List.of(1, 2, 3, 4), result);
        });
    }

    // ports test_locks.py::SemaphoreTests::test_acquire_fifo_order_3
    @Test
    void acquireFifoOrder3() {
        runTest(() -> {
            Semaphore sem = new Semaphore(0);
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t1 = acquirer(sem, result, 1);
            Task<Boolean> t2 = acquirer(sem, result, 2);
            Task<Boolean> t3 = acquirer(sem, result, 3);
            Asyncio.sleep(0);
            t1.cancel();
            Asyncio.sleep(0);
            sem.release();
            sem.release();
            gatherReturnExceptions(List.of(t1, t2, t3));
            assertEquals(List.of(2, 3), result);
        });
    }

    // ports test_locks.py::SemaphoreTests::test_acquire_fifo_order_4
    @Test
    void acquireFifoOrder4() {
        // A successful acquire() wakes up the further tasks that waited behind it only for FIFO's sake.
        runTest(() -> {
            Semaphore sem = new Semaphore(0);
            List<Integer> result = new ArrayList<>();
            List<Task<Boolean>> t4 = new ArrayList<>();
            Task<Boolean> t1 = Asyncio.createTask(() -> {
                assertEquals(0, sem.value);
                sem.acquire();
                // All the waiting tasks have been woken now.
                assertEquals(0, sem.value);
                // A fourth task must run after c3, not c2.
                t4.add(Asyncio.createTask(() -> result.add(4)));
                result.add(1);
                return true;
            });
            Task<Boolean> t2 = Asyncio.createTask(() -> {
                // Release three times, for c1, c2 and c3.
                sem.release();
                sem.release();
                sem.release();
                assertEquals(2, sem.value);
                // Locked, because c1 has not woken up yet.
                assertTrue(sem.locked());
                sem.acquire();
                result.add(2);
                return true;
            });
            Task<Boolean> t3 = Asyncio.createTask(() -> {
                sem.acquire();
                assertTrue(sem.locked());
                result.add(3);
                return true;
            });
            Asyncio.sleep(0);
            // Three tasks are queued; the first has not woken up yet.
            assertEquals(2, sem.value);
            assertEquals(3, sem.waiters.size());
            Asyncio.sleep(0);
            gather(t1, t2, t3, t4.get(0));
            assertEquals(List.of(1, 2, 3, 4), result);
        });
    }

    // ---- our own: cancellation at the await point, permits never lost or duplicated

    @Test
    void cancelAfterBeingHandedAPermitGivesItToTheNextWaiter() {
        runTest(() -> {
            Semaphore sem = new Semaphore(0);
            Task<Guard> a = Asyncio.createTask(sem::acquire);
            Task<Guard> b = Asyncio.createTask(sem::acquire);
            Asyncio.sleep(0);
            sem.release(); // hands the permit to a
            a.cancel();    // before a runs
            assertThrows(CancelledError.class, () -> Asyncio.await(a));
            Asyncio.await(b);
            assertEquals(0, sem.value);
            assertTrue(sem.locked());
            assertTrue(sem.waiters.isEmpty());
        });
    }

    @Test
    void permitsAreConservedUnderCancellationStorm() {
        runTest(() -> {
            Semaphore sem = new Semaphore(2);
            int[] inside = {0};
            int[] maxInside = {0};
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                tasks.add(spawn(() -> {
                    try (Guard permit = sem.acquire()) {
                        inside[0]++;
                        maxInside[0] = Math.max(maxInside[0], inside[0]);
                        try {
                            Asyncio.sleep(1);
                        } finally {
                            inside[0]--;
                        }
                    }
                }));
            }
            Asyncio.sleep(0);
            for (int i = 0; i < tasks.size(); i += 3) tasks.get(i).cancel(); // holders and waiters alike
            Asyncio.sleep(0.5);
            for (int i = 1; i < tasks.size(); i += 5) tasks.get(i).cancel();
            gatherReturnExceptions(tasks);
            assertEquals(2, maxInside[0]);
            assertEquals(2, sem.value);
            assertFalse(sem.locked());
            assertTrue(sem.waiters.isEmpty());
        });
    }

    @Test
    void boundedSemaphoreGuardRelease() {
        runTest(() -> {
            BoundedSemaphore sem = new BoundedSemaphore(2);
            try (Guard a = sem.acquire(); Guard b = sem.acquire()) {
                assertTrue(sem.locked());
            }
            assertFalse(sem.locked());
            assertThrows(IllegalArgumentException.class, sem::release);
        });
    }
}
