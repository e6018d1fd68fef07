package io.jasyncio.subprocess;

/**
 * What {@link Processes#subprocessExec} returns: asyncio's {@code (transport, protocol)} pair of a child process.
 *
 * <p>Threading: immutable; its parts belong to the loop's thread.
 *
 * @param <P> the protocol type
 * @param transport the child's transport
 * @param protocol the protocol the factory made
 */
public record SubprocessConnection<P extends SubprocessProtocol>(SubprocessTransport transport, P protocol) {}
