package io.jasyncio;

/**
 * asyncio's {@code InvalidStateError}: an operation on a {@link Future} that its state does not allow,
 * such as {@code setResult} on a finished future or {@code result()} on a pending one.
 *
 * <p>Threading: an ordinary immutable exception.
 */
public class InvalidStateError extends IllegalStateException {
    /**
     * The error.
     *
     * @param message the operation and the state that refused it
     */
    public InvalidStateError(String message) {
        super(message);
    }
}
