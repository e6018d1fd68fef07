package io.jasyncio;

import static io.jasyncio.SyncTesting.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BarrierTest {
    private static final int N = 5;

    private static <T> List<Task<T>> makeTasks(int n, Coroutine<T> coro) {
        List<Task<T>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) tasks.add(Asyncio.createTask(coro));
        return tasks;
    }

    private static <T> List<Object> gatherTasks(int n, Coroutine<T> coro) {
        return gather(makeTasks(n, coro));
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    // ports test_locks.py::BarrierTests::test_repr
    @Test
    void repr() {
        runTest(() -> {
            Barrier barrier = new Barrier(N);
            assertTrue(reprMatches(barrier), barrier.toString());
            assertTrue(barrier.toString().contains("filling"));

            List<Task<Integer>> waiters = new ArrayList<>();
            int incr = 2;
            for (int i = 0; i < incr; i++) waiters.add(Asyncio.createTask(barrier::await));
            Asyncio.sleep(0);
            assertTrue(reprMatches(barrier));
            assertTrue(barrier.toString().contains("waiters:" + incr + "/" + N), barrier.toString());
            assertTrue(barrier.toString().contains("filling"));

            // the missing waiters
            int missing = barrier.parties() - barrier.nWaiting();
            for (int i = 0; i < missing; i++) waiters.add(Asyncio.createTask(barrier::await));
            Asyncio.sleep(0);
            assertTrue(reprMatches(barrier));
            assertTrue(barrier.toString().contains("draining"));

            // some waiters, then reset
            for (int i = 0; i < incr; i++) waiters.add(Asyncio.createTask(barrier::await));
            Asyncio.sleep(0);
            barrier.reset();
            assertTrue(reprMatches(barrier));
            assertTrue(barrier.toString().contains("resetting"));

            // some waiters again, then abort
            for (int i = 0; i < incr; i++) waiters.add(Asyncio.createTask(barrier::await));
            Asyncio.sleep(0);
            barrier.abort();
            assertTrue(reprMatches(barrier));
            assertTrue(barrier.toString().contains("broken"));
            assertTrue(barrier.broken());

            gatherReturnExceptions(waiters);
        });
    }

    // ports test_locks.py::BarrierTests::test_barrier_parties
    @Test
    void barrierParties() {
        assertThrows(IllegalArgumentException.class, () -> new Barrier(0));
        assertThrows(IllegalArgumentException.class, () -> new Barrier(-4));
        assertEquals(N, new Barrier(N).parties());
    }

    // ports test_locks.py::BarrierTests::test_context_manager
    @Test
    void contextManager() {
        runTest(() -> {
            int n = 3;
            Barrier barrier = new Barrier(n);
            List<Integer> results = new ArrayList<>();
            gatherTasks(n, () -> results.add(barrier.await()));
            Collections.sort(results);
            assertEquals(range(n), results);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_filling_one_task
    @Test
    void fillingOneTask() {
        runTest(() -> {
            Barrier barrier = new Barrier(1);
            assertEquals(0, barrier.await());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_filling_one_task_twice
    @Test
    void fillingOneTaskTwice() {
        runTest(() -> {
            Barrier barrier = new Barrier(1);
            Task<Integer> t1 = Asyncio.createTask(barrier::await);
            Asyncio.sleep(0);
            assertEquals(0, barrier.nWaiting());
            Task<Integer> t2 = Asyncio.createTask(barrier::await);
            Asyncio.sleep(0);
            assertEquals(t1.result(), t2.result());
            assertEquals(t1.done(), t2.done());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_filling_task_by_task
    @Test
    void fillingTaskByTask() {
        runTest(() -> {
            Barrier barrier = new Barrier(3);
            Task<Integer> t1 = Asyncio.createTask(barrier::await);
            Asyncio.sleep(0);
            assertEquals(1, barrier.nWaiting());
            assertTrue(barrier.toString().contains("filling"));
            Task<Integer> t2 = Asyncio.createTask(barrier::await);
            Asyncio.sleep(0);
            assertEquals(2, barrier.nWaiting());
            assertTrue(barrier.toString().contains("filling"));
            Task<Integer> t3 = Asyncio.createTask(barrier::await);
            Asyncio.sleep(0);
            gather(t1, t2, t3);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_filling_tasks_wait_twice
    @Test
    void fillingTasksWaitTwice() {
        runTest(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results = new ArrayList<>();
            gatherTasks(N, () -> {
                barrier.await();
                results.add(true);
                barrier.await();
                results.add(false);
                return null;
            });
            assertEquals(N * 2, results.size());
            assertEquals(N, Collections.frequency(results, true));
            assertEquals(N, Collections.frequency(results, false));
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_filling_tasks_check_return_value
    @Test
    void fillingTasksCheckReturnValue() {
        runTest(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            List<Object> res = gatherTasks(N, () -> {
                barrier.await();
                results1.add(true);
                int i = barrier.await();
                results2.add(true);
                return i;
            });
            assertEquals(N, results1.size());
            assertEquals(N, results2.size());
            List<Object> sorted = new ArrayList<>(res);
            sorted.sort(null);
            assertEquals(range(N), sorted);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_draining_state
    @Test
    void drainingState() {
        runTest(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results = new ArrayList<>();
            // The last task out switches the barrier back to filling.
            gatherTasks(N, () -> {
                barrier.await();
                return results.add(barrier.toString().contains("draining"));
            });
            assertEquals(N, results.size());
            assertFalse(results.get(N - 1));
            assertTrue(results.subList(0, N - 1).stream().allMatch(b -> b));
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_blocking_tasks_while_draining
    @Test
    void blockingTasksWhileDraining() {
        runTest(() -> {
            int rewait = 2;
            Barrier barrier = new Barrier(N);
            Barrier barrierNowaiting = new Barrier(N - rewait);
            int[] rewaitN = {rewait};
            // Success means barrierNowaiting was waited for exactly N - rewait times.
            gatherTasks(N, () -> {
                barrier.await();
                if (rewaitN[0] > 0) {
                    rewaitN[0]--;
                    barrier.await(); // again, only the rewait tasks
                } else {
                    barrierNowaiting.await(); // end of draining
                    barrier.await();          // with the other waiting tasks
                }
                return null;
            });
        });
    }

    // ports test_locks.py::BarrierTests::test_filling_tasks_cancel_one
    @Test
    void fillingTasksCancelOne() {
        runTest(() -> {
            Barrier barrier = new Barrier(3);
            List<Boolean> results = new ArrayList<>();
            Coroutine<Void> coro = co(() -> {
                barrier.await();
                results.add(true);
            });
            Task<Void> t1 = Asyncio.createTask(coro);
            Asyncio.sleep(0);
            assertEquals(1, barrier.nWaiting());
            Task<Void> t2 = Asyncio.createTask(coro);
            Asyncio.sleep(0);
            assertEquals(2, barrier.nWaiting());

            t1.cancel();
            Asyncio.sleep(0);
            assertEquals(1, barrier.nWaiting());
            assertThrows(CancelledError.class, () -> Asyncio.await(t1));
            assertTrue(t1.cancelled());

            Task<Void> t3 = Asyncio.createTask(coro);
            Asyncio.sleep(0);
            assertEquals(2, barrier.nWaiting());
            Task<Void> t4 = Asyncio.createTask(coro);
            gather(t2, t3, t4);
            assertEquals(3, results.size());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_reset_barrier
    @Test
    void resetBarrier() {
        runTest(() -> {
            Barrier barrier = new Barrier(1);
            spawn(barrier::reset);
            Asyncio.sleep(0);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_reset_barrier_while_tasks_waiting
    @Test
    void resetBarrierWhileTasksWaiting() {
        runTest(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results = new ArrayList<>();
            // N-1 tasks waiting on a barrier of N parties
            List<Task<Void>> tasks = makeTasks(N - 1, co(() -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results.add(true);
                }
            }));
            Asyncio.sleep(0);
            spawn(barrier::reset);
            gather(tasks);
            assertEquals(N - 1, results.size());
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.toString().contains("resetting"));
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_reset_barrier_when_tasks_half_draining
    @Test
    void resetBarrierWhenTasksHalfDraining() {
        runTest(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            int restOfTasks = N / 2;
            gatherTasks(N, co(() -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results1.add(true); // tasks still waiting
                    return;
                }
                // a drained task, outside the barrier
                if (restOfTasks == barrier.count) barrier.reset();
            }));
            assertEquals(Collections.nCopies(restOfTasks, true), results1);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.toString().contains("resetting"));
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_reset_barrier_when_tasks_half_draining_half_blocking
    @Test
    void resetBarrierWhenTasksHalfDrainingHalfBlocking() {
        runTest(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            int blockingTasks = N / 2;
            int[] count = {0};
            gatherTasks(N, co(() -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results1.add(true); // still waiting: wait again to reach the parties
                    barrier.await();
                    return;
                }
                count[0]++;
                if (count[0] > blockingTasks) {
                    barrier.reset(); // BrokenBarrierError for the waiting tasks
                    barrier.await();
                } else {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierError e) {
                        results2.add(true); // never: blocked tasks go on waiting
                    }
                }
            }));
            assertEquals(Collections.nCopies(blockingTasks, true), results1);
            assertEquals(List.of(), results2);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.toString().contains("resetting"));
            assertFalse(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_reset_barrier_while_tasks_waiting_and_waiting_again
    @Test
    void resetBarrierWhileTasksWaitingAndWaitingAgain() {
        runTest(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            List<Task<Void>> tasks = makeTasks(N - 1, co(() -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results1.add(true);
                } finally {
                    barrier.await();
                    results2.add(true);
                }
            }));
            // reset: the N-1 waiting tasks get BrokenBarrierError
            spawn(barrier::reset);
            Asyncio.sleep(0);
            // complete the waiting tasks in their finally
            spawn(() -> {
                barrier.await();
                results2.add(true);
            });
            gather(tasks);
            assertFalse(barrier.broken());
            assertEquals(N - 1, results1.size());
            assertEquals(N, results2.size());
            assertEquals(0, barrier.nWaiting());
        });
    }

    // ports test_locks.py::BarrierTests::test_reset_barrier_while_tasks_draining
    @Test
    void resetBarrierWhileTasksDraining() {
        runTest(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            List<Boolean> results3 = new ArrayList<>();
            int[] count = {0};
            gatherTasks(N, co(() -> {
                barrier.await();
                count[0]++;
                if (count[0] == N) {
                    // the last task out of the barrier
                    barrier.reset();
                    barrier.await();
                } else {
                    try {
                        barrier.await();
                        results1.add(true); // N-1 tasks here
                    } catch (RuntimeException e) {
                        results2.add(true); // never here
                    }
                }
                // pass the barrier once more: must complete
                barrier.await();
                results3.add(true);
            }));
            assertFalse(barrier.broken());
            assertEquals(N - 1, results1.size());
            assertEquals(0, results2.size());
            assertEquals(N, results3.size());
            assertEquals(0, barrier.nWaiting());
        });
    }

    // ports test_locks.py::BarrierTests::test_abort_barrier
    @Test
    void abortBarrier() {
        runTest(() -> {
            Barrier barrier = new Barrier(1);
            spawn(barrier::abort);
            Asyncio.sleep(0);
            assertEquals(0, barrier.nWaiting());
            assertTrue(barrier.broken());
        });
    }

    // ports test_locks.py::BarrierTests::test_abort_barrier_when_tasks_half_draining_half_blocking
    @Test
    void abortBarrierWhenTasksHalfDrainingHalfBlocking() {
        runTest(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            int blockingTasks = N / 2;
            int[] count = {0};
            gatherTasks(N, co(() -> {
                try {
                    barrier.await();
                } catch (BrokenBarrierError e) {
                    results1.add(true); // tasks waiting to drain
                    return;
                }
                count[0]++;
                if (count[0] > blockingTasks) {
                    barrier.abort(); // BrokenBarrierError for all tasks
                } else {
                    try {
                        barrier.await();
                    } catch (BrokenBarrierError e) {
                        results2.add(true); // blocked tasks (already drained)
                    }
                }
            }));
            assertTrue(barrier.broken());
            assertEquals(Collections.nCopies(blockingTasks, true), results1);
            assertEquals(Collections.nCopies(N - blockingTasks - 1, true), results2);
            assertEquals(0, barrier.nWaiting());
            assertFalse(barrier.toString().contains("resetting"));
        });
    }

    // ports test_locks.py::BarrierTests::test_abort_barrier_when_exception
    @Test
    void abortBarrierWhenException() {
        runTest(() -> {
            Barrier barrier = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            gatherTasks(N, co(() -> {
                try {
                    int i = barrier.await();
                    if (i == N / 2) throw new ArithmeticException("boom");
                    barrier.await();
                    results1.add(true);
                } catch (BrokenBarrierError e) {
                    results2.add(true);
                } catch (ArithmeticException e) {
                    barrier.abort();
                }
            }));
            assertTrue(barrier.broken());
            assertEquals(0, results1.size());
            assertEquals(N - 1, results2.size());
            assertEquals(0, barrier.nWaiting());
        });
    }

    // ports test_locks.py::BarrierTests::test_abort_barrier_when_exception_then_resetting
    @Test
    void abortBarrierWhenExceptionThenResetting() {
        runTest(() -> {
            Barrier barrier1 = new Barrier(N);
            Barrier barrier2 = new Barrier(N);
            List<Boolean> results1 = new ArrayList<>();
            List<Boolean> results2 = new ArrayList<>();
            List<Boolean> results3 = new ArrayList<>();
            gatherTasks(N, co(() -> {
                try {
                    int i = barrier1.await();
                    if (i == N / 2) throw new ArithmeticException("boom");
                    barrier1.await();
                    results1.add(true);
                } catch (BrokenBarrierError e) {
                    results2.add(true);
                } catch (ArithmeticException e) {
                    barrier1.abort();
                }
                // Synchronize, reset, synchronize: everyone has left barrier1 before the reset, and nobody
                // enters it before the reset is done.
                int i = barrier2.await();
                if (i == N / 2) barrier1.reset();
                barrier2.await();
                barrier1.await();
                results3.add(true);
            }));
            assertFalse(barrier1.broken());
            assertEquals(0, results1.size());
            assertEquals(N - 1, results2.size());
            assertEquals(N, results3.size());
            assertEquals(0, barrier1.nWaiting());
        });
    }

    // ---- our own: cancellation at each await point of await(), reset() and abort()

    @Test
    void cancelWhileBlockedByDrainingLeavesCountsIntact() {
        runTest(() -> {
            Barrier barrier = new Barrier(2);
            Task<Integer> a = Asyncio.createTask(barrier::await);
            Task<Integer> b = Asyncio.createTask(barrier::await);
            Task<Integer> late = Asyncio.createTask(barrier::await);
            Asyncio.sleep(0);
            // b released the round; a has not left yet, so late is blocked until the barrier drains.
            assertTrue(barrier.toString().contains("draining"), barrier.toString());
            assertFalse(late.done());
            late.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(late));
            assertEquals(List.of(0, 1), gather(a, b));
            assertEquals(0, barrier.count);
            assertEquals(0, barrier.nWaiting());
            // The barrier still works for a full round.
            assertEquals(List.of(0, 1), gather(makeTasks(2, barrier::await)));
        });
    }

    @Test
    void cancelWhileFillingThenResetStillBreaksOnlyTheRemainingWaiters() {
        runTest(() -> {
            Barrier barrier = new Barrier(3);
            Task<Integer> w1 = Asyncio.createTask(barrier::await);
            Task<Integer> w2 = Asyncio.createTask(barrier::await);
            Asyncio.sleep(0);
            w1.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(w1));
            assertEquals(1, barrier.nWaiting());
            barrier.reset();
            assertThrows(BrokenBarrierError.class, () -> Asyncio.await(w2));
            assertEquals(0, barrier.count);
            assertFalse(barrier.broken());
            assertEquals(List.of(0, 1, 2), gather(makeTasks(3, barrier::await)));
        });
    }

    @Test
    void brokenBarrierFailsNewWaitersUntilReset() {
        runTest(() -> {
            Barrier barrier = new Barrier(2);
            barrier.abort();
            assertThrows(BrokenBarrierError.class, barrier::await);
            barrier.reset();
            assertFalse(barrier.broken());
            assertEquals(List.of(0, 1), gather(makeTasks(2, barrier::await)));
        });
    }
}
