package io.jasyncio;

import static io.jasyncio.SyncTesting.*;
import static io.jasyncio.TestLoops.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class EventTest {

    // ports test_locks.py::EventTests::test_repr
    @Test
    void repr() {
        runTest(() -> {
            Event ev = new Event();
            assertTrue(ev.toString().endsWith("[unset]>"));
            Matcher m = REPR.matcher(ev.toString());
            assertTrue(m.matches());
            assertEquals("unset", m.group("extras"));
            ev.set();
            assertTrue(ev.toString().endsWith("[set]>"));
            assertTrue(reprMatches(ev));
            ev.waiters.add(Asyncio.currentTask());
            assertTrue(ev.toString().contains("waiters:1"));
            assertTrue(reprMatches(ev));
        });
    }

    // ports test_locks.py::EventTests::test_wait
    @Test
    void await() {
        runTest(() -> {
            Event ev = new Event();
            assertFalse(ev.isSet());
            List<Integer> result = new ArrayList<>();
            Task<Void> t1 = spawn(() -> { ev.await(); result.add(1); });
            Task<Void> t2 = spawn(() -> { ev.await(); result.add(2); });
            Asyncio.sleep(0);
            assertEquals(List.of(), result);
            Task<Void> t3 = spawn(() -> { ev.await(); result.add(3); });
            ev.set();
            Asyncio.sleep(0);
            assertEquals(List.of(3, 1, 2), result);
            for (Task<Void> t : List.of(t1, t2, t3)) {
                assertTrue(t.done());
                assertNull(t.result());
            }
        });
    }

    // ports test_locks.py::EventTests::test_wait_on_set
    @Test
    void awaitOnSet() {
        runTest(() -> {
            Event ev = new Event();
            ev.set();
            ev.await(); // returns at once, without suspending
            assertTrue(ev.waiters.isEmpty());
        });
    }

    // ports test_locks.py::EventTests::test_wait_cancel
    @Test
    void awaitCancel() {
        runTest(() -> {
            Event ev = new Event();
            Task<Void> wait = spawn(ev::await);
            Asyncio.getRunningLoop().callSoon(wait::cancel);
            assertThrows(CancelledError.class, () -> Asyncio.await(wait));
            assertTrue(ev.waiters.isEmpty());
        });
    }

    // ports test_locks.py::EventTests::test_clear
    @Test
    void clear() {
        runTest(() -> {
            Event ev = new Event();
            assertFalse(ev.isSet());
            ev.set();
            assertTrue(ev.isSet());
            ev.clear();
            assertFalse(ev.isSet());
        });
    }

    // ports test_locks.py::EventTests::test_clear_with_waiters
    @Test
    void clearWithWaiters() {
        runTest(() -> {
            Event ev = new Event();
            List<Integer> result = new ArrayList<>();
            Task<Boolean> t = Asyncio.createTask(() -> { ev.await(); result.add(1); return true; });
            Asyncio.sleep(0);
            assertEquals(List.of(), result);
            ev.set();
            ev.clear();
            assertFalse(ev.isSet());
            ev.set();
            ev.set();
            assertEquals(1, ev.waiters.size());
            Asyncio.sleep(0);
            assertEquals(List.of(1), result);
            assertEquals(0, ev.waiters.size());
            assertTrue(t.done());
            assertTrue(t.result());
        });
    }

    // ---- our own

    @Test
    void cancelAfterSetStillRaisesAndLeavesNoWaiter() {
        // Cancelled in the same loop iteration as set(): the waiter was already woken, the task is cancelled.
        runTest(() -> {
            Event ev = new Event();
            Task<Void> w = spawn(ev::await);
            Asyncio.sleep(0);
            ev.set();
            w.cancel();
            assertThrows(CancelledError.class, () -> Asyncio.await(w));
            assertTrue(ev.waiters.isEmpty());
            assertTrue(ev.isSet());
        });
    }

    @Test
    void setWakesWaitersWaitingAcrossVirtualTime() {
        runTest(() -> {
            Event ev = new Event();
            EventLoop loop = Asyncio.getRunningLoop();
            loop.callLater(5, ev::set);
            double t0 = loop.time();
            ev.await();
            assertEquals(5.0, loop.time() - t0, 1e-9);
        });
    }

    @Test
    void harnessReportsADeadlockInsteadOfHanging() {
        // Waiting for an event nobody sets: the virtual clock jumps to the watchdog, which fails the test.
        CancelledError e = assertThrows(CancelledError.class, () -> runTest(() -> new Event().await()));
        assertTrue(e.getMessage().contains("deadlocked"), e.getMessage());
    }
}
