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
    public ConnectionDoesNotExistError(String message) {
        super(message);
    }

    public ConnectionDoesNotExistError(String message, Throwable cause) {
        super(message, cause);
    }
}
