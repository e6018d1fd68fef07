package io.jasyncio.http.ws;

import java.io.IOException;

/**
 * The peer broke the WebSocket protocol (aiohttp's {@code WebSocketError}): {@link #code()} is the close code
 * sent to it (1002 a framing error, 1007 invalid UTF-8, 1009 a message over the size limit, ...).
 *
 * <p>Threading: immutable once thrown.
 */
public class WebSocketError extends IOException {
    /** The close code sent to the peer. */
    private final int code;

    /**
     * A protocol violation to close with {@code code}.
     *
     * @param code the close code to send
     * @param message what was wrong
     */
    public WebSocketError(int code, String message) {
        super(message);
        this.code = code;
    }

    /**
     * The close code that tells the peer what was wrong.
     *
     * @return the close code
     */
    public int code() {
        return code;
    }
}
