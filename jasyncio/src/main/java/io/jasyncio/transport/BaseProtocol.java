package io.jasyncio.transport;

/**
 * asyncio's {@code BaseProtocol}: the callbacks every protocol receives from its transport. All methods have
 * empty defaults; override the ones you need.
 *
 * <p>Threading: the transport calls these methods on its event loop's thread, one at a time. They are plain
 * callbacks, not tasks: they must not block and cannot {@code Asyncio.await}; start a task for work that waits.
 */
public interface BaseProtocol {
    /**
     * Called once, when the connection is ready; {@code transport} is the protocol's transport.
     *
     * @param transport the transport
     */
    default void connectionMade(BaseTransport transport) {}

    /**
     * Called once, when the connection is closed: {@code exc} is null after a regular close or EOF, else the
     * error that broke the connection.
     *
     * @param exc the error, or null
     */
    default void connectionLost(Throwable exc) {}

    /** The transport's write buffer went over its high-water mark: stop writing until {@link #resumeWriting}. */
    default void pauseWriting() {}

    /** The transport's write buffer drained to its low-water mark: writing may go on. */
    default void resumeWriting() {}
}
