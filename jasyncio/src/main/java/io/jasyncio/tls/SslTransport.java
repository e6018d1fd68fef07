package io.jasyncio.tls;

import io.jasyncio.EventLoop;
import io.jasyncio.transport.ReadBufferLimits;
import io.jasyncio.transport.Transport;

/**
 * The transport a TLS connection shows its application protocol (asyncio's {@code _SSLProtocolTransport}): it
 * carries plaintext, and the TLS layer under it encrypts and decrypts over the plain socket transport.
 *
 * <p>Differences from a plain transport, as in asyncio: {@link #close()} sends close_notify after the buffered
 * data and waits (up to the shutdown timeout) for the peer's; {@link #writeEof()} is not supported; returning
 * true from {@code eofReceived} has no effect. Extra information adds {@code "sslcontext"}
 * ({@link javax.net.ssl.SSLContext}), and once the handshake is done {@code "ssl_object"}
 * ({@link javax.net.ssl.SSLEngine}), {@code "ssl_session"} ({@link javax.net.ssl.SSLSession}),
 * {@code "peercert"} (the peer's {@code List<Certificate>}, or null if it sent none), {@code "cipher"} and
 * {@code "ssl_protocol"} (names as {@code String}); other names come from the plain transport
 * ({@code "peername"}, {@code "sockname"}, {@code "socket"}).
 *
 * <p>Threading: the event loop's thread only.
 *
 * <p>Every transport a TLS connection hands its protocol is one: cast to it for the TLS layer's own flow control
 * ({@code Connection.transport()}, the {@code connectionMade} argument, {@link Tls#startTls}'s result).
 */
public interface SslTransport extends Transport {
    /**
     * Whether the application's writes are paused: the TLS layer's outgoing buffer is above its high-water mark
     * (the protocol got {@code pauseWriting} and not yet {@code resumeWriting}).
     *
     * @return true while paused
     */
    boolean writingPaused();

    /**
     * Limits of the ciphertext received but not yet decrypted (it piles up while reading is paused): over
     * {@code high} the socket is no longer read, under {@code low} it is again. Defaults: 256 KiB and a quarter.
     *
     * @param high the high-water mark in bytes, or null for the default
     * @param low the low-water mark in bytes, or null for a quarter of {@code high}
     * @throws IllegalArgumentException if {@code low > high} or {@code low < 0}
     */
    void setReadBufferLimits(Integer high, Integer low);

    /** {@return the current read water marks (asyncio's {@code get_read_buffer_limits()})} */
    ReadBufferLimits getReadBufferLimits();

    /** {@return the size in bytes of the ciphertext received but not yet decrypted} */
    int getReadBufferSize();

    /** {@return the loop this transport belongs to} */
    EventLoop getLoop();
}
