package io.jasyncio;

import java.util.ArrayDeque;

/**
 * asyncio's {@code Lock}: a mutual-exclusion lock for tasks. It is not owned by a task (any task may release
 * it) and not reentrant. Waiting tasks get it in FIFO order; a task cancelled while waiting never leaves the
 * lock stuck: if it was the one chosen to get the lock, the next waiter is woken instead.
 * <pre>{@code
 * try (var held = lock.acquire()) { ... }      // async with lock: ...
 * lock.withLock(() -> ...);                     // the same, as a lambda
 * }</pre>
 *
 * <p>Threading: not thread-safe; use it from the tasks of one event loop. It binds to the running loop the
 * first time a task has to wait for it, and refuses other loops afterwards.
 */
public class Lock extends LoopBound implements Acquirable {
    /** Futures of the waiting tasks, oldest first; a done future belongs to a task already woken. */
    final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>();
    private boolean locked;

    /** An unlocked lock. */
    public Lock() {}

    /** Whether the lock is held. */
    @Override
    public boolean locked() {
        return locked;
    }

    /**
     * Suspends the calling task until it holds the lock; returns the guard that releases it. If other tasks
     * are already waiting, the caller queues behind them even when the lock is momentarily free (fairness).
     *
     * @throws CancelledError if the task is cancelled while waiting (the lock is then not held by it)
     */
    @Override
    public Guard acquire() {
        if (!locked && allCancelled()) {
            locked = true;
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
            // We may have been chosen by release() before the cancellation arrived: pass the turn on, or the
            // remaining waiters would sleep on a free lock.
            if (!locked) wakeUpFirst();
            throw e;
        }
        locked = true;
        return new Guard(this);
    }

    /**
     * Releases the lock and lets the first waiting task (if any) take it.
     *
     * @throws IllegalStateException "Lock is not acquired." (asyncio's text) if the lock is not held: a
     *     {@code release()} without a matching {@code acquire()}
     */
    @Override
    public void release() {
        if (!locked) throw new IllegalStateException("Lock is not acquired.");
        locked = false;
        wakeUpFirst();
    }

    /** Asyncio's {@code _wake_up_first}: the head waiter runs; if it is already done, it is already waking. */
    private void wakeUpFirst() {
        Future<Boolean> first = waiters.peekFirst();
        if (first != null && !first.done()) first.setResult(true);
    }

    private boolean allCancelled() {
        for (Future<Boolean> w : waiters) {
            if (!w.cancelled()) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        String extra = locked ? "locked" : "unlocked";
        if (!waiters.isEmpty()) extra += ", waiters:" + waiters.size();
        return describe(extra);
    }
}
