package io.jasyncio;

/**
 * asyncio's {@code QueueFull}: {@link Queue#putNowait} found the queue at its maxsize. Use {@link Queue#put}
 * to wait for room instead. Like asyncio's, it has no message.
 *
 * <p>Threading: an ordinary exception.
 */
public class QueueFull extends RuntimeException {
    /** The error, without a message (as asyncio's). */
    public QueueFull() {
        super();
    }
}
