package io.jasyncio.transport;

import java.nio.ByteBuffer;

/**
 * asyncio's {@code BufferedProtocol}: a stream protocol that provides the buffer the transport reads into,
 * so that received bytes are never copied.
 *
 * <p>Threading: as {@link BaseProtocol}, on the loop's thread.
 */
public interface BufferedProtocol extends BaseProtocol {
    /**
     * Returns the buffer to read into; the transport fills it from its position up to its limit, which must
     * leave room for at least one byte. {@code sizeHint} is the recommended size, or -1 for any size.
     *
     * @param sizeHint the recommended size, or -1
     * @return the buffer
     */
    ByteBuffer getBuffer(int sizeHint);

    /**
     * Called after {@code nbytes} bytes were read into the buffer {@link #getBuffer} returned; they end at its
     * position, which has advanced by {@code nbytes}.
     *
     * @param nbytes how many bytes were read
     */
    void bufferUpdated(int nbytes);

    /**
     * As {@link Protocol#eofReceived()}: return true to keep the connection half-open.
     *
     * @return true to keep the connection half-open
     */
    default boolean eofReceived() {
        return false;
    }
}
