package io.jasyncio;

/**
 * A coroutine: code that runs inside a {@link Task} and may suspend at {@link Asyncio#await} points.
 *
 * <p>Python's {@code async def f(): ...} is a method whose body runs in a task; calling it from another
 * coroutine is {@code await f()}, and {@code loop.createTask(() -> f())} is {@code create_task(f())}.
 * A coroutine that produces no value returns {@code null}.
 *
 * <p>Threading: the body runs on its loop's thread (or, with the portable engine, on a virtual thread that
 * holds the loop's baton); it never runs concurrently with other code of the same loop.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface Coroutine<T> {
    /**
     * The coroutine's body; run it in a task (or call it from another coroutine, as {@code await}).
     *
     * @return the result (null for none)
     * @throws Exception anything; it becomes the task's exception
     */
    T call() throws Exception;
}
