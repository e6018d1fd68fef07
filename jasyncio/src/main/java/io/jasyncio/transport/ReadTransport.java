package io.jasyncio.transport;

/**
 * asyncio's {@code ReadTransport}: the reading side of a connection.
 *
 * <p>Threading: the event loop's thread only.
 */
public interface ReadTransport extends BaseTransport {
    /**
     * Whether the transport is receiving data (not paused, not closing).
     *
     * @return true while receiving
     */
    boolean isReading();

    /** Stops calling the protocol's data callbacks until {@link #resumeReading()}; idempotent. */
    void pauseReading();

    /** Resumes what {@link #pauseReading()} stopped; idempotent. */
    void resumeReading();
}
