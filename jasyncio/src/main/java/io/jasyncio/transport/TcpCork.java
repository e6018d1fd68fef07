package io.jasyncio.transport;

import io.jasyncio.internal.io.NativeTcpCork;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Linux's {@code TCP_CORK} socket option, which Python has as {@code socket.TCP_CORK} and the JDK lacks: while
 * a TCP socket is corked the kernel sends only full segments; clearing it sends what is held at once. nginx's
 * {@code tcp_nopush} corks a response's head and its file together, so they share packets; the http module's
 * file responses do the same.
 *
 * <p>Works only on Linux, with the socket's descriptor readable
 * ({@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}) and native access enabled for jasyncio
 * ({@code --enable-native-access=ALL-UNNAMED}, or {@code =io.jasyncio} on the module path); {@code bin/jasyncio}
 * passes both. Otherwise {@link #applies} is false and no native code is reached, so the JDK prints no warning.
 *
 * <p>Threading: the thread that owns the socket (a transport's loop thread).
 */
public final class TcpCork {
    private TcpCork() {}

    /**
     * Whether {@code TCP_CORK} can be set in this JVM.
     *
     * @return true on Linux with the socket's descriptor readable and native access enabled
     */
    public static boolean available() {
        return NativeTcpCork.available();
    }

    /**
     * Whether {@code sock} can be corked.
     *
     * @param sock a socket channel
     * @return true when {@link #available()} and {@code sock} is an open TCP (not Unix) socket
     */
    public static boolean applies(SocketChannel sock) {
        return NativeTcpCork.applies(sock);
    }

    /**
     * Sets ({@code on}) or clears {@code TCP_CORK} on {@code sock}; nothing if {@code sock} is closed.
     *
     * @param sock a TCP socket channel for which {@link #applies} is true
     * @param on true to cork, false to uncork (which sends what the kernel held at once)
     * @throws IllegalStateException if {@link #available()} is false
     * @throws IOException if the kernel refuses (a socket that is not TCP)
     */
    public static void set(SocketChannel sock, boolean on) throws IOException {
        NativeTcpCork.set(sock, on);
    }

    /**
     * Whether {@code TCP_CORK} is set on {@code sock}.
     *
     * @param sock a TCP socket channel for which {@link #applies} is true
     * @return the option's value, read with {@code getsockopt(2)}
     * @throws IllegalStateException if {@link #available()} is false
     * @throws IOException if the kernel refuses (a closed socket, or one that is not TCP)
     */
    public static boolean isSet(SocketChannel sock) throws IOException {
        if (!sock.isOpen()) throw new IOException("the socket " + sock + " is closed");
        return NativeTcpCork.get(sock);
    }
}
