package io.jasyncio.transport;

import static io.jasyncio.internal.io.SocketChannels.checkNonBlocking;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.Handle;
import io.jasyncio.internal.io.Addresses;
import io.jasyncio.internal.io.Sendfile;
import io.jasyncio.internal.io.SocketChannels.Attempt;
import io.jasyncio.internal.io.SocketChannels;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * asyncio's low-level socket coroutines ({@code loop.sock_recv}, {@code sock_sendall}, {@code sock_connect},
 * {@code sock_accept}, {@code sock_sendto}, {@code sock_recvfrom}, {@code sock_sendfile}, ...) for non-blocking NIO channels. Each
 * tries the operation at once; if the channel is not ready it watches it with the loop's selector and
 * suspends the calling task until the operation completes. Cancelling the task stops the watch; nothing stays
 * registered.
 *
 * <p>Threading: call these from a task of the loop that is to watch the channel. A channel must be in
 * non-blocking mode ({@code configureBlocking(false)}), and only one operation of each direction may wait on a
 * channel at a time. I/O errors are thrown unchanged ({@link IOException}s, unchecked-style).
 */
public final class Sockets {
    private Sockets() {}

    /** The result of {@link #sockRecvfrom}: the datagram's bytes and who sent it. */
    public record Datagram(byte[] data, SocketAddress address) {}

    /** The result of {@link #sockRecvfromInto}: how many bytes were stored, and who sent them. */
    public record Received(int nbytes, SocketAddress address) {}

    private static final Object DONE = new Object();

    /** Reads at most {@code n} bytes; an empty array means end of stream ({@code loop.sock_recv}). */
    public static byte[] sockRecv(SocketChannel sock, int n) throws IOException {
        checkNonBlocking(sock);
        if (n < 0) throw new IllegalArgumentException("negative buffer size: " + n);
        if (n == 0) return new byte[0];
        ByteBuffer buf = ByteBuffer.allocate(Math.min(n, 1 << 20));
        return perform(sock, true, () -> {
            int r = sock.read(buf);
            if (r == 0) return null;
            return r < 0 ? new byte[0] : Arrays.copyOf(buf.array(), r);
        });
    }

    /**
     * Reads into {@code buf} from its position up to its limit and returns how many bytes were read; 0 means
     * end of stream (or a full buffer) ({@code loop.sock_recv_into}).
     */
    public static int sockRecvInto(SocketChannel sock, ByteBuffer buf) throws IOException {
        checkNonBlocking(sock);
        if (!buf.hasRemaining()) return 0;
        return perform(sock, true, () -> {
            int r = sock.read(buf);
            if (r == 0) return null;
            return Math.max(r, 0);
        });
    }

    /** Sends all of {@code data} ({@code loop.sock_sendall}). */
    public static void sockSendall(SocketChannel sock, byte[] data) throws IOException {
        sockSendall(sock, ByteBuffer.wrap(data));
    }

    /** Sends all the remaining bytes of {@code data}, consuming them. */
    public static void sockSendall(SocketChannel sock, ByteBuffer data) throws IOException {
        checkNonBlocking(sock);
        perform(sock, false, () -> {
            sock.write(data);
            return data.hasRemaining() ? null : DONE;
        });
    }

    /** Sends the whole of {@code file} from offset 0 ({@code loop.sock_sendfile(sock, file)}); see below. */
    public static long sockSendfile(SocketChannel sock, SeekableByteChannel file) throws IOException {
        return sockSendfile(sock, file, 0, null, true);
    }

    /** Sends {@code count} bytes (null: up to the end) of {@code file} from {@code offset}; see below. */
    public static long sockSendfile(SocketChannel sock, SeekableByteChannel file, long offset, Long count) throws IOException {
        return sockSendfile(sock, file, offset, count, true);
    }

    /**
     * Sends {@code count} bytes of {@code file} (null: up to its end) from {@code offset} and returns how many were
     * sent ({@code loop.sock_sendfile}). A {@link java.nio.channels.FileChannel} (open for reading) goes straight
     * from the file to the socket ({@code FileChannel.transferTo}: {@code sendfile(2)}, no copy), a chunk per
     * writable event; another channel is read in chunks on the default executor and sent, unless
     * {@code fallback} is false: then {@link SendfileNotAvailableError}. The file's position is left after the
     * last byte sent, also when the send fails or is cancelled (then it tells how far it got), and is not
     * touched when nothing was sent. {@code offset} must be at least 0 and {@code count} null or positive
     * ({@link IllegalArgumentException}).
     */
    public static long sockSendfile(SocketChannel sock, SeekableByteChannel file, long offset, Long count,
            boolean fallback) throws IOException {
        return Sendfile.sockSendfile(sock, file, offset, count, fallback);
    }

    /**
     * Connects {@code sock} to {@code address} ({@code loop.sock_connect}); an unresolved
     * {@link InetSocketAddress} is resolved first, on the default executor. A failure is a
     * {@link ConnectException} naming the address.
     */
    public static void sockConnect(SocketChannel sock, SocketAddress address) throws IOException {
        checkNonBlocking(sock);
        SocketAddress target = address;
        if (address instanceof InetSocketAddress isa && isa.isUnresolved()) {
            InetAddress ip = Asyncio.toThread(() -> InetAddress.getByName(isa.getHostString()));
            target = new InetSocketAddress(ip, isa.getPort());
        }
        SocketAddress to = target;
        try {
            if (sock.connect(to)) return;
            perform(sock, false, () -> sock.finishConnect() ? DONE : null);
        } catch (Throwable e) {
            if (e instanceof IOException io) throw connectFailed(to, io);
            throw e;
        }
    }

    static IOException connectFailed(SocketAddress address, IOException cause) {
        ConnectException e = new ConnectException("Connect call failed " + Addresses.describe(address) + ": "
                + cause.getMessage());
        e.initCause(cause);
        return e;
    }

    /**
     * Accepts a connection ({@code loop.sock_accept}) and returns it in non-blocking mode; its address is
     * {@code getRemoteAddress()}.
     */
    public static SocketChannel sockAccept(ServerSocketChannel sock) throws IOException {
        checkNonBlocking(sock);
        return perform(sock, true, () -> {
            SocketChannel c = sock.accept();
            if (c != null) c.configureBlocking(false);
            return c;
        });
    }

    /** Sends one datagram to {@code address} and returns the bytes sent ({@code loop.sock_sendto}). */
    public static int sockSendto(DatagramChannel sock, byte[] data, SocketAddress address) throws IOException {
        return sockSendto(sock, ByteBuffer.wrap(data), address);
    }

    /** Sends the remaining bytes of {@code data} as one datagram to {@code address}; returns the bytes sent. */
    public static int sockSendto(DatagramChannel sock, ByteBuffer data, SocketAddress address) throws IOException {
        checkNonBlocking(sock);
        int size = data.remaining();
        return perform(sock, false, () -> {
            int n = sock.send(data, address);
            return n == 0 && size > 0 ? null : n;
        });
    }

    /** Receives one datagram of at most {@code bufsize} bytes ({@code loop.sock_recvfrom}). */
    public static Datagram sockRecvfrom(DatagramChannel sock, int bufsize) throws IOException {
        checkNonBlocking(sock);
        ByteBuffer buf = ByteBuffer.allocate(bufsize);
        return perform(sock, true, () -> {
            SocketAddress from = sock.receive(buf);
            return from == null ? null : new Datagram(Arrays.copyOf(buf.array(), buf.position()), from);
        });
    }

    /** Receives one datagram into {@code buf} ({@code loop.sock_recvfrom_into}); excess bytes are dropped. */
    public static Received sockRecvfromInto(DatagramChannel sock, ByteBuffer buf) throws IOException {
        checkNonBlocking(sock);
        int start = buf.position();
        return perform(sock, true, () -> {
            SocketAddress from = sock.receive(buf);
            return from == null ? null : new Received(buf.position() - start, from);
        });
    }

    /**
     * Tries {@code attempt}; while it is not ready, watches the channel and suspends the calling task. The
     * watch is removed as soon as the operation completes, fails, or the task is cancelled.
     */
    private static <T> T perform(SelectableChannel ch, boolean read, Attempt<?> attempt) {
        return SocketChannels.perform(ch, read, attempt, null);
    }

}
