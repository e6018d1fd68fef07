package io.jasyncio.pg.protocol;

/**
 * Thrown while decoding when a server message is malformed; the protocol turns it into a
 * {@link io.jasyncio.pg.ProtocolError} and closes the connection.
 *
 * <p>Threading: an ordinary exception.
 */
public final class ProtocolViolation extends RuntimeException {
    public ProtocolViolation(String message) {
        super(message, null, false, false);
    }
}
