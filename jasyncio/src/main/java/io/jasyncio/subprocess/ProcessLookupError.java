package io.jasyncio.subprocess;

/**
 * asyncio's {@code ProcessLookupError} as raised by a subprocess transport: the process it drove is gone (the
 * transport has finished), so it cannot be signalled any more.
 *
 * <p>Threading: an ordinary immutable exception.
 */
public class ProcessLookupError extends IllegalStateException {
    /**
     * An error with {@code message}.
     *
     * @param message what is gone
     */
    public ProcessLookupError(String message) {
        super(message);
    }
}
