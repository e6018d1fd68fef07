package io.jasyncio;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A loop's way in from other threads (asyncio's {@code call_soon_threadsafe} queue and self-pipe): callbacks
 * posted by any thread, the loop's sleep in its selector (or a park) that a post interrupts, and the count of
 * work on other threads that will post back (executor jobs, wrapped stages), which the virtual clock reads.
 *
 * <p>Threading: {@link #post}, {@link #wakeup} and the pending-work count: any thread; the rest: the loop's.
 */
final class ThreadsafeInbox {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final IoWatcher io;
    /** Work on other threads that will call back through {@link #post} (executor jobs, wrapped stages). */
    final AtomicInteger pendingWork = new AtomicInteger();
    private volatile boolean sleeping;
    /** The thread to unpark when the loop sleeps without a selector. */
    volatile Thread loopThread;

    ThreadsafeInbox(IoWatcher io) {
        this.io = io;
    }

    /** Queues {@code r} for the loop's next iteration and wakes the loop if it sleeps. */
    void post(Runnable r) {
        queue.add(r);
        wakeup();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Moves every posted callback to the end of {@code ready}, in the order posted. */
    void drainTo(ArrayDeque<Object> ready) {
        Runnable r;
        while ((r = queue.poll()) != null) ready.add(r);
    }

    void clear() {
        queue.clear();
    }

    /** Whether the loop is waiting in its selector (or parked for a timer or a wake-up). */
    boolean isSleeping() {
        return sleeping;
    }

    /**
     * Blocks for I/O or a wake-up, at most {@code timeoutNanos} (-1: no limit); {@code exact}: to the nanosecond
     * (a timer's deadline, see {@link IoWatcher#poll}), else the selector's whole milliseconds will do.
     */
    void sleep(long timeoutNanos, boolean exact) {
        sleeping = true;
        try {
            if (!queue.isEmpty()) return;
            if (io.isOpen()) {
                io.poll(timeoutNanos, exact);
            } else if (timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, timeoutNanos);
            }
        } finally {
            sleeping = false;
        }
    }

    void wakeup() {
        if (sleeping) {
            sleeping = false;
            Thread t = loopThread;
            if (t != null) LockSupport.unpark(t);
            io.wakeup();
        }
    }
}
