package io.jasyncio.internal.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;

/**
 * Linux's {@code TCP_CORK} on a socket channel, through {@code setsockopt(2)}/{@code getsockopt(2)} called with
 * the FFM API: the JDK has no socket option for it. While a socket is corked the kernel sends only full segments,
 * so a response's head and the first bytes of the file sent after it share a packet (nginx's
 * {@code tcp_nopush}); uncorking sends what is left at once.
 *
 * <p>Used only when all of these hold, else {@link #available()} is false and nothing native is touched: Linux;
 * the channel's descriptor readable through the JDK-internal {@code sun.nio.ch.SelChImpl} (needs
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}, as {@link ChildPipe}); native access enabled for this
 * module ({@code --enable-native-access=ALL-UNNAMED}, or {@code io.jasyncio} on the module path), so a program
 * started without that flag gets no JDK warning.
 *
 * <p>Threading: any thread; the loop's thread in practice (the socket is the loop's).
 */
public final class NativeTcpCork {
    /** {@code IPPROTO_TCP} and {@code TCP_CORK} of Linux's headers. */
    private static final int IPPROTO_TCP = 6, TCP_CORK = 3;

    private static final MethodHandle FD_VAL;
    private static final MethodHandle SETSOCKOPT, GETSOCKOPT;

    static {
        MethodHandle fd = null, set = null, get = null;
        if (gateOpen(System.getProperty("os.name", ""), NativeTcpCork.class.getModule().isNativeAccessEnabled())) {
            try {
                Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
                fd = MethodHandles.lookup().findVirtual(selCh, "getFDVal", MethodType.methodType(int.class))
                        .asType(MethodType.methodType(int.class, SelectableChannel.class));
                Linker linker = Linker.nativeLinker();
                set = linker.downcallHandle(linker.defaultLookup().find("setsockopt").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
                get = linker.downcallHandle(linker.defaultLookup().find("getsockopt").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            } catch (ReflectiveOperationException | RuntimeException e) {
                fd = set = get = null; // sun.nio.ch not exported to us, or no such symbol: no cork, as before
            }
        }
        FD_VAL = fd;
        SETSOCKOPT = set;
        GETSOCKOPT = get;
    }

    private NativeTcpCork() {}

    /**
     * The gate, apart from the descriptor's readability: Linux, and native access enabled. Package-private for
     * its test; no native call is made, nor any restricted method looked up, when it is false.
     */
    static boolean gateOpen(String osName, boolean nativeAccessEnabled) {
        return nativeAccessEnabled && osName.startsWith("Linux");
    }

    /** Whether corking can be done in this JVM (see the class comment). */
    public static boolean available() {
        return SETSOCKOPT != null;
    }

    /**
     * Whether {@code ch} can be corked: {@link #available()}, and a TCP socket (a Unix socket has no
     * {@code TCP_CORK}) that is still open.
     */
    public static boolean applies(SocketChannel ch) {
        if (!available() || !ch.isOpen()) return false;
        try {
            return ch.getLocalAddress() instanceof InetSocketAddress;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sets or clears {@code TCP_CORK} on {@code ch}, which must have {@link #applies applied}; nothing on a
     * closed channel (its descriptor number may be another socket's by now; the kernel sent what was corked).
     */
    public static void set(SocketChannel ch, boolean on) throws IOException {
        if (!ch.isOpen()) return;
        int fd = fd(ch);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocateFrom(ValueLayout.JAVA_INT, on ? 1 : 0);
            int rc = (int) SETSOCKOPT.invokeExact(fd, IPPROTO_TCP, TCP_CORK, value, 4);
            if (rc != 0) throw new IOException("setsockopt(TCP_CORK, " + (on ? 1 : 0) + ") failed on " + ch);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Whether {@code TCP_CORK} is set on {@code ch}; the channel must {@link #applies apply}. */
    public static boolean get(SocketChannel ch) throws IOException {
        int fd = fd(ch);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, 4);
            int rc = (int) GETSOCKOPT.invokeExact(fd, IPPROTO_TCP, TCP_CORK, value, len);
            if (rc != 0) throw new IOException("getsockopt(TCP_CORK) failed on " + ch);
            return value.get(ValueLayout.JAVA_INT, 0) != 0;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int fd(SocketChannel ch) throws IOException {
        if (!available()) throw new IllegalStateException("TCP_CORK is not available in this JVM");
        try {
            return (int) FD_VAL.invokeExact((SelectableChannel) ch);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot read the descriptor of " + ch, t);
        }
    }
}
