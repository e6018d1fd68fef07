package io.jasyncio.pg;

/**
 * The connection is closed, or was lost while the operation was in progress (asyncpg's
 * {@code ConnectionDoesNotExistError}). The cause, when there is one, is what broke it (an I/O error, a FATAL
 * server error). Whether the interrupted query took effect is unknown; open a new connection (a {@link Pool}
 * replaces it by itself).
 *
 * <p>Threading: immutable.
 */
public class ConnectionDoesNotExistError extends InterfaceError {
    /**
     * An error with this message.
     *
     * @param message what was lost, and when
     */
    public ConnectionDoesNotExistError(String message) {
        super(message);
    }

    /**
     * An error with this message and cause.
     *
     * @param message what was lost, and when
     * @param cause what broke the connection
     */
    public ConnectionDoesNotExistError(String message, Throwable cause) {
        super(message, cause);
    }
}
