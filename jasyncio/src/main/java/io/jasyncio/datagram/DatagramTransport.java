package io.jasyncio.datagram;

import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.WriteBufferLimits;
import io.jasyncio.transport.WriteTransport;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * asyncio's {@code DatagramTransport}: a UDP endpoint.
 *
 * <p>Threading: the event loop's thread only.
 */
public interface DatagramTransport extends BaseTransport {
    /**
     * Sends one datagram to {@code addr}; null sends to the connected remote address (an endpoint with a
     * remote address refuses any other). Never blocks: unsendable datagrams are buffered.
     */
    void sendto(ByteBuffer data, SocketAddress addr);

    /** {@link #sendto(ByteBuffer, SocketAddress)} of an array, copied if it must be buffered. */
    default void sendto(byte[] data, SocketAddress addr) {
        sendto(ByteBuffer.wrap(data), addr);
    }

    /** Sends to the connected remote address. */
    default void sendto(byte[] data) {
        sendto(ByteBuffer.wrap(data), null);
    }

    /** Bytes (plus 8 per datagram, as asyncio counts headers) buffered, waiting to be sent. */
    long getWriteBufferSize();

    /** As {@link WriteTransport#setWriteBufferLimits(Integer, Integer)}. */
    void setWriteBufferLimits(Integer high, Integer low);

    /** As {@link WriteTransport#getWriteBufferLimits()}. */
    WriteBufferLimits getWriteBufferLimits();

    /** Closes at once, dropping buffered datagrams. */
    void abort();
}
