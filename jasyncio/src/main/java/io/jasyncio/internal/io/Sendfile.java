package io.jasyncio.internal.io;

import io.jasyncio.Asyncio;
import io.jasyncio.Future;
import io.jasyncio.internal.Sneaky;
import io.jasyncio.tls.SslTransport;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.SendfileNotAvailableError;
import io.jasyncio.transport.Sockets;
import io.jasyncio.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * asyncio's {@code loop.sock_sendfile} and {@code loop.sendfile} (base_events, selector_events, unix_events),
 * behind {@link Sockets#sockSendfile} and {@link Net#sendfile}.
 *
 * <p>The native path is {@link FileChannel#transferTo} into the non-blocking socket (the JDK uses
 * {@code sendfile(2)} on Linux): one transfer per writable event, as asyncio calls {@code os.sendfile} once per
 * writable event. The fallback reads chunks on the default executor and sends them, for a file that is not a
 * {@code FileChannel} and for TLS transports. Either way the file's position is left just after the last byte
 * sent (also on failure or cancellation), and untouched when nothing was sent.
 *
 * <p>Threading: the loop's thread, from a task.
 */
public final class Sendfile {
    private Sendfile() {}

    /** asyncio's {@code SENDFILE_FALLBACK_READBUFFER_SIZE}: the chunk size of {@link #sockSendfile}'s fallback. */
    static final int SOCK_FALLBACK_CHUNK = 256 * 1024;
    /** The chunk size of {@link #sendfile}'s fallback (asyncio's 16 KiB). */
    static final int TRANSPORT_FALLBACK_CHUNK = 16 * 1024;

    public static long sockSendfile(SocketChannel sock, SeekableByteChannel file, long offset, Long count, boolean fallback) throws IOException {
        Objects.requireNonNull(sock, "sock");
        SocketChannels.checkNonBlocking(sock);
        checkParams(file, offset, count);
        if (file instanceof FileChannel fc) return sendNative(sock, fc, offset, count, null);
        if (!fallback) throw notAvailable(file);
        return sockFallback(sock, file, offset, count);
    }

    public static long sendfile(BaseTransport transport, SeekableByteChannel file, long offset, Long count, boolean fallback) throws IOException {
        Objects.requireNonNull(transport, "transport");
        if (transport.isClosing()) throw new IllegalStateException("Transport is closing");
        if (transport instanceof SocketTransport st) {
            checkParams(file, offset, count);
            if (file instanceof FileChannel fc) return transportNative(st, fc, offset, count);
            if (!fallback) throw notAvailable(file);
            return transportFallback(st, st.protocolPaused(), file, offset, count);
        }
        if (transport instanceof SslTransport tls) {
            if (!fallback) {
                throw new IllegalStateException("fallback is disabled and native sendfile is not supported for transport "
                        + transport + ": TLS encrypts in user space, so the file must be read and written through it");
            }
            checkParams(file, offset, count);
            return transportFallback(tls, tls.writingPaused(), file, offset, count);
        }
        throw new IllegalStateException("sendfile is not supported for transport " + transport
                + ": it needs a stream transport (TCP, Unix or TLS)");
    }

    private static void checkParams(SeekableByteChannel file, long offset, Long count) {
        Objects.requireNonNull(file, "file");
        if (count != null && count <= 0) {
            throw new IllegalArgumentException("count must be a positive integer (got " + count + ")");
        }
        if (offset < 0) throw new IllegalArgumentException("offset must be a non-negative integer (got " + offset + ")");
    }

    private static SendfileNotAvailableError notAvailable(SeekableByteChannel file) {
        return new SendfileNotAvailableError("syscall sendfile is not available for " + file
                + ": only a FileChannel can be sent without copying; allow the fallback to send it anyway");
    }

    // ---------------------------------------------------------------- native

    /**
     * Transfers from {@code file} at {@code offset} until {@code count} bytes or its end; waits for the socket to
     * be writable on {@code waiter} when given (a transport fails it if its connection is lost meanwhile).
     */
    private static long sendNative(SocketChannel sock, FileChannel file, long offset, Long count, Future<Object> waiter) {
        long[] sent = {0};
        try {
            Long total = SocketChannels.perform(sock, false, () -> {
                long want = count != null ? count - sent[0] : Long.MAX_VALUE;
                long n;
                try {
                    n = want <= 0 ? 0 : file.transferTo(offset + sent[0], want, sock);
                } catch (NonReadableChannelException e) {
                    throw new IllegalArgumentException("the file channel is not open for reading: "
                            + "open it with StandardOpenOption.READ", e);
                }
                sent[0] += n;
                boolean finished = (count != null && sent[0] >= count) || offset + sent[0] >= file.size();
                // Not finished: n == 0 means the socket's buffer is full; after a transfer, give the others a turn.
                return finished ? sent[0] : null;
            }, waiter);
            return total;
        } finally {
            if (sent[0] > 0) setPosition(file, offset + sent[0]);
        }
    }

    private static long transportNative(SocketTransport transport, FileChannel file, long offset, Long count) {
        boolean resumeReading = transport.isReading();
        Future<Object> flushed = transport.beginSendfile(); // refused while another sendfile runs
        transport.pauseReading();
        try {
            Asyncio.await(flushed); // the buffered writes go out first
            return sendNative(transport.socket(), file, offset, count, transport.sendfileTransfer());
        } finally {
            transport.endSendfile();
            if (resumeReading) transport.resumeReading();
        }
    }

    // ---------------------------------------------------------------- fallback

    private static long sockFallback(SocketChannel sock, SeekableByteChannel file, long offset, Long count) throws IOException {
        int chunk = count != null ? (int) Math.min(count, SOCK_FALLBACK_CHUNK) : SOCK_FALLBACK_CHUNK;
        ByteBuffer buf = ByteBuffer.allocate(chunk);
        long sent = 0;
        try {
            while (true) {
                int n = readChunk(file, buf, offset + sent, count == null ? chunk : Math.min(count - sent, chunk));
                if (n <= 0) return sent;
                Sockets.sockSendall(sock, buf.flip());
                sent += n;
            }
        } finally {
            if (sent > 0) setPosition(file, offset + sent);
        }
    }

    private static long transportFallback(Transport transport, boolean protocolPaused, SeekableByteChannel file,
            long offset, Long count) {
        int chunk = count != null ? (int) Math.min(count, TRANSPORT_FALLBACK_CHUNK) : TRANSPORT_FALLBACK_CHUNK;
        ByteBuffer buf = ByteBuffer.allocate(chunk);
        long sent = 0;
        SendfileFallbackProtocol proto = new SendfileFallbackProtocol(transport, protocolPaused);
        try {
            while (true) {
                int n = readChunk(file, buf, offset + sent, count == null ? chunk : Math.min(count - sent, chunk));
                if (n <= 0) return sent;
                proto.drain();
                transport.write(buf.flip()); // the transport copies what it cannot send at once
                sent += n;
            }
        } finally {
            if (sent > 0) setPosition(file, offset + sent);
            proto.restore();
        }
    }

    /** Reads up to {@code max} bytes at {@code position} on the default executor (file reads block). */
    private static int readChunk(SeekableByteChannel file, ByteBuffer buf, long position, long max) {
        if (max <= 0) return 0;
        buf.clear().limit((int) max);
        return Asyncio.toThread(() -> {
            if (file instanceof FileChannel fc) return fc.read(buf, position);
            file.position(position);
            return file.read(buf);
        });
    }

    private static void setPosition(SeekableByteChannel file, long position) {
        try {
            file.position(position);
        } catch (IOException e) {
            throw Sneaky.rethrow(e);
        }
    }
}
