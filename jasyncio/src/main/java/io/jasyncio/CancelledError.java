package io.jasyncio;

import java.util.concurrent.CancellationException;

/**
 * asyncio's {@code CancelledError}: raised at a task's await point when the task (or what it awaits) is
 * cancelled, and by {@link Future#result()} of a cancelled future.
 *
 * <p>It extends {@link CancellationException} so that {@code CompletableFuture} and executors treat it as
 * cancellation. Python makes it a {@code BaseException} so {@code except Exception} does not swallow it; Java
 * cannot, so code that catches {@code Exception} or {@code RuntimeException} inside a task must rethrow it
 * (as with Kotlin's {@code CancellationException}).
 *
 * <p>Threading: an ordinary immutable exception.
 */
public class CancelledError extends CancellationException {
    /** A cancellation without a message. */
    public CancelledError() {
        super();
    }

    /**
     * A cancellation with a message.
     *
     * @param message the message given to {@code cancel(msg)}
     */
    public CancelledError(String message) {
        super(message);
    }

    /** {@return the message given to {@code cancel(msg)}, or null} */
    public String cancelMessage() {
        return getMessage();
    }
}
