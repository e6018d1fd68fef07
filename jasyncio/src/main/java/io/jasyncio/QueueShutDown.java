package io.jasyncio;

/**
 * asyncio's {@code QueueShutDown} (3.13): a put on a {@link Queue} that was shut down, or a get on one that
 * was shut down and is empty (or shut down with {@code immediate}). Like asyncio's, it has no message.
 *
 * <p>Threading: an ordinary exception.
 */
public class QueueShutDown extends RuntimeException {
    /** The error, without a message (as asyncio's). */
    public QueueShutDown() {
        super();
    }
}
