package io.jasyncio;

import io.jasyncio.internal.Sneaky;

/**
 * A primitive that a task acquires and later releases: {@link Lock}, {@link Semaphore}, {@link Condition}.
 * Python's {@code async with lock:} has two Java forms:
 * <pre>{@code
 * try (var held = lock.acquire()) {      // suspends until acquired; releases when the block exits
 *     ...
 * }
 * T result = lock.withLock(() -> ...);   // the same, around a coroutine
 * }</pre>
 * If the task is cancelled while waiting in {@link #acquire()}, {@link CancelledError} is thrown and nothing is
 * held, so the block (and the release) does not run, exactly as with {@code async with}.
 *
 * <p>Threading: like all jasyncio primitives, use it from the code of tasks of one event loop.
 */
public interface Acquirable {
    /**
     * Suspends the calling task until the primitive is acquired, and returns a {@link Guard} whose
     * {@code close()} releases it. Asyncio's {@code await acquire()}; call it from a task's code.
     *
     * @return the guard that releases the primitive
     */
    Guard acquire();

    /** Releases the primitive (asyncio's {@code release()}). */
    void release();

    /** {@return whether {@link #acquire()} would have to wait} */
    boolean locked();

    /**
     * Runs {@code body} while holding the primitive and returns its result: {@code async with self: body}.
     *
     * @param <T> the result type
     * @param body the code to run while holding the primitive
     * @return {@code body}'s result
     */
    default <T> T withLock(Coroutine<T> body) {
        try (Guard held = acquire()) {
            return body.call();
        } catch (Exception e) {
            throw Sneaky.rethrow(e);
        }
    }
}
