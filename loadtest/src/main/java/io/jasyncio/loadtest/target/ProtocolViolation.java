package io.jasyncio.loadtest.target;

/**
 * An answer that is not in the protocol (a bad status line, bad framing, over a limit): counted as
 * {@link io.jasyncio.loadtest.metrics.ErrorKind#MALFORMED}, and the connection is closed.
 *
 * <p>Threading: immutable.
 */
public final class ProtocolViolation extends RuntimeException {
    /**
     * A violation described by {@code message}.
     *
     * @param message what was wrong with the answer
     */
    public ProtocolViolation(String message) {
        super(message, null, false, false);
    }
}
