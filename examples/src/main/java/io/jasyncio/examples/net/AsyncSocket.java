package io.jasyncio.examples.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;

/**
 * A TCP connection whose reads and writes suspend the calling task instead of blocking: a non-blocking
 * {@link SocketChannel} plus the loop's {@code addReader}/{@code addWriter}. This is the examples' stand-in
 * for jasyncio streams (to be replaced by them); one reader task and one writer task may use it at once.
 *
 * <p>Threading: every method must be called from a task's code on the socket's loop. {@link #close} wakes a
 * task waiting in a read or write with {@link AsynchronousCloseException}.
 */
public final class AsyncSocket implements AutoCloseable {
    private final EventLoop loop;
    private final SocketChannel channel;
    private Future<Void> readWaiter;
    private Future<Void> writeWaiter;

    AsyncSocket(EventLoop loop, SocketChannel channel) throws IOException {
        this.loop = loop;
        this.channel = channel;
        channel.configureBlocking(false);
    }

    /** Connects to {@code address}, suspending until the connection is established. */
    public static AsyncSocket connect(InetSocketAddress address) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            AsyncSocket s = new AsyncSocket(Asyncio.getRunningLoop(), ch);
            if (!ch.connect(address)) {
                do {
                    s.awaitReady(false);
                } while (!ch.finishConnect());
            }
            return s;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Reads what is available into {@code dst} (waiting until something is); -1 at end of stream. */
    public int read(ByteBuffer dst) throws IOException {
        while (true) {
            int n = channel.read(dst);
            if (n != 0 || !dst.hasRemaining()) return n;
            awaitReady(true);
        }
    }

    /** Fills {@code dst} completely; {@link EOFException} if the peer closes first. */
    public void readFully(ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (read(dst) < 0) {
                throw new EOFException("the peer closed the connection " + dst.remaining() + " bytes short of a "
                        + dst.capacity() + "-byte read");
            }
        }
    }

    /** Writes all of {@code src}, waiting whenever the socket's send buffer is full. */
    public void writeAll(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (channel.write(src) == 0) awaitReady(false);
        }
    }

    private void awaitReady(boolean read) throws IOException {
        if (!channel.isOpen()) throw new AsynchronousCloseException();
        Future<Void> ready = loop.createFuture();
        if (read) {
            readWaiter = ready;
            loop.addReader(channel, () -> complete(ready));
        } else {
            writeWaiter = ready;
            loop.addWriter(channel, () -> complete(ready));
        }
        try {
            Asyncio.await(ready);
        } finally {
            if (read) {
                readWaiter = null;
                loop.removeReader(channel);
            } else {
                writeWaiter = null;
                loop.removeWriter(channel);
            }
        }
    }

    private static void complete(Future<Void> f) {
        if (!f.done()) f.setResult(null);
    }

    public InetSocketAddress remoteAddress() throws IOException {
        return (InetSocketAddress) channel.getRemoteAddress();
    }

    /** Closes the connection; a task waiting to read or write gets {@link AsynchronousCloseException}. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) return;
        loop.removeReader(channel);
        loop.removeWriter(channel);
        channel.close();
        wakeWithCloseError(readWaiter);
        wakeWithCloseError(writeWaiter);
    }

    private static void wakeWithCloseError(Future<Void> waiter) {
        if (waiter != null && !waiter.done()) waiter.setException(new AsynchronousCloseException());
    }
}
