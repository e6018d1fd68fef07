package io.jasyncio;

/**
 * asyncio's {@code TimerHandle}: a callback scheduled for a point in the loop's time by {@code callLater} or
 * {@code callAt}. Timers with equal deadlines run in the order they were scheduled
 * (asyncio does not promise it; schedule fuzzing, {@link EventLoop#setScheduleFuzzSeed}, shuffles them).
 *
 * <p>Threading: the loop's thread only.
 */
public final class TimerHandle extends Handle implements Comparable<TimerHandle> {
    /**
     * The deadline as given ({@code callAt}) or computed ({@code time() + delay}): what {@link #when()} returns.
     * The loop's timer heap orders by the deadline in nanoseconds, which it keeps beside the handle.
     */
    private final double when;
    final long sequence;
    /** Whether it is still in the loop's timer heap (asyncio's {@code _scheduled}). */
    boolean scheduled;

    TimerHandle(EventLoop loop, double when, long sequence, Runnable callback, Object context) {
        super(loop, callback, context);
        this.when = when;
        this.sequence = sequence;
    }

    /**
     * The scheduled time, in the loop's {@link EventLoop#time()} seconds: exactly the double given to
     * {@code callAt} (for {@code callLater}, {@code time() + delay}), as asyncio's {@code when()}. The loop orders
     * timers by that deadline converted to nanoseconds once.
     *
     * @return the scheduled loop time, in seconds
     */
    public double when() {
        return when;
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
        int c = Double.compare(when, o.when);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }

    @Override
    public String toString() {
        return "<TimerHandle" + (cancelled ? " cancelled" : "") + " when=" + when() + " " + describeCallback()
                + createdAt() + ">";
    }
}
