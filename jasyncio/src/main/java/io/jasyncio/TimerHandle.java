package io.jasyncio;

/**
 * asyncio's {@code TimerHandle}: a callback scheduled for a point in the loop's time by {@code callLater} or
 * {@code callAt}. Timers with equal deadlines run in the order they were scheduled.
 *
 * <p>Threading: the loop's thread only.
 */
public final class TimerHandle extends Handle implements Comparable<TimerHandle> {
    final long whenNanos;
    final long sequence;
    /** Whether it is still in the loop's timer heap (asyncio's {@code _scheduled}). */
    boolean scheduled;

    TimerHandle(EventLoop loop, long whenNanos, long sequence, Runnable callback, Object context) {
        super(loop, callback, context);
        this.whenNanos = whenNanos;
        this.sequence = sequence;
    }

    /** The scheduled time, in the loop's {@link EventLoop#time()} seconds. */
    public double when() {
        return whenNanos / 1e9;
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            loop.timerHandleCancelled(this);
        }
        super.cancel();
    }

    @Override
    public int compareTo(TimerHandle o) {
        int c = Long.compare(whenNanos, o.whenNanos);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }

    @Override
    public String toString() {
        return "<TimerHandle" + (cancelled ? " cancelled" : "") + " when=" + when() + " " + describeCallback()
                + createdAt() + ">";
    }
}
