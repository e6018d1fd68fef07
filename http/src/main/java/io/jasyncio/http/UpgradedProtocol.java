package io.jasyncio.http;

import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Transport;

/**
 * The protocol a server connection speaks after {@link Request#upgrade} (a WebSocket's): it gets every transport
 * callback, and two from the server, about the handler that switched.
 *
 * <p>Threading: the loop's thread, as every protocol.
 */
public interface UpgradedProtocol extends Protocol {
    /** The server is shutting down while the handler still runs: say goodbye (a WebSocket's 1001). */
    default void serverShutdown() {}

    /**
     * The handler has returned: end the connection ({@code transport.close()} by default), at once or soon.
     *
     * @param transport the connection's transport
     */
    default void handlerEnded(Transport transport) {
        transport.close();
    }
}
