package io.jasyncio.transport;

/**
 * asyncio's {@code SendfileNotAvailableError}: the zero-copy path of {@code sock_sendfile}/{@code sendfile} cannot
 * be used for this socket and file (the file is not a {@link java.nio.channels.FileChannel}), and the caller
 * turned the fallback off. Like asyncio's, a {@code RuntimeError}: here an {@link IllegalStateException}.
 *
 * <p>Threading: immutable.
 */
public class SendfileNotAvailableError extends IllegalStateException {
    /**
     * An error naming the socket and the file.
     *
     * @param message what could not be sent
     */
    public SendfileNotAvailableError(String message) {
        super(message);
    }
}
