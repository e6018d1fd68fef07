package io.jasyncio;

/**
 * asyncio's {@code QueueEmpty}: {@link Queue#getNowait()} found the queue empty. Use {@link Queue#get()} to
 * wait for an item instead. Like asyncio's, it has no message.
 *
 * <p>Threading: an ordinary exception.
 */
public class QueueEmpty extends RuntimeException {
    /** The error, without a message (as asyncio's). */
    public QueueEmpty() {
        super();
    }
}
