package io.jasyncio.examples.echo;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.LoopGroup;
import io.jasyncio.streams.StreamReader;
import io.jasyncio.streams.StreamReaderProtocol;
import io.jasyncio.streams.StreamWriter;
import io.jasyncio.streams.Streams;
import io.jasyncio.transport.BaseTransport;
import io.jasyncio.transport.Net;
import io.jasyncio.transport.Protocol;
import io.jasyncio.transport.Server;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.ShardedServer;
import io.jasyncio.transport.Transport;
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
 * <p>Memory stays bounded whatever a client does: a client that sends and never reads fills its transport's
 * write buffer, and above the buffer's high-water mark (64 KiB) the server stops reading from it until the
 * buffer drains to the low-water mark — in the protocol style through {@code pauseWriting} / {@code
 * resumeWriting} calling {@code pauseReading} / {@code resumeReading} (asyncio's pattern), in the streams style
 * because the task waits in {@code drain()} before it reads again. A client that resets its connection is
 * normal: one DEBUG line, as asyncio logs a peer's reset only in debug mode.
 *
 * <p>With several loops ({@link #JasyncioEchoServer(Style, int)}), a {@link LoopGroup} serves the port, sharded
 * by {@link ShardedServer}: each connection lives on one loop, all the above holds per loop.
 *
 * <p>Threading: {@link #start} runs the loop on a new thread named "echo-jasyncio" (several loops: threads
 * "echo-loop0-g1", ...); {@link #close} stops it from any thread and returns when the threads have ended.
 */
public final class JasyncioEchoServer implements EchoServer {
    /** How connections are handled. */
    public enum Style { PROTOCOL, STREAMS }

    /** The most a streams-style connection reads at once. */
    static final int CHUNK = 64 * 1024;

    private static final System.Logger LOG = System.getLogger("io.jasyncio.examples.echo");

    private final Style style;
    /** The most bytes a connection's transport has held unsent (written on the loop's thread only). */
    private volatile long writeBufferPeak;
    /** How many times a client was held back because it did not read its echo (counted by every loop). */
    private final java.util.concurrent.atomic.LongAdder heldBack = new java.util.concurrent.atomic.LongAdder();
    private Thread thread;
    private volatile EventLoop loop;
    private volatile Future<Void> stop;

    /** With more than one loop: the group and the port sharded over it; else null. */
    private LoopGroup group;
    private ShardedServer sharded;
    private final int loops;

    public JasyncioEchoServer(Style style) {
        this(style, 1);
    }

    /**
     * A server on {@code loops} event loops sharing the port ({@link ShardedServer}: SO_REUSEPORT where
     * available); {@code 0}: one per available processor; {@code 1}: one loop on the "echo-jasyncio" thread.
     */
    public JasyncioEchoServer(Style style, int loops) {
        if (loops < 0) throw new IllegalArgumentException("loops must be >= 1, or 0 for one per core; got " + loops);
        this.style = style;
        this.loops = loops;
    }

    /** How many loops serve: 1, or the group's size once started. */
    public synchronized int loops() {
        return group != null ? group.size() : loops == 0 ? LoopGroup.availableCores() : loops;
    }

    /** How connections were spread: SO_REUSEPORT or one acceptor (null on one loop). */
    public synchronized ShardedServer.Sharding sharding() {
        return sharded == null ? null : sharded.sharding();
    }

    /** The connections each loop has taken so far, in loop order (one entry on one loop: unknown, -1). */
    public synchronized long[] connectionsPerLoop() {
        return sharded == null ? new long[] {-1} : sharded.connectionsPerLoop();
    }

    @Override
    public synchronized int start(int port) throws IOException {
        if (thread != null || group != null) throw new IllegalStateException("already started");
        if (loops != 1) return startOnLoops(port);
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

    private Void serve(int port, CompletableFuture<Integer> bound) throws IOException {
        loop = Asyncio.getRunningLoop();
        stop = loop.createFuture();
        Server server = style == Style.PROTOCOL
                ? Net.createServer(EchoProtocol::new, "127.0.0.1", port)
                : Streams.startServer(this::echoChunks, "127.0.0.1", port);
        try (server) {
            bound.complete(((java.net.InetSocketAddress) server.getSockets().get(0).socket().getLocalSocketAddress()).getPort());
            Asyncio.await(stop);
            server.close();
            server.closeClients();
            server.waitClosed();
        }
        return null;
    }

    /**
     * The most bytes one connection's transport has held unsent since the server started: with flow control,
     * about the write buffer's high-water mark plus one read. Any thread.
     */
    public long writeBufferPeak() {
        return writeBufferPeak;
    }

    /**
     * How many times the server stopped reading from a client because the client was not reading its echo
     * (flow control at work). Any thread.
     */
    public long heldBack() {
        return heldBack.sum();
    }

    private void notePending(long bytes) {
        if (bytes > writeBufferPeak) {
            synchronized (this) { // several loops may note at once; rare (only a new peak gets here)
                if (bytes > writeBufferPeak) writeBufferPeak = bytes;
            }
        }
    }

    /**
     * Streams style: one task per connection, echoing whatever has arrived; {@code drain()} waits while the
     * client is not reading, so nothing more is read from it meanwhile.
     */
    private void echoChunks(StreamReader reader, StreamWriter writer) {
        try {
            while (true) {
                byte[] data = reader.read(CHUNK);
                if (data.length == 0) break; // EOF
                writer.write(data);
                long pending = writer.transport().getWriteBufferSize();
                notePending(pending);
                if (pending > writer.transport().getWriteBufferLimits().high()) heldBack.increment(); // drain() will wait
                writer.drain();
            }
        } catch (Exception e) { // read and drain throw the connection's IOException unchecked
            if (!(e instanceof IOException)) throw e;
            // the client reset the connection, or left while we wrote to it: its business
            LOG.log(System.Logger.Level.DEBUG, () -> "echo client " + writer.getExtraInfo("peername") + " gone: " + e);
        } finally {
            writer.close();
        }
    }

    /**
     * Protocol style: every chunk received goes straight back, and reading pauses while the write buffer is
     * over its high-water mark (asyncio's {@code pause_writing} → {@code transport.pause_reading()}).
     */
    private final class EchoProtocol implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(BaseTransport t) {
            transport = (Transport) t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
            notePending(transport.getWriteBufferSize());
        }

        @Override
        public void pauseWriting() {
            heldBack.increment();
            transport.pauseReading();
        }

        @Override
        public void resumeWriting() {
            transport.resumeReading();
        }

        @Override
        public void connectionLost(Throwable exc) {
            if (exc != null) LOG.log(System.Logger.Level.DEBUG, () -> "echo client " + transport.getExtraInfo("peername") + " gone: " + exc);
        }
    }

    /** N loops ("echo-loop0-g1", ...), one listening socket each, or one acceptor where SO_REUSEPORT is missing. */
    private int startOnLoops(int port) throws IOException {
        LoopGroup g = LoopGroup.start(loops, "echo-loop");
        try {
            sharded = ShardedServer.start(g, i -> style == Style.PROTOCOL ? EchoProtocol::new
                    : () -> new StreamReaderProtocol(new StreamReader(), this::echoChunks), "127.0.0.1", port,
                    ServerOptions.DEFAULTS, ShardedServer.Sharding.AUTO);
        } catch (Throwable e) { // a bind error is an IOException, thrown unchecked by the loop
            g.close();
            if (e instanceof IOException io) throw io;
            if (e instanceof RuntimeException re) throw re;
            if (e instanceof Error er) throw er;
            throw new IOException("cannot start the jasyncio echo server on port " + port + ": " + e, e);
        }
        group = g;
        return sharded.port();
    }

    @Override
    public void close() {
        Thread t;
        LoopGroup g;
        synchronized (this) {
            t = thread;
            g = group;
        }
        if (g != null) {
            // As on one loop: stop accepting, disconnect every client, wait for them; then the loops end.
            try {
                sharded.close();
                sharded.closeClients();
                sharded.waitClosed();
            } finally {
                g.close();
            }
            return;
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
