package io.jasyncio.http.ws;

import java.io.IOException;

/**
 * The server did not accept the WebSocket handshake (aiohttp's {@code WSServerHandshakeError}): it answered
 * something other than 101, or a 101 the client cannot accept (a wrong {@code Sec-WebSocket-Accept}, a
 * protocol or extension it did not offer). {@link #status()} is the server's status.
 *
 * <p>Threading: immutable once thrown.
 */
public final class WSServerHandshakeError extends IOException {
    /** The status the server answered with, or 0. */
    private final int status;

    WSServerHandshakeError(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * The status the server answered with (0 if it sent no valid status line).
     *
     * @return the status, or 0
     */
    public int status() {
        return status;
    }
}
