package io.jasyncio.internal.io;

/**
 * Where a listening server keeps the transports it accepted, so that it can close them and know when the last one
 * is gone ({@code Server.wait_closed}). A transport registers when it is made and unregisters when its connection
 * is lost.
 *
 * <p>Threading: the server's event loop thread only.
 */
public interface ServerConnections {
    /** {@code t} was accepted by this server. */
    void attach(SelectorTransport t);

    /** {@code t}'s connection is lost. */
    void detach(SelectorTransport t);
}
