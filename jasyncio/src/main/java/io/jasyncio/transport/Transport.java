package io.jasyncio.transport;

/**
 * asyncio's {@code Transport}: a bidirectional stream connection (TCP or Unix socket).
 *
 * <p>Threading: the event loop's thread only.
 */
public interface Transport extends ReadTransport, WriteTransport {}
