package io.jasyncio.pg;

/**
 * A query's result went over {@link ConnectOptions#maxResultSize()} bytes and was refused rather than held in
 * memory. The rest of it was read and dropped; the connection is usable. Read such results with a
 * {@link Cursor}, which streams them in bounded memory, or raise the bound.
 *
 * <p>Threading: immutable.
 */
public class ResultTooLargeError extends InterfaceError {
    /**
     * An error with this message.
     *
     * @param message the result's size and the bound
     */
    public ResultTooLargeError(String message) {
        super(message);
    }
}
