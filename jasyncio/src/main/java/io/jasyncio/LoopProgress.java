package io.jasyncio;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the {@link LoopWatchdog} reads of one loop: a progress stamp the loop bumps before each callback or task
 * step, and the loop's stall threshold ({@link EventLoop#setWatchdogThreshold}). The stamp is written opaquely
 * (a plain store on x86: no fence on the hot path) and read by the watchdog's thread the same way.
 *
 * <p>Threading: the stamp and {@link #watched} are written by the loop's thread; the watchdog's thread reads the
 * stamp and the threshold.
 */
final class LoopProgress {
    private static final VarHandle STAMP;

    static {
        try {
            STAMP = MethodHandles.lookup().findVarHandle(LoopProgress.class, "stamp", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through STAMP
    private int stamp;
    /** The stall threshold; 0 turns the watchdog off for the loop. */
    volatile long thresholdNanos;
    /** Whether the loop is registered with the watchdog now. Loop thread. */
    boolean watched;

    LoopProgress(long thresholdNanos) {
        this.thresholdNanos = thresholdNanos;
    }

    /** Bumped before each callback or task step: the watchdog sees the loop making progress. */
    void stamp() {
        STAMP.setOpaque(this, (int) STAMP.get(this) + 1);
    }

    int read() {
        return (int) STAMP.getOpaque(this);
    }
}
