package io.jasyncio.transport;

/**
 * asyncio's {@code BaseTransport}: the part of a connection every transport has.
 *
 * <p>Threading: transports belong to their event loop's thread; call them from its tasks and callbacks only.
 */
public interface BaseTransport {
    /**
     * Extra information about the connection, or null: {@code "peername"} and {@code "sockname"} (the remote
     * and local {@link java.net.SocketAddress}), {@code "socket"} (the {@link java.nio.channels.Channel}).
     */
    Object getExtraInfo(String name);

    /** {@link #getExtraInfo(String)}, with {@code defaultValue} when the information is missing. */
    default Object getExtraInfo(String name, Object defaultValue) {
        Object v = getExtraInfo(name);
        return v != null ? v : defaultValue;
    }

    /** Whether the transport is closing or closed. */
    boolean isClosing();

    /**
     * Closes the transport: buffered data is still sent, then the protocol's {@code connectionLost(null)} is
     * called. Idempotent.
     */
    void close();

    /** Replaces the protocol that receives the callbacks. */
    void setProtocol(BaseProtocol protocol);

    /** The current protocol. */
    BaseProtocol getProtocol();
}
