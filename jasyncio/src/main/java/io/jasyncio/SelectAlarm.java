package io.jasyncio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends a loop's selector wait at a deadline finer than the selector can: epoll_wait counts whole milliseconds, so
 * {@link IoWatcher#poll} rounds a timer's wait up and would fire a 0.3 ms timer up to 1 ms late. Instead the loop
 * selects for the rounded-up time and arms this alarm at the exact deadline: a daemon thread parked with
 * {@link LockSupport#parkNanos} (a nanosecond timer) that {@link Selector#wakeup() wakes} the selector when the
 * deadline passes. I/O still ends the select at once; the loop thread never spins or polls; the alarm thread runs
 * once per armed deadline. Only waits under {@link #MAX_WAIT_NANOS} are armed: for longer ones the rounding is
 * small next to the wait, and a server idling between requests with only far timers (keep-alive, seconds) never
 * wakes this thread.
 *
 * <p>Started by the first armed wait, stopped by {@link #close()} (the loop's close). A wake-up that arrives after
 * the select already ended (a race with I/O) makes the next select return at once: one spare loop iteration,
 * never a missed one.
 *
 * <p>Threading: {@link #arm}, {@link #disarm} and {@link #close}: the loop's thread; {@link #run}: the alarm's.
 */
final class SelectAlarm implements Runnable {
    /** The longest wait armed; longer ones keep the selector's whole-millisecond rounding. */
    static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long NONE = Long.MAX_VALUE;
    private static final VarHandle DEADLINE;

    static {
        try {
            DEADLINE = MethodHandles.lookup().findVarHandle(SelectAlarm.class, "deadline", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Selector selector;
    private final Thread thread;
    /** The {@link System#nanoTime()} at which to wake the selector, or {@link #NONE}. */
    private volatile long deadline = NONE;
    private volatile boolean closed;
    /** The thread is parked without a deadline (or about to be): an arm must unpark it. */
    private volatile boolean idle;
    /** The last deadline the thread was unparked for (loop thread only): the same one again needs no unpark. */
    private long told = NONE;

    SelectAlarm(Selector selector, String threadName) {
        this.selector = selector;
        this.thread = Thread.ofPlatform().daemon().name(threadName).unstarted(this);
        thread.start();
    }

    /** Wakes the selector at {@code deadlineNanos} ({@link System#nanoTime()}) unless disarmed before. */
    void arm(long deadlineNanos) {
        deadline = deadlineNanos;
        if (deadlineNanos != told || idle) { // idle is read after the write above: see run()
            told = deadlineNanos;
            LockSupport.unpark(thread);
        }
    }

    /** The select ended: no wake-up is wanted (one already on its way may still come). */
    void disarm() {
        deadline = NONE;
    }

    void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        while (!closed) {
            long at = deadline;
            if (at == NONE) {
                // idle is written before deadline is read again, and arm() writes deadline before reading idle:
                // either this sees the new deadline, or arm() sees idle and unparks
                idle = true;
                if (deadline == NONE && !closed) LockSupport.park(this);
                idle = false;
                continue;
            }
            long left = at - System.nanoTime();
            if (left > 0) {
                LockSupport.parkNanos(this, left);
            } else if (DEADLINE.compareAndSet(this, at, NONE)) {
                selector.wakeup();
            }
        }
    }
}
