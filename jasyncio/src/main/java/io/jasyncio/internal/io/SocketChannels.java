package io.jasyncio.internal.io;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import io.jasyncio.internal.Sneaky;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * Small helpers over NIO socket channels shared by the public entry points ({@code Net}, {@code Sockets}) and the
 * transports: opening and binding, closing quietly, and waiting for a channel to become ready.
 *
 * <p>Threading: {@link #perform} runs in a task of the loop that watches the channel; the others on any thread.
 */
public final class SocketChannels {
    private SocketChannels() {}

    /**
     * A non-blocking channel of {@code remote}'s family, bound to the first of {@code locals} (null: none) of that
     * family that can be bound (asyncio's {@code _connect_sock}).
     */
    public static SocketChannel openBound(InetSocketAddress remote, List<InetSocketAddress> locals) throws IOException {
        ProtocolFamily fam = family(remote);
        SocketChannel ch = SocketChannel.open(fam);
        try {
            ch.configureBlocking(false);
            if (locals == null) return ch;
            IOException last = null;
            for (InetSocketAddress local : locals) {
                if (family(local) != fam && !local.getAddress().isAnyLocalAddress()) continue;
                try {
                    ch.bind(local);
                    return ch;
                } catch (IOException e) {
                    last = bindFailed(local, e);
                }
            }
            throw last != null ? last : new java.net.SocketException("no matching local address with family=" + fam
                    + " found among " + locals + " to connect to " + Addresses.describe(remote)
                    + ": give a local address of the remote address's family");
        } catch (Throwable e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /** asyncio's message for a failed bind: "error while attempting to bind on address ADDR: reason". */
    public static BindException bindFailed(SocketAddress addr, IOException e) {
        BindException b = new BindException("error while attempting to bind on address "
                + Addresses.describe(addr) + ": " + String.valueOf(e.getMessage()).toLowerCase());
        b.initCause(e);
        return b;
    }

    public static ProtocolFamily family(SocketAddress a) {
        if (a instanceof UnixDomainSocketAddress) return StandardProtocolFamily.UNIX;
        if (a instanceof InetSocketAddress isa && isa.getAddress() instanceof java.net.Inet6Address) {
            return StandardProtocolFamily.INET6;
        }
        return StandardProtocolFamily.INET;
    }

    /** asyncio turns Nagle's algorithm off on every TCP transport. */
    public static void setNoDelay(SocketChannel ch) throws IOException {
        if (ch.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
    }

    public static void closeQuietly(NetworkChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            SelectorTransport.LOG.log(System.Logger.Level.DEBUG, "closing " + ch, e);
        }
    }

    public static void checkNonBlocking(SelectableChannel ch) {
        if (ch.isBlocking()) {
            throw new IllegalArgumentException("the channel must be non-blocking: call configureBlocking(false) on " + ch);
        }
    }

    /**
     * Tries {@code attempt}; while it is not ready, watches the channel and suspends the calling task. The watch is
     * removed as soon as the operation completes, fails, or the task is cancelled. Waits on {@code given} when not
     * null (made by the caller, so that something else, such as a transport losing its connection, can fail the
     * wait).
     */
    @SuppressWarnings("unchecked")
    public static <T> T perform(SelectableChannel ch, boolean read, Attempt<?> attempt, Future<Object> given) {
        Object first;
        try {
            first = attempt.tryOnce();
        } catch (IOException e) {
            throw Sneaky.rethrow(e);
        }
        if (first != null) return (T) first;
        EventLoop loop = Asyncio.getRunningLoop();
        Future<Object> fut = given != null ? given : loop.createFuture();
        Handle[] handle = new Handle[1];
        Runnable onReady = () -> {
            if (fut.done()) return;
            try {
                Object r = attempt.tryOnce();
                if (r == null) return;
                fut.setResult(r);
            } catch (Throwable e) {
                fut.setException(e);
            }
            unwatch(loop, ch, read, handle[0]);
        };
        handle[0] = read ? loop.addReader(ch, onReady) : loop.addWriter(ch, onReady);
        try {
            return (T) Asyncio.await(fut);
        } finally {
            unwatch(loop, ch, read, handle[0]);
        }
    }

    /** Removes our watch unless someone else's replaced it (which cancelled our handle). */
    public static void unwatch(EventLoop loop, SelectableChannel ch, boolean read, Handle h) {
        if (h.cancelled() || !ch.isOpen()) return;
        if (read) loop.removeReader(ch);
        else loop.removeWriter(ch);
    }

    /** One non-blocking attempt: a result, or null when the channel is not ready yet. */
    @FunctionalInterface
    public interface Attempt<T> {
        T tryOnce() throws IOException;
    }

    /** asyncio's {@code _set_reuseport}. */
    public static void setReusePort(NetworkChannel ch) throws IOException {
        if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
            throw new UnsupportedOperationException("reuse_port not supported by socket module");
        }
        ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    }
}
