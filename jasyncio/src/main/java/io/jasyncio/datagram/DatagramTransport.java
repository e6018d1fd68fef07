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
     *
     * @param data the datagram, from its position to its limit
     * @param addr where to send it, or null for the connected remote address
     */
    void sendto(ByteBuffer data, SocketAddress addr);

    /**
     * {@link #sendto(ByteBuffer, SocketAddress)} of an array, copied if it must be buffered.
     *
     * @param data the datagram
     * @param addr where to send it, or null for the connected remote address
     */
    default void sendto(byte[] data, SocketAddress addr) {
        sendto(ByteBuffer.wrap(data), addr);
    }

    /**
     * Sends to the connected remote address.
     *
     * @param data the datagram
     */
    default void sendto(byte[] data) {
        sendto(ByteBuffer.wrap(data), null);
    }

    /**
     * Bytes buffered, waiting to be sent.
     *
     * @return the bytes plus 8 per datagram, as asyncio counts headers
     */
    long getWriteBufferSize();

    /**
     * As {@link WriteTransport#setWriteBufferLimits(Integer, Integer)}.
     *
     * @param high the high-water mark in bytes, or null for the default
     * @param low the low-water mark in bytes, or null for a quarter of {@code high}
     */
    void setWriteBufferLimits(Integer high, Integer low);

    /**
     * As {@link WriteTransport#getWriteBufferLimits()}.
     *
     * @return the low- and high-water marks
     */
    WriteBufferLimits getWriteBufferLimits();

    /** Closes at once, dropping buffered datagrams. */
    void abort();
}
