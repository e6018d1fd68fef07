package io.jasyncio.transport;

/**
 * What {@link Net#connectReadPipe} and {@link Net#connectWritePipe} return: asyncio's {@code (transport, protocol)}
 * pair of a pipe.
 *
 * <p>Threading: immutable; its parts belong to the loop's thread.
 *
 * @param <T> the transport type: {@link ReadTransport} or {@link WriteTransport}
 * @param <P> the protocol type
 * @param transport the pipe's transport
 * @param protocol the protocol the factory made
 */
public record PipeConnection<T extends BaseTransport, P extends BaseProtocol>(T transport, P protocol) {}
