package io.jasyncio.subprocess;

/**
 * What {@link Processes#subprocessExec} returns: asyncio's {@code (transport, protocol)} pair of a child process.
 *
 * <p>Threading: immutable; its parts belong to the loop's thread.
 *
 * @param <P> the protocol type
 */
public record SubprocessConnection<P extends SubprocessProtocol>(SubprocessTransport transport, P protocol) {}
