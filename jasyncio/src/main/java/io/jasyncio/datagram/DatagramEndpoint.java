package io.jasyncio.datagram;

import io.jasyncio.transport.Net;

/**
 * What {@link Net#createDatagramEndpoint} returns: asyncio's {@code (transport, protocol)} pair for UDP.
 *
 * <p>Threading: immutable; its parts belong to the loop's thread.
 *
 * @param <P> the protocol type
 * @param transport the endpoint's transport
 * @param protocol the protocol the factory made
 */
public record DatagramEndpoint<P extends DatagramProtocol>(DatagramTransport transport, P protocol) {}
