package io.jasyncio.datagram;

import io.jasyncio.transport.BaseProtocol;
import io.jasyncio.transport.Protocol;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * asyncio's {@code DatagramProtocol}: receives datagrams from a {@link DatagramTransport}.
 *
 * <p>Threading: as {@link BaseProtocol}, on the loop's thread.
 */
public interface DatagramProtocol extends BaseProtocol {
    /**
     * Called with a datagram received from {@code addr}. The buffer is lent for the duration of the call, as
     * in {@link Protocol#dataReceived}: copy what you keep.
     *
     * @param data the datagram, from its position to its limit
     * @param addr the sender's address
     */
    default void datagramReceived(ByteBuffer data, SocketAddress addr) {}

    /**
     * Called when a send or receive failed without breaking the endpoint, for instance an ICMP "port
     * unreachable" reported as {@link java.net.PortUnreachableException} on a connected endpoint.
     *
     * @param exc the error
     */
    default void errorReceived(Exception exc) {}
}
