package io.jasyncio.http.ws;

/**
 * What a {@link WSMessage} is (aiohttp's {@code WSMsgType}). TEXT, BINARY, PING, PONG and CLOSE come from the
 * peer's frames; CLOSING, CLOSED and ERROR describe the connection's state.
 *
 * <p>Threading: an enum, immutable.
 */
public enum WSMsgType {
    /** A text message: {@link WSMessage#text()}. */
    TEXT,
    /** A binary message: {@link WSMessage#bytes()}. */
    BINARY,
    /** A ping (delivered only without auto-ping): {@link WSMessage#bytes()} is its payload. */
    PING,
    /** A pong (delivered only without auto-ping): {@link WSMessage#bytes()} is its payload. */
    PONG,
    /** The peer's close frame: {@link WSMessage#closeCode()} and {@link WSMessage#extra()} (the reason). */
    CLOSE,
    /** This side has started closing (another task called close(), or the server is shutting down). */
    CLOSING,
    /** The connection is closed: nothing more will come. */
    CLOSED,
    /** The peer broke the protocol, or stopped answering: {@link WSMessage#error()}. */
    ERROR
}
