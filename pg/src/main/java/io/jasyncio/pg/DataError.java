package io.jasyncio.pg;

/**
 * A query argument cannot be encoded as its parameter's type, or a value cannot be read as the type asked for
 * (asyncpg's {@code DataError}). Nothing was sent for that query; the connection is unaffected.
 *
 * <p>Threading: immutable.
 */
public class DataError extends InterfaceError {
    public DataError(String message) {
        super(message);
    }

    public DataError(String message, Throwable cause) {
        super(message, cause);
    }
}
