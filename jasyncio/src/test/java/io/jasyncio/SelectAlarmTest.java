package io.jasyncio;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.channels.Pipe;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The selector's sub-millisecond deadline ({@link SelectAlarm}): an armed alarm ends a select that would otherwise
 * wait without limit, a disarmed one does not, its thread ends with the loop, and a loop in an alarmed wait still
 * wakes at once for another thread's callback. No timing is asserted: each test waits on an event, and a missing
 * wake-up shows as a hang that the class timeout turns into a failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectAlarmTest {

    @Test
    void armedAlarmEndsASelectWithoutTimeout() throws Exception {
        try (Selector sel = Selector.open()) {
            SelectAlarm alarm = new SelectAlarm(sel, "test");
            try {
                for (int i = 0; i < 3; i++) { // the same deadline armed again after it fired still fires
                    long at = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(300);
                    alarm.arm(at);
                    sel.select(0); // no limit: only the alarm's wake-up ends it
                    alarm.disarm();
                    assertTrue(System.nanoTime() >= at, "the select ended before the alarm's deadline");
                    alarm.arm(at); // passed already: fires at once
                    sel.select(0);
                    alarm.disarm();
                }
            } finally {
                alarm.close();
            }
        }
    }

    @Test
    void disarmedAlarmDoesNotWakeTheSelector() throws Exception {
        try (Selector sel = Selector.open()) {
            SelectAlarm alarm = new SelectAlarm(sel, "test");
            try {
                alarm.arm(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
                alarm.disarm();
                // Had the alarm still fired, this select would return 0 with nothing ready, before the pipe's byte.
                Pipe p = Pipe.open();
                p.source().configureBlocking(false);
                p.source().register(sel, java.nio.channels.SelectionKey.OP_READ);
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(100); // past the disarmed deadline; a late write only makes the test slower
                        p.sink().write(java.nio.ByteBuffer.wrap(new byte[] {1}));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                assertEquals(1, sel.select(0), "the select ended without the pipe being ready: a disarmed alarm fired");
                writer.join();
                p.sink().close();
                p.source().close();
            } finally {
                alarm.close();
            }
        }
    }

    @Test
    void closingTheLoopEndsTheAlarmThread() throws Exception {
        EventLoop loop = new EventLoop();
        Pipe p = Pipe.open();
        Thread[] alarm = new Thread[1];
        try {
            loop.addReader(p.source(), () -> {}); // opens the selector: timed waits go through it
            String name = IoWatcher.threadName(loop);
            loop.callSoon(() -> loop.callLater(0.005, () -> { // a short timed wait, from inside the running loop
                alarm[0] = threadNamed(name);
                loop.stop();
            }));
            loop.runForever();
        } finally {
            loop.close();
            p.sink().close();
            p.source().close();
        }
        assertNotNull(alarm[0], "a 5 ms timer wait did not start the select alarm");
        alarm[0].join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(alarm[0].isAlive(), "the select alarm's thread outlived the loop's close");
    }

    private static Thread threadNamed(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) return t;
        }
        return null;
    }

    /**
     * Another thread's callSoonThreadsafe wakes a loop waiting in an alarmed select (a 40 ms timer pending): the
     * callback runs before that timer is due. Each round the poster waits until the loop sleeps and posts; a
     * starved poster may post too late, so a round may miss, and the test asks for 10 hits in at most 30 rounds:
     * with the wake-up broken, the loop would sleep to the timer's deadline every time and none would hit.
     */
    @Test
    void threadsafeCallbackWakesALoopInAnAlarmedWait() throws Exception {
        EventLoop loop = new EventLoop();
        Pipe p = Pipe.open();
        AtomicInteger hits = new AtomicInteger();
        AtomicInteger rounds = new AtomicInteger();
        int wanted = 10;
        try {
            loop.addReader(p.source(), () -> {});
            TimerHandle[] pending = new TimerHandle[1];
            Runnable[] tick = new Runnable[1];
            tick[0] = () -> pending[0] = loop.callLater(0.040, tick[0]);
            tick[0].run();
            Thread poster = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < wanted * 3 && hits.get() < wanted; i++) {
                    while (!loop.isWaitingForEvents()) Thread.onSpinWait();
                    java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
                    loop.callSoonThreadsafe(() -> {
                        rounds.incrementAndGet();
                        if (loop.time() < pending[0].when()) hits.incrementAndGet();
                        ran.countDown();
                    });
                    try {
                        ran.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                loop.callSoonThreadsafe(loop::stop);
            });
            loop.runForever();
            poster.join();
        } finally {
            loop.close();
            p.sink().close();
            p.source().close();
        }
        assertTrue(hits.get() >= wanted, hits + " of " + rounds + " callbacks ran before the pending timer was due");
    }
}
