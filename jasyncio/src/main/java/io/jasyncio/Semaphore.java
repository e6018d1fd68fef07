package io.jasyncio;

import java.util.ArrayDeque;

/**
 * asyncio's {@code Semaphore}: a counter of permits. {@link #acquire()} takes one, waiting while there are
 * none; {@link #release()} gives one back and wakes the first waiting task. Strictly FIFO: a newcomer queues
 * behind waiting tasks even when a permit is free. A waiter cancelled after it was handed a permit gives it
 * back and the permit goes to the next waiter.
 * <pre>{@code
 * try (var permit = sem.acquire()) { ... }     // async with sem: ...
 * }</pre>
 *
 * <p>Threading: not thread-safe; use it from the tasks of one event loop. It binds to the running loop the
 * first time a task has to wait for it.
 */
public class Semaphore extends LoopBound implements Acquirable {
    /** Futures of waiting tasks, oldest first; a done, not cancelled one has been handed a permit. */
    final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>();
    /** Free permits, minus those already handed to woken waiters (asyncio's {@code _value}). */
    int value;

    /** A semaphore with one permit. */
    public Semaphore() {
        this(1);
    }

    /**
     * A semaphore with {@code value} permits.
     *
     * @param value the initial number of permits
     * @throws IllegalArgumentException "Semaphore initial value must be >= 0" (asyncio's text) if {@code value}
     *     is negative
     */
    public Semaphore(int value) {
        if (value < 0) throw new IllegalArgumentException("Semaphore initial value must be >= 0");
        this.value = value;
    }

    /** Whether {@link #acquire()} would wait: no permit is free, or other tasks are queued first. */
    @Override
    public boolean locked() {
        if (value == 0) return true;
        for (Future<Boolean> w : waiters) {
            if (!w.cancelled()) return true;
        }
        return false;
    }

    /**
     * Suspends the calling task until it gets a permit; returns the guard that releases it.
     *
     * @throws CancelledError if the task is cancelled while waiting (it then holds no permit)
     */
    @Override
    public Guard acquire() {
        if (!locked()) {
            value--;
            return new Guard(this);
        }
        Future<Boolean> fut = loop().createFuture();
        waiters.add(fut);
        try {
            try {
                Asyncio.await(fut);
            } finally {
                waiters.remove(fut);
            }
        } catch (CancelledError e) {
            // Handed a permit by wakeUpNext() but cancelled before we could use it: give it back.
            if (fut.done() && !fut.cancelled()) value++;
            throw e;
        } finally {
            // Waiters that queued behind us for fairness may now proceed, as many as there are permits.
            while (value > 0) {
                if (!wakeUpNext()) break;
            }
        }
        return new Guard(this);
    }

    /** Returns a permit and wakes the first waiting task, if any. */
    @Override
    public void release() {
        value++;
        wakeUpNext();
    }

    /** Hands a permit to the first waiter not yet woken; false if there is none. */
    private boolean wakeUpNext() {
        for (Future<Boolean> fut : waiters) {
            if (!fut.done()) {
                value--;
                fut.setResult(true);
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        String extra = locked() ? "locked" : "unlocked, value:" + value;
        if (!waiters.isEmpty()) extra += ", waiters:" + waiters.size();
        return describe(extra);
    }
}
