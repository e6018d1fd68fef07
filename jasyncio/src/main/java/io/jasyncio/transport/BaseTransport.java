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
     *
     * @param name the key
     * @return the value, or null (or {@code defaultValue}) when missing
     */
    Object getExtraInfo(String name);

    /**
     * {@link #getExtraInfo(String)}, with {@code defaultValue} when the information is missing.
     *
     * @param name the key
     * @param defaultValue what to return when it is missing
     * @return the value, or null (or {@code defaultValue}) when missing
     */
    default Object getExtraInfo(String name, Object defaultValue) {
        Object v = getExtraInfo(name);
        return v != null ? v : defaultValue;
    }

    /**
     * Whether the transport is closing or closed.
     *
     * @return true once {@code close} or {@code abort} was called or the connection was lost
     */
    boolean isClosing();

    /**
     * Closes the transport: buffered data is still sent, then the protocol's {@code connectionLost(null)} is
     * called. Idempotent.
     */
    void close();

    /**
     * Replaces the protocol that receives the callbacks.
     *
     * @param protocol the new protocol
     */
    void setProtocol(BaseProtocol protocol);

    /**
     * The current protocol.
     *
     * @return the protocol
     */
    BaseProtocol getProtocol();
}
