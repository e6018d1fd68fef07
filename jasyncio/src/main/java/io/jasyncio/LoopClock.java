package io.jasyncio;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * A loop's clock: the monotonic clock with an arbitrary origin, or a virtual one that starts at 0 and moves only
 * when the loop advances it (see {@link EventLoop#withVirtualClock()}).
 *
 * <p>Threading: advanced by the loop's thread only; read by any thread.
 */
final class LoopClock {
    private static final long ORIGIN = System.nanoTime();
    /** How long a virtual-clock loop watching sockets stays idle in real time before time jumps. */
    static final long AUTOJUMP_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final boolean virtual;
    private long virtualNow;

    LoopClock(boolean virtual) {
        this.virtual = virtual;
    }

    boolean isVirtual() {
        return virtual;
    }

    /** The time in nanoseconds. */
    long nanos() {
        return virtual ? virtualNow : System.nanoTime() - ORIGIN;
    }

    /** Moves a virtual clock forward by {@code nanos}. */
    void advance(long nanos) {
        virtualNow += nanos;
    }

    /**
     * The virtual clock's idle step, for a loop with nothing ready for {@code timeoutNanos} (the next timer):
     * with nothing else going on, time jumps straight to the next timer. While sockets are watched, the loop
     * first waits up to {@link #AUTOJUMP_IDLE_NANOS} of real time for them (as Trio's MockClock autojump
     * threshold), so that I/O already under way is not overtaken by a jump; while work on other threads is
     * pending, the clock follows real time.
     */
    void idle(long timeoutNanos, IoWatcher io, ThreadsafeInbox inbox, ArrayDeque<Object> ready) {
        boolean ioWatched = io.watchesAny();
        boolean othersWorking = inbox.pendingWork.get() > 0;
        if (!ioWatched && !othersWorking) {
            advance(timeoutNanos);
            if (io.isOpen()) io.poll(0, false);
            return;
        }
        long budget = othersWorking ? timeoutNanos : Math.min(timeoutNanos, AUTOJUMP_IDLE_NANOS);
        long t0 = System.nanoTime();
        inbox.sleep(budget, false);
        long elapsed = Math.min(System.nanoTime() - t0, timeoutNanos);
        boolean somethingHappened = !ready.isEmpty() || !inbox.isEmpty();
        advance(somethingHappened || othersWorking ? elapsed : timeoutNanos);
    }

    /** Seconds (a delay or an instant) as nanoseconds, clamped far from overflow; NaN is refused. */
    static long secondsToNanos(double s, String what) {
        if (Double.isNaN(s)) throw new IllegalArgumentException(what + " must not be NaN");
        if (s >= 9.2e9) return Long.MAX_VALUE / 2;
        if (s <= -9.2e9) return Long.MIN_VALUE / 2;
        return (long) (s * 1e9);
    }
}
