package io.jasyncio.pg;

/**
 * A query argument cannot be encoded as its parameter's type, or a value cannot be read as the type asked for
 * (asyncpg's {@code DataError}). Nothing was sent for that query; the connection is unaffected.
 *
 * <p>Threading: immutable.
 */
public class DataError extends InterfaceError {
    /**
     * An error with this message.
     *
     * @param message which value, which type, and what to do
     */
    public DataError(String message) {
        super(message);
    }

    /**
     * An error with this message and cause.
     *
     * @param message which value, which type, and what to do
     * @param cause the codec's failure
     */
    public DataError(String message, Throwable cause) {
        super(message, cause);
    }
}
