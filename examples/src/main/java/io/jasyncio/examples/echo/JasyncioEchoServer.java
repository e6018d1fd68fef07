package io.jasyncio.examples.echo;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.net.BaseTransport;
import io.jasyncio.net.Net;
import io.jasyncio.net.Protocol;
import io.jasyncio.net.Server;
import io.jasyncio.net.StreamReader;
import io.jasyncio.net.StreamWriter;
import io.jasyncio.net.Streams;
import io.jasyncio.net.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Seed 002's last step: the echo server on asyncio itself — here jasyncio — in its two styles. With
 * {@link Style#PROTOCOL} each connection is a {@link Protocol} whose {@code dataReceived} writes the bytes
 * straight back (asyncio's low-level API); with {@link Style#STREAMS} each connection is a task that reads what
 * has arrived (up to 64 KiB) and writes it back ({@code asyncio.start_server}, as uvloop's benchmark server
 * does). One thread, one loop, every client at once.
 *
 * <p>Threading: {@link #start} runs the loop on a new thread named "echo-jasyncio"; {@link #close} stops it
 * from any thread and returns when the thread has ended.
 */
public final class JasyncioEchoServer implements EchoServer {
    /** How connections are handled. */
    public enum Style { PROTOCOL, STREAMS }

    /** The most a streams-style connection reads at once. */
    static final int CHUNK = 64 * 1024;

    private final Style style;
    private Thread thread;
    private volatile EventLoop loop;
    private volatile Future<Void> stop;

    public JasyncioEchoServer(Style style) {
        this.style = style;
    }

    @Override
    public synchronized int start(int port) throws IOException {
        if (thread != null) throw new IllegalStateException("already started");
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        thread = Thread.ofPlatform().name("echo-jasyncio").start(() -> {
            try {
                Asyncio.run(() -> serve(port, bound));
            } catch (Throwable t) {
                // Before it listens, start() reports it; after, the thread dies of it, visibly (not a silent zombie).
                if (bound.completeExceptionally(t)) return;
                if (t instanceof Error e) throw e;
                throw new IllegalStateException("the jasyncio echo server failed", t);
            }
        });
        try {
            return bound.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            throw new IOException("cannot start the jasyncio echo server on port " + port + ": " + cause.getMessage(), cause);
        }
    }

    private Void serve(int port, CompletableFuture<Integer> bound) {
        loop = Asyncio.getRunningLoop();
        stop = loop.createFuture();
        Server server = style == Style.PROTOCOL
                ? Net.createServer(EchoProtocol::new, "127.0.0.1", port)
                : Streams.startServer(JasyncioEchoServer::echoChunks, "127.0.0.1", port);
        try (server) {
            bound.complete(((java.net.InetSocketAddress) server.getSockets().get(0).socket().getLocalSocketAddress()).getPort());
            Asyncio.await(stop);
            server.close();
            server.closeClients();
            server.waitClosed();
        }
        return null;
    }

    /** Streams style: one task per connection, echoing whatever has arrived. */
    private static void echoChunks(StreamReader reader, StreamWriter writer) {
        try {
            while (true) {
                byte[] data = reader.read(CHUNK);
                if (data.length == 0) break; // EOF
                writer.write(data);
                writer.drain();
            }
        } finally {
            writer.close();
        }
    }

    /** Protocol style: every chunk received goes straight back. */
    private static final class EchoProtocol implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) return;
        EventLoop l = loop;
        if (l != null && !l.isClosed()) {
            try {
                l.callSoonThreadsafe(() -> {
                    if (!stop.done()) stop.setResult(null);
                });
            } catch (IllegalStateException closedMeanwhile) {
                // the loop ended on its own: nothing to stop
            }
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
