package io.jasyncio.pg;

/**
 * The server sent bytes that are not valid protocol v3 (an unknown message type, a length out of bounds, a
 * malformed message), or a message that was not expected at that point. The connection is closed: after such a
 * message nothing it says can be trusted.
 *
 * <p>Threading: immutable.
 */
public class ProtocolError extends ConnectionDoesNotExistError {
    /**
     * An error with this message.
     *
     * @param message what the server sent that is wrong
     */
    public ProtocolError(String message) {
        super(message);
    }
}
