package io.jasyncio;

import static io.jasyncio.SyncTesting.runTest;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exception texts of the primitives are asyncio's own, word for word (issue 13 item 16), so that people who
 * know asyncio recognise them; Java hints live in the Javadoc. Each case extends the CPython test named, which
 * checks only the exception's type.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsyncioMessagesTest {

    private static void assertMessage(String expected, Throwable e) {
        assertEquals(expected, e.getMessage());
    }

    // test_locks.py: LockTests.test_release_not_acquired
    @Test
    void lockReleaseNotAcquired() {
        assertMessage("Lock is not acquired.", assertThrows(IllegalStateException.class, new Lock()::release));
    }

    // test_locks.py: ConditionTests.test_wait_unacquired
    @Test
    void conditionWaitUnacquired() {
        runTest(() -> {
            Condition cond = new Condition();
            assertMessage("cannot wait on un-acquired lock", assertThrows(IllegalStateException.class, cond::await));
            assertMessage("cannot wait on un-acquired lock",
                    assertThrows(IllegalStateException.class, () -> cond.waitFor(() -> false)));
        });
    }

    // test_locks.py: ConditionTests.test_notify_unacquired
    @Test
    void conditionNotifyUnacquired() {
        Condition cond = new Condition();
        assertMessage("cannot notify on un-acquired lock", assertThrows(IllegalStateException.class, cond::signal));
        assertMessage("cannot notify on un-acquired lock", assertThrows(IllegalStateException.class, cond::signalAll));
    }

    // test_locks.py: SemaphoreTests.test_semaphore_value
    @Test
    void semaphoreInitialValue() {
        assertMessage("Semaphore initial value must be >= 0",
                assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1)));
        assertMessage("Semaphore initial value must be >= 0",
                assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(-1)));
    }

    // test_locks.py: SemaphoreTests.test_release_not_acquired
    @Test
    void boundedSemaphoreReleasedTooManyTimes() {
        BoundedSemaphore sem = new BoundedSemaphore();
        assertMessage("BoundedSemaphore released too many times",
                assertThrows(IllegalArgumentException.class, sem::release));
    }

    // test_locks.py: BarrierTests.test_barrier_parties
    @Test
    void barrierParties() {
        assertMessage("parties must be > 0", assertThrows(IllegalArgumentException.class, () -> new Barrier(0)));
        assertMessage("parties must be > 0", assertThrows(IllegalArgumentException.class, () -> new Barrier(-4)));
    }

    // test_queues.py: QueueBasicTests.test_task_done_underflow
    @Test
    void queueTaskDoneUnderflow() {
        assertMessage("task_done() called too many times",
                assertThrows(IllegalArgumentException.class, new Queue<Integer>()::taskDone));
    }

    /** asyncio raises QueueEmpty, QueueFull and QueueShutDown bare: str(e) is empty, getMessage() null. */
    @Test
    void queueExceptionsHaveNoMessage() {
        Queue<Integer> q = new Queue<>(1);
        assertMessage(null, assertThrows(QueueEmpty.class, q::getNowait));
        q.putNowait(1);
        assertMessage(null, assertThrows(QueueFull.class, () -> q.putNowait(2)));
        q.shutdown();
        assertMessage(null, assertThrows(QueueShutDown.class, () -> q.putNowait(3)));
        q.getNowait();
        assertMessage(null, assertThrows(QueueShutDown.class, q::getNowait));
    }

    // test_locks.py: LockTests.test_lock_bound_to_loop (mixins._LoopBoundMixin's text)
    @Test
    void boundToADifferentLoop() {
        Lock lock = new Lock();
        runTest(() -> {
            lock.acquire();
            Task<Guard> t = Asyncio.createTask(lock::acquire);
            Asyncio.sleep(0);
            t.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(t));
        });
        runTest(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, lock::acquire);
            assertMessage(lock + " is bound to a different event loop", e);
        });
    }

    /** Waiting outside a loop: get_running_loop's text (asyncio cannot even express it: no await outside). */
    @Test
    void waitingWithNoRunningLoop() {
        Lock lock = new Lock();
        runTest(() -> { lock.acquire(); });
        assertMessage("no running event loop", assertThrows(IllegalStateException.class, lock::acquire));
    }
}
