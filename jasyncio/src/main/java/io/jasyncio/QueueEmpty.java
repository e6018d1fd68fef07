package io.jasyncio;

/**
 * asyncio's {@code QueueEmpty}: {@link Queue#getNowait()} found the queue empty. Use {@link Queue#get()} to
 * wait for an item instead.
 *
 * <p>Threading: an ordinary exception.
 */
public class QueueEmpty extends RuntimeException {
    public QueueEmpty() {
        super("the queue is empty: getNowait() has nothing to return (get() waits for an item)");
    }
}
