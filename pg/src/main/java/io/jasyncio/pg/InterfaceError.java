package io.jasyncio.pg;

/**
 * A client-side error (asyncpg's {@code InterfaceError}): the driver was used wrongly, or could not do what was
 * asked. The subclasses say what: {@link DataError} (a value cannot be sent as its parameter's type),
 * {@link ConnectionDoesNotExistError} (the connection is closed or was lost), {@link ProtocolError} (the server
 * sent something that is not valid protocol), {@link ResultTooLargeError} (a result over the configured bound).
 *
 * <p>Threading: immutable.
 */
public class InterfaceError extends RuntimeException {
    /**
     * An error with this message.
     *
     * @param message what was wrong, and what to do
     */
    public InterfaceError(String message) {
        super(message);
    }

    /**
     * An error with this message and cause.
     *
     * @param message what was wrong, and what to do
     * @param cause the underlying failure
     */
    public InterfaceError(String message, Throwable cause) {
        super(message, cause);
    }
}
