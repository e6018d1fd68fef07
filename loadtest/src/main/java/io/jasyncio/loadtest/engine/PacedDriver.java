package io.jasyncio.loadtest.engine;

import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.TimerHandle;
import io.jasyncio.loadtest.metrics.Metrics;
import io.jasyncio.loadtest.model.ArrivalSchedule;
import io.jasyncio.loadtest.model.LoadModel;

/**
 * What both drivers share: the pace of the load. Closed model: how many users (or connections) are active,
 * followed every 100 ms along the stages. Open model: each arrival of the {@link ArrivalSchedule} given to a
 * free place ({@code P}: a connection's place, a user) once it is due, or left waiting, in order and costing no
 * memory, until a place frees; a timer wakes the dispatch for the next arrival only while a place is free. And
 * the run's end: {@link #stopSending}, {@link #exhausted}, {@link #drained}.
 *
 * <p>Threading: the event loop's thread only.
 */
abstract class PacedDriver<P> implements Driver {
    final EventLoop loop;
    final Metrics metrics;
    final LoadModel model;
    final Future<Void> drained;
    final Future<Void> exhausted;
    long startNanos;
    boolean sending;
    private ArrivalSchedule schedule;
    private TimerHandle dispatchTimer;
    private long dispatchTimerFor = Long.MIN_VALUE;
    private TimerHandle ramp;

    PacedDriver(EventLoop loop, Metrics metrics, LoadModel model) {
        this.loop = loop;
        this.metrics = metrics;
        this.model = model;
        this.drained = loop.createFuture();
        this.exhausted = loop.createFuture();
    }

    /** The most places at once: the open model's concurrency, the closed model's most users. */
    static int places(LoadModel model) {
        return model instanceof LoadModel.Open o ? o.maxConcurrency() : ((LoadModel.Closed) model).maxUsers();
    }

    final boolean open() {
        return model instanceof LoadModel.Open;
    }

    @Override
    public final void start(long startNanos) {
        this.startNanos = startNanos;
        this.sending = true;
        if (model instanceof LoadModel.Open o) {
            schedule = o.schedule();
            openPlaces();
            dispatch();
        } else {
            rampTo(((LoadModel.Closed) model).usersAt(0));
            ramp = loop.callLater(0.1, this::rampTick);
        }
    }

    private void rampTick() {
        if (!sending) return;
        rampTo(((LoadModel.Closed) model).usersAt((loop.nanoTime() - startNanos) / 1e9));
        ramp = loop.callLater(0.1, this::rampTick);
    }

    /** Closed model: makes the first {@code users} places active (and the others not). */
    abstract void rampTo(int users);

    /** Open model, at the start: every place is made free. */
    abstract void openPlaces();

    /** Open model: a free place, taken, or null when none is. */
    abstract P takeFree();

    /** Open model: whether a place is free. */
    abstract boolean anyFree();

    /** Open model: since when {@code place} has been free (loop clock). */
    abstract long freeSince(P place);

    /** Open model: starts on {@code place} the arrival intended at {@code intended}, at {@code now}; it is counted as sent. */
    abstract void launch(P place, long intended, long now);

    /** Whether nothing is in flight (the run may end once sending stopped). */
    abstract boolean idle();

    /** Sends every due arrival for which a place is free; arms the timer for the next one. */
    final void dispatch() {
        dispatch(loop.nanoTime());
    }

    private void dispatch(long now) {
        if (!sending) return;
        while (true) {
            double t = schedule.peek();
            if (t == Double.POSITIVE_INFINITY) return;
            long intended = startNanos + (long) (t * 1e9);
            if (intended > now) {
                if (anyFree() && dispatchTimerFor != intended) {
                    if (dispatchTimer != null) dispatchTimer.cancel();
                    dispatchTimerFor = intended;
                    dispatchTimer = loop.callAt(intended / 1e9, this::dispatchTimerFired);
                }
                return;
            }
            P place = takeFree();
            if (place == null) return; // the arrival waits for a place to free
            schedule.advance();
            // the generator's own lateness: from when the arrival was due and a place was free
            metrics.sent(intended, now - Math.max(intended, freeSince(place)), now);
            launch(place, intended, now);
        }
    }

    private void dispatchTimerFired() {
        // the timer went through the loop's seconds (a double): it may fire a nanosecond early; it is due
        long due = Math.max(dispatchTimerFor, loop.nanoTime());
        dispatchTimer = null;
        dispatchTimerFor = Long.MIN_VALUE;
        dispatch(due);
    }

    final void checkDrained() {
        if (!sending && idle() && !drained.done()) drained.setResult(null);
    }

    @Override
    public void stopSending() {
        sending = false;
        if (dispatchTimer != null) dispatchTimer.cancel();
        if (ramp != null) ramp.cancel();
        checkDrained();
    }

    @Override
    public final Future<Void> exhausted() {
        return exhausted;
    }

    @Override
    public final Future<Void> drained() {
        return drained;
    }
}
