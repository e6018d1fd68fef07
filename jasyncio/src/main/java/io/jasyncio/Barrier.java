package io.jasyncio;

/**
 * asyncio's {@code Barrier}: {@code parties} tasks wait for each other; when the last one arrives, all of them
 * pass together. The barrier is then reusable. A cancelled waiter leaves the barrier (it no longer counts).
 *
 * <p>States, as in asyncio: filling (tasks arriving), draining (the released tasks leaving; newcomers wait
 * until it is done), resetting ({@link #reset()} while tasks were inside: they get {@link BrokenBarrierError})
 * and broken ({@link #abort()}: every current and future waiter gets {@link BrokenBarrierError}).
 *
 * <p>Python's {@code wait()} is {@link #await()} here (as in {@code CyclicBarrier}); {@code async with barrier
 * as i:} is simply {@code int i = barrier.await();}, its exit does nothing.
 *
 * <p>Threading: not thread-safe; use it from the tasks of one event loop (it binds to it on first wait).
 */
public class Barrier {
    private enum State { FILLING, DRAINING, RESETTING, BROKEN }

    /** Signalled whenever the state changes. */
    private final Condition cond = new Condition();
    private final int parties;
    private State state = State.FILLING;
    /** Tasks inside the barrier (asyncio's {@code _count}). */
    int count;

    /**
     * A barrier for {@code parties} tasks.
     *
     * @param parties how many tasks must wait for the barrier to open
     * @throws IllegalArgumentException "parties must be > 0" (asyncio's text) if {@code parties} is less than 1
     */
    public Barrier(int parties) {
        if (parties < 1) throw new IllegalArgumentException("parties must be > 0");
        this.parties = parties;
    }

    /**
     * Suspends the calling task until {@code parties} tasks wait, then returns this task's arrival index,
     * from 0 to {@code parties - 1} (each index exactly once per round).
     *
     * @return this task's arrival index
     * @throws BrokenBarrierError if the barrier is broken, or is reset or aborted while the task waits
     * @throws CancelledError if the task is cancelled while waiting
     */
    public int await() {
        try (Guard held = cond.acquire()) {
            block();
            try {
                int index = count++;
                if (index + 1 == parties) {
                    releaseAll();
                } else {
                    waitForRelease();
                }
                return index;
            } finally {
                count--;
                exit();
            }
        }
    }

    /** Waits while the barrier drains or resets; fails if it is broken. */
    private void block() {
        cond.waitFor(() -> state != State.DRAINING && state != State.RESETTING);
        if (state == State.BROKEN) throw new BrokenBarrierError("Barrier aborted");
    }

    /** The last arrival: let everyone go; newcomers wait until the round has drained. */
    private void releaseAll() {
        state = State.DRAINING;
        cond.signalAll();
    }

    /** Waits in the barrier until released; fails if it is reset or aborted meanwhile. */
    private void waitForRelease() {
        cond.waitFor(() -> state != State.FILLING);
        if (state == State.BROKEN || state == State.RESETTING) {
            throw new BrokenBarrierError("Abort or reset of barrier");
        }
    }

    /** The last task out ends draining or resetting and wakes tasks waiting for that. */
    private void exit() {
        if (count == 0) {
            if (state == State.RESETTING || state == State.DRAINING) state = State.FILLING;
            cond.signalAll();
        }
    }

    /**
     * Returns the barrier to its initial state; tasks waiting in it get {@link BrokenBarrierError}. A coroutine
     * in asyncio: it suspends the calling task while taking the barrier's internal lock.
     */
    public void reset() {
        try (Guard held = cond.acquire()) {
            if (count > 0) {
                state = State.RESETTING;
            } else {
                state = State.FILLING;
            }
            cond.signalAll();
        }
    }

    /**
     * Breaks the barrier: current and future waiters get {@link BrokenBarrierError} until {@link #reset()}.
     * Suspends the calling task while taking the barrier's internal lock.
     */
    public void abort() {
        try (Guard held = cond.acquire()) {
            state = State.BROKEN;
            cond.signalAll();
        }
    }

    /** {@return how many tasks must wait for the barrier to open} */
    public int parties() {
        return parties;
    }

    /** {@return how many tasks are waiting in the barrier while it fills (0 while it drains or resets)} */
    public int nWaiting() {
        return state == State.FILLING ? count : 0;
    }

    /** {@return whether the barrier is broken} */
    public boolean broken() {
        return state == State.BROKEN;
    }

    @Override
    public String toString() {
        String extra = state.name().toLowerCase(java.util.Locale.ROOT);
        if (!broken()) extra += ", waiters:" + nWaiting() + "/" + parties;
        return "<" + getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(this))
                + " [" + extra + "]>";
    }
}
