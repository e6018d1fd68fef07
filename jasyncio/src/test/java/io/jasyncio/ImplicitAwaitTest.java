package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Implicit awaits (docs/ENGINES.md; issue 13, item 7): with vthread a task parked inside a JDK call lets other
 * tasks run, as at an await. The hazard, made deterministic; the safe pattern; and debug mode's log of each place.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang must fail, not wait
class ImplicitAwaitTest {
    private static boolean vthread() {
        return "vthread".equals(io.jasyncio.internal.Engine.get().name());
    }

    /** A ReentrantLock a platform thread holds until {@code release} counts down. */
    private static ReentrantLock heldUntil(CountDownLatch release) throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        held.await();
        return lock;
    }

    /** counter += 1 with a contended JDK lock taken between the read and the write, as a println can be. */
    private static int readModifyWriteAcrossAJdkLock(boolean withAsyncioLock) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ReentrantLock jdkLock = heldUntil(release);
        int[] counter = {0};
        Lock asyncioLock = withAsyncioLock ? new Lock() : null;
        Asyncio.run(() -> {
            Task<Void> slow = Asyncio.createTask(() -> {
                if (asyncioLock != null) asyncioLock.acquire();
                try {
                    int seen = counter[0];
                    jdkLock.lock(); // vthread: parks this task; the loop runs the other meanwhile
                    jdkLock.unlock();
                    counter[0] = seen + 1;
                } finally {
                    if (asyncioLock != null) asyncioLock.release();
                }
                return null;
            });
            Task<Void> other = Asyncio.createTask(() -> {
                if (asyncioLock != null) asyncioLock.acquire();
                try {
                    counter[0] += 1;
                } finally {
                    if (asyncioLock != null) asyncioLock.release();
                }
                return null;
            });
            Thread.ofPlatform().daemon().start(() -> { // lets the JDK lock go once the other task has run (or 0.5 s)
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                while (!other.done() && System.nanoTime() < deadline) Thread.onSpinWait();
                release.countDown();
            });
            Asyncio.await(slow);
            Asyncio.await(other);
            return null;
        });
        return counter[0];
    }

    @Test
    void aContendedJdkLockBetweenReadAndWriteLosesAnUpdateWithVthread() throws Exception {
        // The other task's increment happens while the first is parked in lock(): the first then writes a stale
        // value. With portable the blocked lock() holds the loop, so nothing runs in between.
        assertEquals(vthread() ? 1 : 2, readModifyWriteAcrossAJdkLock(false));
    }

    @Test
    void anAsyncioLockAroundTheReadModifyWriteKeepsEveryUpdate() throws Exception {
        assertEquals(2, readModifyWriteAcrossAJdkLock(true));
    }

    /** The WARNINGs about implicit awaits captured so far. */
    private static List<String> implicitAwaits(LogCapture log) {
        return log.messages(Level.WARNING).stream().filter(m -> m.contains("was switched out inside the JDK call")).toList();
    }

    private static void parkInALatch(CountDownLatch latch) throws InterruptedException {
        latch.await(); // the place debug mode names
    }

    /**
     * Two tasks park in a JDK call at the same place, twice each (vthread only: a callback ends each wait, which
     * with portable could never run); a third at another place.
     */
    private static void parkAtTwoPlaces(boolean debug) throws Exception {
        Asyncio.run(() -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < (vthread() ? 2 : 0); i++) {
                tasks.add(Asyncio.createTask(() -> {
                    for (int j = 0; j < 2; j++) {
                        CountDownLatch latch = new CountDownLatch(1);
                        Asyncio.getRunningLoop().callSoon(latch::countDown);
                        parkInALatch(latch);
                    }
                    return null;
                }, "latch-" + i));
            }
            tasks.add(Asyncio.createTask(() -> {
                Thread.sleep(1); // another place
                return null;
            }, "sleeper"));
            for (Task<Void> t : tasks) Asyncio.await(t);
            return null;
        }, debug);
    }

    @Test
    void debugModeLogsEachPlaceATaskWasSwitchedOutInsideAJdkCallOnce() throws Exception {
        try (LogCapture log = new LogCapture()) {
            parkAtTwoPlaces(true);
            List<String> lines = implicitAwaits(log);
            if (!vthread()) {
                assertEquals(List.of(), lines, "with portable a blocking call holds the loop: no task runs meanwhile");
                return;
            }
            assertEquals(2, lines.size(), "once per place: " + lines);
            String latch = lines.stream().filter(l -> l.contains("parkInALatch")).findFirst().orElseThrow();
            assertTrue(latch.contains("Task 'latch-"), latch);
            assertTrue(latch.contains("inside the JDK call java.base/java.util.concurrent.CountDownLatch.await"), latch);
            assertTrue(latch.contains("made at io.jasyncio.ImplicitAwaitTest.parkInALatch(ImplicitAwaitTest.java:"), latch);
            assertTrue(latch.contains("\n    at "), "with the stack: " + latch);
            String sleep = lines.stream().filter(l -> l.contains("'sleeper'")).findFirst().orElseThrow();
            assertTrue(sleep.contains("java.lang.Thread.sleep"), sleep);
        }
    }

    @Test
    void outsideDebugModeNothingIsLogged() throws Exception {
        try (LogCapture log = new LogCapture()) {
            parkAtTwoPlaces(false);
            assertEquals(List.of(), implicitAwaits(log));
        }
    }
}
