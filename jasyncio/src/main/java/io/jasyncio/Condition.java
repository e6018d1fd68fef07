package io.jasyncio;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * asyncio's {@code Condition}: tasks holding a {@link Lock} wait until another task signals them. Waiting
 * releases the lock; a woken task holds the lock again before {@link #await()} returns, even when it is
 * cancelled while re-acquiring (the cancellation is delivered once the lock is back). A task cancelled
 * after it was chosen by {@link #signal} passes the wake-up on to another waiter, so no signal is lost.
 *
 * <p>Names: Python's {@code wait()}, {@code notify(n)} and {@code notify_all()} are {@link #await()},
 * {@link #signal(int)} and {@link #signalAll()} here, as in {@code java.util.concurrent.locks.Condition}
 * ({@code Object} already owns {@code wait} and {@code notify}). {@code wait_for} is
 * {@link #waitFor(java.util.function.Supplier)} (returns the predicate's last value, truthy as Python's) or
 * {@link #waitFor(BooleanSupplier)}.
 * {@code async with cond:} is {@code try (var held = cond.acquire()) { ... }} or {@link #withLock}.
 *
 * <p>Threading: not thread-safe; use it from the tasks of one event loop. It binds to the running loop the
 * first time a task waits on it.
 */
public class Condition extends LoopBound implements Acquirable {
    final Lock lock;
    final ArrayDeque<Future<Boolean>> waiters = new ArrayDeque<>();

    /** A condition with its own new {@link Lock}. */
    public Condition() {
        this(new Lock());
    }

    /**
     * A condition over {@code lock}, which other code may also acquire directly.
     *
     * @param lock the lock the condition uses
     */
    public Condition(Lock lock) {
        if (lock == null) throw new NullPointerException("lock (use new Condition() for a fresh lock)");
        this.lock = lock;
    }

    /** Acquires the underlying lock (asyncio exports the lock's {@code acquire}). */
    @Override
    public Guard acquire() {
        lock.acquire();
        return new Guard(this);
    }

    /** Releases the underlying lock. */
    @Override
    public void release() {
        lock.release();
    }

    /** Whether the underlying lock is held. */
    @Override
    public boolean locked() {
        return lock.locked();
    }

    /**
     * Releases the lock, suspends the calling task until signalled, then re-acquires the lock before
     * returning (asyncio's {@code await cond.wait()}). It may return without a signal (a spurious wake-up, as
     * the protocol allows), so re-check the state in a loop, or use {@link #waitFor}.
     *
     * @throws IllegalStateException "cannot wait on un-acquired lock" (asyncio's text) if the lock is not held:
     *     {@code acquire()} the condition first
     * @throws CancelledError if the task was cancelled; the lock is held again all the same
     */
    public void await() {
        if (!locked()) throw new IllegalStateException("cannot wait on un-acquired lock");
        Future<Boolean> fut = loop().createFuture();
        release();
        try {
            try {
                waiters.add(fut);
                try {
                    Asyncio.await(fut);
                } finally {
                    waiters.remove(fut);
                }
            } finally {
                reacquireDespiteCancellation();
            }
        } catch (Throwable e) {
            // Whatever went wrong may have happened after we were chosen by signal(): hand the wake-up on.
            signalInternal(1);
            throw e;
        }
    }

    /**
     * The lock must be held when {@code await()} returns or throws, so cancellations while re-acquiring are
     * held back and the last one is thrown once the lock is ours again.
     */
    private void reacquireDespiteCancellation() {
        CancelledError err = null;
        while (true) {
            try {
                lock.acquire();
                break;
            } catch (CancelledError e) {
                err = e;
            }
        }
        if (err != null) throw err;
    }

    /**
     * Waits (as {@link #await()}) until {@code predicate} is true, and returns true; checks it first, so a
     * predicate already true returns at once without needing the lock.
     *
     * @param predicate the condition to wait for
     * @return true
     * @throws IllegalStateException "cannot wait on un-acquired lock" if the predicate is false and the lock is
     *     not held
     */
    public boolean waitFor(BooleanSupplier predicate) {
        boolean result = predicate.getAsBoolean();
        while (!result) {
            await();
            result = predicate.getAsBoolean();
        }
        return true;
    }

    /**
     * asyncio's {@code wait_for(predicate)}: waits (as {@link #await()}) until {@code predicate} returns a
     * truthy value, and returns that value, e.g. {@code Item next = cond.waitFor(() -> queue.peek());}. Checks
     * it first, so a value already truthy returns at once without needing the lock.
     *
     * <p>Truthy mirrors Python's truth test for the values a Java predicate returns: {@code null},
     * {@code Boolean.FALSE}, a zero number ({@code 0}, {@code 0.0}, {@code -0.0}, a zero {@code BigInteger} or
     * {@code BigDecimal}), an empty {@link CharSequence}, {@link java.util.Collection}, {@link java.util.Map},
     * array or {@link java.util.Optional} are falsy; every other value is truthy (a NaN too, as in Python).
     *
     * @param <T> the value type
     * @param predicate computes the value waited for
     * @return the first truthy value
     * @throws IllegalStateException "cannot wait on un-acquired lock" if the value is falsy and the lock is not
     *     held
     */
    public <T> T waitFor(java.util.function.Supplier<T> predicate) {
        T result = predicate.get();
        while (!truthy(result)) {
            await();
            result = predicate.get();
        }
        return result;
    }

    /** Python's truth test, for what {@link #waitFor(java.util.function.Supplier)} documents. */
    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case java.math.BigInteger i -> i.signum() != 0;
            case java.math.BigDecimal d -> d.signum() != 0;
            case Number n -> n.doubleValue() != 0; // NaN != 0: truthy, as Python's
            case CharSequence cs -> !cs.isEmpty();
            case java.util.Collection<?> c -> !c.isEmpty();
            case java.util.Map<?, ?> m -> !m.isEmpty();
            case java.util.Optional<?> o -> o.isPresent();
            default -> !v.getClass().isArray() || java.lang.reflect.Array.getLength(v) > 0;
        };
    }

    /** Wakes one waiting task (asyncio's {@code notify()}); the lock must be held. */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes up to {@code n} waiting tasks (asyncio's {@code notify(n)}). A woken task returns from
     * {@link #await()} only once it gets the lock, which the caller still holds.
     *
     * @param n the most tasks to wake
     * @throws IllegalStateException "cannot notify on un-acquired lock" (asyncio's text) if the lock is not
     *     held: {@code acquire()} the condition first
     */
    public void signal(int n) {
        if (!locked()) throw new IllegalStateException("cannot notify on un-acquired lock");
        signalInternal(n);
    }

    /** Wakes every waiting task (asyncio's {@code notify_all()}); the lock must be held. */
    public void signalAll() {
        signal(waiters.size());
    }

    private void signalInternal(int n) {
        int woken = 0;
        for (Future<Boolean> fut : waiters) {
            if (woken >= n) break;
            if (!fut.done()) {
                woken++;
                fut.setResult(false);
            }
        }
    }

    @Override
    public String toString() {
        String extra = locked() ? "locked" : "unlocked";
        if (!waiters.isEmpty()) extra += ", waiters:" + waiters.size();
        return describe(extra);
    }
}
