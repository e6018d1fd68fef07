package io.jasyncio;

/**
 * asyncio's {@code BrokenBarrierError}: a {@link Barrier} was aborted, or reset while the task waited in it.
 * Python derives it from {@code RuntimeError}, hence {@link IllegalStateException} here.
 *
 * <p>Threading: an ordinary exception.
 */
public class BrokenBarrierError extends IllegalStateException {
    /**
     * The error.
     *
     * @param message why the barrier is broken
     */
    public BrokenBarrierError(String message) {
        super(message);
    }
}
