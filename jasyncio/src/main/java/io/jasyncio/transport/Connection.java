package io.jasyncio.transport;

/**
 * What {@link Net#createConnection} returns: asyncio's {@code (transport, protocol)} pair.
 *
 * <p>Threading: immutable; its parts belong to the loop's thread.
 *
 * @param <P> the protocol type
 * @param transport the connection's transport
 * @param protocol the protocol the factory made
 */
public record Connection<P extends BaseProtocol>(Transport transport, P protocol) {}
