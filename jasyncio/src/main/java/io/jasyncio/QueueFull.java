package io.jasyncio;

/**
 * asyncio's {@code QueueFull}: {@link Queue#putNowait} found the queue at its maxsize. Use {@link Queue#put}
 * to wait for room instead.
 *
 * <p>Threading: an ordinary exception.
 */
public class QueueFull extends RuntimeException {
    public QueueFull(int maxsize) {
        super("the queue is full (maxsize " + maxsize + "): putNowait() cannot add (put() waits for room)");
    }
}
