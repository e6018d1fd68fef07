package io.jasyncio;

/**
 * Python's built-in {@code TimeoutError} (which {@code asyncio.TimeoutError} aliases since 3.11): an
 * operation ran out of time. Unchecked, like every jasyncio exception.
 *
 * <p>Threading: an ordinary immutable exception.
 */
public class TimeoutError extends RuntimeException {
    public TimeoutError() {
        super();
    }

    public TimeoutError(String message) {
        super(message);
    }

    public TimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
