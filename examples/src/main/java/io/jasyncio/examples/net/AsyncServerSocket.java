package io.jasyncio.examples.net;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A listening TCP socket whose {@link #accept} suspends the calling task: a non-blocking
 * {@link ServerSocketChannel} watched with the loop's {@code addReader}. The examples' stand-in for jasyncio's
 * servers (to be replaced by them).
 *
 * <p>Threading: every method must be called from a task's code on the socket's loop. {@link #close} wakes a
 * task waiting in {@link #accept} with {@link AsynchronousCloseException}.
 */
public final class AsyncServerSocket implements AutoCloseable {
    private final EventLoop loop;
    private final ServerSocketChannel channel;
    private Future<Void> acceptWaiter;

    private AsyncServerSocket(EventLoop loop, ServerSocketChannel channel) {
        this.loop = loop;
        this.channel = channel;
    }

    /** Listens on {@code address} (port 0: a free port). */
    public static AsyncServerSocket bind(InetSocketAddress address) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.bind(address);
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new AsyncServerSocket(Asyncio.getRunningLoop(), ch);
    }

    public int port() {
        return channel.socket().getLocalPort();
    }

    /** Waits for the next client and returns its connection. */
    public AsyncSocket accept() throws IOException {
        while (true) {
            SocketChannel client = channel.accept();
            if (client != null) return new AsyncSocket(loop, client);
            if (!channel.isOpen()) throw new AsynchronousCloseException();
            Future<Void> ready = loop.createFuture();
            acceptWaiter = ready;
            loop.addReader(channel, () -> {
                if (!ready.done()) ready.setResult(null);
            });
            try {
                Asyncio.await(ready);
            } finally {
                acceptWaiter = null;
                loop.removeReader(channel);
            }
        }
    }

    /** Stops listening; a task waiting in {@link #accept} gets {@link AsynchronousCloseException}. */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) return;
        loop.removeReader(channel);
        channel.close();
        Future<Void> w = acceptWaiter;
        if (w != null && !w.done()) w.setException(new AsynchronousCloseException());
    }
}
