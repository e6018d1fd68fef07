package io.jasyncio.loadtest.target;

import java.nio.ByteBuffer;

/**
 * What the one-request form sends and how it reads the answers: a target's request bytes, made once, and a
 * fresh {@link ResponseReader} per connection.
 *
 * <p>Threading: immutable; its readers belong to their connection's loop.
 */
public interface Wire {
    /**
     * The request, ready to write (read-only, position 0); each connection writes a duplicate of it.
     *
     * @return a read-only buffer of the request's bytes
     */
    ByteBuffer request();

    /**
     * {@code bytes} as a read-only direct buffer: the socket writes a direct buffer as it is, where a heap one
     * is first copied into a temporary direct one on every write.
     *
     * @param bytes the bytes
     * @return a read-only direct buffer holding them
     */
    static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
    }

    /**
     * A reader for a new connection.
     *
     * @return a new reader
     */
    ResponseReader newReader();

    /**
     * The host to connect to.
     *
     * @return the host name or address
     */
    String host();

    /**
     * The port to connect to.
     *
     * @return the port
     */
    int port();

    /**
     * Whether the connection is TLS (an https URL).
     *
     * @return true for TLS
     */
    default boolean tls() {
        return false;
    }

    /**
     * What the reports call the target (a URL, or tcp://host:port).
     *
     * @return the name
     */
    String name();
}
