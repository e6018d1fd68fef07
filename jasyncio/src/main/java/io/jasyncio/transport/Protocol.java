package io.jasyncio.transport;

import java.nio.ByteBuffer;

/**
 * asyncio's {@code Protocol}: a stream protocol (TCP, Unix sockets) that receives data as it arrives.
 *
 * <p>Threading: as {@link BaseProtocol}, on the loop's thread.
 */
public interface Protocol extends BaseProtocol {
    /**
     * Called with the bytes just received. The buffer is the loop's shared read buffer, lent for the duration
     * of the call (zero-copy): consume it, pass it to {@link Transport#write(ByteBuffer)}, or copy what you
     * keep; never hold on to it after returning.
     *
     * @param data the bytes, from the buffer's position to its limit
     */
    default void dataReceived(ByteBuffer data) {}

    /**
     * Called when the peer closed its sending side. Return true to keep the connection open (half-closed: you
     * may still write, then close); false (the default) closes the transport.
     *
     * @return true to keep the connection half-open
     */
    default boolean eofReceived() {
        return false;
    }
}
