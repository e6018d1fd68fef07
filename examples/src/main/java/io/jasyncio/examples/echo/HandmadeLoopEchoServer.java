package io.jasyncio.examples.echo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Seed 002, section 6: the echo server as two kinds of generator-like tasks on a hand-made event loop
 * ({@link HandmadeEventLoop}, the seed's {@code EventLoopIo}), with no jasyncio at all. The server task waits
 * to read on the listening socket, accepts, and creates a client task; a client task waits to read, reads,
 * waits to write, writes, and starts over, exactly like the seed's {@code handle_client} generator. One thread
 * serves every client. Threading: see {@link EchoServer}; the tasks run on the thread "echo-handmade-loop".
 */
public final class HandmadeLoopEchoServer implements EchoServer {
    private HandmadeEventLoop loop;
    private Thread loopThread;

    @Override
    public synchronized int start(int port) throws IOException {
        if (loop != null) throw new IllegalStateException("this server was already started");
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        listener.configureBlocking(false);
        loop = new HandmadeEventLoop();
        loop.createTask(new ServerTask(listener));
        loopThread = Threads.start("echo-handmade-loop", loop::run);
        return listener.socket().getLocalPort();
    }

    /** The seed's {@code run_server} generator: {@code yield 'wait_read', sock}, then accept. */
    private final class ServerTask implements HandmadeEventLoop.Steps {
        private final ServerSocketChannel listener;

        ServerTask(ServerSocketChannel listener) {
            this.listener = listener;
        }

        @Override
        public HandmadeEventLoop.Wait next() throws IOException {
            SocketChannel client = listener.accept(); // null on the first step: nobody is waiting yet
            if (client != null) {
                client.configureBlocking(false);
                loop.createTask(new ClientTask(client));
            }
            return HandmadeEventLoop.Wait.read(listener);
        }

        @Override
        public void close() {
            Threads.close(listener);
        }
    }

    /**
     * The seed's {@code handle_client} generator, unrolled by hand: {@code writing} says which {@code yield}
     * the task is suspended at.
     */
    private static final class ClientTask implements HandmadeEventLoop.Steps {
        private final SocketChannel client;
        private final ByteBuffer buf = ByteBuffer.allocate(4096);
        private boolean writing;

        ClientTask(SocketChannel client) {
            this.client = client;
        }

        @Override
        public HandmadeEventLoop.Wait next() throws IOException {
            if (writing) {                        // resumed after: yield 'wait_write', sock
                client.write(buf);
                if (buf.hasRemaining()) return HandmadeEventLoop.Wait.write(client);
                buf.clear();
                writing = false;
            }
            int n = client.read(buf);             // resumed after: yield 'wait_read', sock (or just started)
            if (n < 0) {                          // the client disconnected
                client.close();
                return HandmadeEventLoop.Wait.DONE;
            }
            if (n == 0) return HandmadeEventLoop.Wait.read(client);
            buf.flip();
            writing = true;
            return HandmadeEventLoop.Wait.write(client);
        }

        @Override
        public void close() {
            Threads.close(client);
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (loop == null) return;
            loop.stop();
            t = loopThread;
        }
        Threads.join(t);
    }
}
