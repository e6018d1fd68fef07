package io.jasyncio.examples.echo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Seed 002, section 4: a callback event loop on a {@link Selector} (Python's {@code selectors}). The listening
 * channel is registered with an {@code accept} callback, each client with a {@code recvAndSend} callback;
 * one thread waits in {@code select()} and calls the callback of every ready channel. Unlike the seed, a write
 * that does not fit in the socket buffer is finished later, when the channel becomes writable, instead of
 * blocking the whole loop (the seed itself points this flaw out). Threading: see {@link EchoServer}; all the
 * callbacks run on the one thread "echo-selector".
 */
public final class SelectorEchoServer implements EchoServer {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.examples.echo");
    private Selector selector;
    private Thread loopThread;
    private volatile boolean closing;

    @Override
    public synchronized int start(int port) throws IOException {
        if (selector != null) throw new IllegalStateException("this server was already started");
        selector = Selector.open();
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT, (Consumer<SelectionKey>) this::accept);
        int bound = listener.socket().getLocalPort();
        loopThread = Threads.start("echo-selector", this::runEventLoop);
        return bound;
    }

    /** The seed's {@code run_event_loop}: wait for ready channels, call each one's callback. */
    private void runEventLoop() {
        try (Selector sel = selector) {
            while (!closing) {
                sel.select(key -> {
                    @SuppressWarnings("unchecked")
                    Consumer<SelectionKey> callback = (Consumer<SelectionKey>) key.attachment();
                    callback.accept(key);
                });
            }
            for (SelectionKey key : sel.keys()) Threads.close(key.channel());
        } catch (IOException e) {
            throw new UncheckedIOException("the echo selector failed", e);
        }
    }

    private void accept(SelectionKey key) {
        try {
            SocketChannel client = ((ServerSocketChannel) key.channel()).accept();
            if (client == null) return;
            client.configureBlocking(false);
            ByteBuffer pending = ByteBuffer.allocate(4096);
            client.register(selector, SelectionKey.OP_READ, (Consumer<SelectionKey>) k -> recvAndSend(k, pending));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "accepting a client failed: " + e);
        }
    }

    /**
     * Reads what arrived and echoes it. {@code buf} holds bytes not yet written back: while it is not empty the
     * key waits for OP_WRITE instead of OP_READ, so a slow reader slows only itself.
     */
    private void recvAndSend(SelectionKey key, ByteBuffer buf) {
        SocketChannel client = (SocketChannel) key.channel();
        try {
            if (key.isReadable()) {
                if (client.read(buf) < 0) {
                    client.close(); // the client disconnected; closing also cancels the key
                    return;
                }
            }
            buf.flip();
            client.write(buf);
            buf.compact();
            key.interestOps(buf.position() > 0 ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        } catch (IOException e) { // the client reset the connection: normal, one DEBUG line (as asyncio)
            LOG.log(System.Logger.Level.DEBUG, () -> "echo client " + client + " gone: " + e);
            Threads.close(client);
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (selector == null || closing) return;
            closing = true;
            selector.wakeup();
            t = loopThread;
        }
        Threads.join(t);
    }
}
