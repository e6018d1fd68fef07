package io.jasyncio;

/**
 * Python's built-in {@code TimeoutError} (which {@code asyncio.TimeoutError} aliases since 3.11): an
 * operation ran out of time. Unchecked, like every jasyncio exception.
 *
 * <p>Threading: an ordinary immutable exception.
 */
public class TimeoutError extends RuntimeException {
    /** A timeout error without a message. */
    public TimeoutError() {
        super();
    }

    /**
     * A timeout error.
     *
     * @param message what ran out of time
     */
    public TimeoutError(String message) {
        super(message);
    }

    /**
     * A timeout error with a cause.
     *
     * @param message what ran out of time
     * @param cause what the timeout interrupted (a {@link CancelledError} for asyncio's timeouts)
     */
    public TimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
