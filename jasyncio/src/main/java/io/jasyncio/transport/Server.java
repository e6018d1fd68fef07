package io.jasyncio.transport;

import io.jasyncio.Asyncio;
import io.jasyncio.CancelledError;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Future;
import io.jasyncio.LoopResource;
import io.jasyncio.internal.io.ChannelCloser;
import io.jasyncio.internal.io.SelectorTransport;
import io.jasyncio.internal.io.ServerConnections;
import io.jasyncio.internal.io.SocketChannels;
import io.jasyncio.internal.io.SocketTransport;
import io.jasyncio.streams.Streams;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * asyncio's {@code Server}: listening sockets that accept connections, each served by a new protocol from the
 * factory on its own transport. Made by {@link Net#createServer}, {@link Net#createUnixServer} and the
 * {@link Streams} functions.
 *
 * <p>{@link #close()} (also the end of a try-with-resources block) stops listening at once; existing
 * connections go on until they close, and {@link #waitClosed()} waits for that. A server left open when its
 * loop closes is closed then, and reported ("unclosed server ...", see {@link LoopResource}).
 *
 * <p>Threading: the event loop's thread only; {@link #serveForever()}, {@link #startServing()} and
 * {@link #waitClosed()} suspend the calling task.
 */
public final class Server extends LoopResource implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.transport");

    private static final double ACCEPT_RETRY_DELAY = 1.0;

    private final EventLoop loop;
    private List<ServerSocketChannel> sockets;
    private final Supplier<? extends BaseProtocol> protocolFactory;
    /**
     * Connections accepted per wake-up of the listening socket: asyncio's rule, the backlog, but at most asyncio's
     * default backlog (100), as before the default backlog became the system's (thousands): one wake-up does not
     * take a whole queue of thousands at once while the connections already accepted wait.
     */
    private final int acceptBatch;
    /** asyncio's keep_alive: SO_KEEPALIVE on each accepted connection (Linux sets it on the listening socket,
     * whose accepted sockets inherit it; the JDK offers it on connected sockets only). */
    private final boolean keepAlive;
    private final LinkedHashSet<SelectorTransport> clients = new LinkedHashSet<>();
    private List<Future<Void>> waiters = new ArrayList<>();
    private boolean serving;
    /** Set by {@link #pauseAccepting()}: listening, but new connections wait in the backlog. */
    private boolean acceptPaused;
    private Future<Void> servingForeverFut;
    /** Set on the accepting shard of a {@link ShardedServer} without SO_REUSEPORT: where accepted sockets go. */
    private java.util.function.Consumer<SocketChannel> handOff;
    /** Unix socket files this server created, with their identity, to delete on close if still ours. */
    private final Map<ServerSocketChannel, Object> unixFiles = new HashMap<>();

    Server(EventLoop loop, List<ServerSocketChannel> sockets, Supplier<? extends BaseProtocol> protocolFactory,
            ServerOptions options) {
        this.loop = loop;
        this.sockets = new ArrayList<>(sockets);
        this.protocolFactory = protocolFactory;
        this.acceptBatch = Math.clamp(options.backlog(), 1, 100); // backlog 0 (the JDK's default queue) accepts too
        this.keepAlive = options.keepAlive();
        own(loop);
    }

    void rememberUnixFile(ServerSocketChannel sock, Object fileKey) {
        unixFiles.put(sock, fileKey);
    }

    /** The accepted transports register here (a field, not methods of this class, so that they stay internal). */
    private final ServerConnections connections = new ServerConnections() {
        @Override
        public void attach(SelectorTransport t) {
            clients.add(t);
        }

        @Override
        public void detach(SelectorTransport t) {
            clients.remove(t);
            if (clients.isEmpty() && sockets == null) wakeup();
        }
    };

    private void wakeup() {
        List<Future<Void>> ws = waiters;
        waiters = null;
        if (ws == null) return;
        for (Future<Void> w : ws) {
            if (!w.done()) w.setResult(null);
        }
    }

    /**
     * The loop this server runs on.
     *
     * @return the loop
     */
    public EventLoop getLoop() {
        return loop;
    }

    /**
     * Whether the server accepts connections.
     *
     * @return true while accepting
     */
    public boolean isServing() {
        return serving;
    }

    /**
     * The listening channels; empty once closed.
     *
     * @return the listening channels
     */
    public List<ServerSocketChannel> getSockets() {
        return sockets == null ? List.of() : List.copyOf(sockets);
    }

    /**
     * The number of connections this server accepted that are still open.
     *
     * @return the number of open connections
     */
    public int activeConnections() {
        return clients.size();
    }

    void startServingNow() {
        if (serving || sockets == null) return;
        serving = true;
        for (ServerSocketChannel s : sockets) listen(s);
    }

    private void listen(ServerSocketChannel s) {
        if (!acceptPaused) loop.addReader(s, () -> acceptReady(s));
    }

    /**
     * Stops taking connections for now, without closing: new ones wait in the listening sockets' backlog (then
     * the kernel drops their SYNs) until {@link #resumeAccepting()}. Connections already accepted go on. Not in
     * asyncio: for servers that cap how many connections they hold (the HTTP module's
     * {@code AppRunner.maxConnections}); it may be called from within the protocol factory, and no further
     * connection is accepted after it.
     */
    public void pauseAccepting() {
        if (acceptPaused) return;
        acceptPaused = true;
        if (sockets != null) for (ServerSocketChannel s : sockets) loop.removeReader(s);
    }

    /** Takes connections again after {@link #pauseAccepting()} (if the server is serving). */
    public void resumeAccepting() {
        if (!acceptPaused) return;
        acceptPaused = false;
        if (serving && sockets != null) for (ServerSocketChannel s : sockets) listen(s);
    }

    /** Accepts what is waiting, at most {@link #acceptBatch} per wake-up. */
    private void acceptReady(ServerSocketChannel s) {
        for (int i = 0; i < acceptBatch && !acceptPaused; i++) {
            SocketChannel conn;
            try {
                conn = s.accept();
                if (conn == null) return;
            } catch (java.nio.channels.ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // Out of file descriptors or memory: stop accepting for a moment instead of spinning.
                loop.callExceptionHandler(ExceptionContext.builder("socket.accept() out of system resource")
                        .exception(e).put("socket", s).build());
                loop.removeReader(s);
                loop.callLater(ACCEPT_RETRY_DELAY, () -> {
                    if (serving && s.isOpen()) listen(s);
                });
                return;
            }
            if (handOff != null) handOff.accept(conn);
            else serveConnection(conn);
        }
    }

    /** Hands every connection accepted from now on to {@code target} instead of serving it (loop thread). */
    void handOffTo(java.util.function.Consumer<SocketChannel> target) {
        handOff = target;
    }

    /**
     * Serves {@code conn}, accepted elsewhere, as a connection of this server (loop thread): counted in
     * {@link #activeConnections()}, closed by {@link #closeClients()}. Refused (closed) once this server is
     * closed or while it is paused: a shard at its connection limit takes no more.
     */
    void adopt(SocketChannel conn) {
        if (sockets == null || acceptPaused) {
            closeQuietly(conn);
            return;
        }
        serveConnection(conn);
    }

    private void serveConnection(SocketChannel conn) {
        BaseProtocol protocol;
        try {
            conn.configureBlocking(false);
            SocketChannels.setNoDelay(conn);
            if (keepAlive) conn.setOption(java.net.StandardSocketOptions.SO_KEEPALIVE, true);
            protocol = Objects.requireNonNull(protocolFactory.get(), "the protocol factory returned null");
        } catch (IOException | RuntimeException e) {
            closeQuietly(conn);
            loop.callExceptionHandler(ExceptionContext.builder("Error on transport creation for incoming connection")
                    .exception(e).put("socket", conn).build());
            return;
        }
        new SocketTransport(loop, conn, protocol, null, connections);
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing " + c, e);
        }
    }

    /**
     * Stops listening and closes the listening sockets; connections already accepted stay open. Idempotent.
     * Does not wait: see {@link #waitClosed()}.
     */
    @Override
    public void close() {
        List<ServerSocketChannel> socks = sockets;
        if (socks == null) return;
        sockets = null;
        disown(loop);
        for (ServerSocketChannel s : socks) stopServing(s);
        serving = false;
        if (servingForeverFut != null && !servingForeverFut.done()) {
            servingForeverFut.cancel();
            servingForeverFut = null;
        }
        if (clients.isEmpty()) wakeup();
    }

    /** A {@link io.jasyncio.LoopGroup} shuts its loop down: stop accepting before the tasks are cancelled. */
    @Override
    protected void stopListening() {
        close();
    }

    /**
     * Left open when the loop closed: stops listening now (a connect is refused from here on); the connections
     * it accepted are the loop's too, each closed and reported by itself.
     */
    @Override
    protected String closeAbandoned() {
        List<ServerSocketChannel> socks = sockets;
        if (socks == null) return null;
        String report = "unclosed server " + this;
        sockets = null;
        serving = false;
        for (ServerSocketChannel s : socks) stopServing(s);
        return report;
    }

    private void stopServing(ServerSocketChannel s) {
        loop.removeReader(s);
        Path path = null;
        try {
            if (s.getLocalAddress() instanceof UnixDomainSocketAddress u) path = u.getPath();
        } catch (IOException e) {
            // closed already: nothing to clean up
        }
        try {
            ChannelCloser.close(loop, s);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing " + s + " failed", e);
        }
        Object key = unixFiles.remove(s);
        if (key != null && path != null) {
            try {
                Object now = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS).fileKey();
                if (key.equals(now)) Files.deleteIfExists(path);
            } catch (java.nio.file.NoSuchFileException e) {
                // already gone
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot remove the Unix socket file " + path, e);
            }
        }
    }

    /** Closes every connection this server accepted (gracefully: buffered data is sent). */
    public void closeClients() {
        for (SelectorTransport t : new ArrayList<>(clients)) t.close();
    }

    /** Aborts every connection this server accepted (buffered data is dropped). */
    public void abortClients() {
        for (SelectorTransport t : new ArrayList<>(clients)) t.abort();
    }

    /** Starts accepting connections (if not yet) and yields once to the loop. */
    public void startServing() {
        startServingNow();
        Asyncio.sleep(0);
    }

    /**
     * Accepts connections until the calling task is cancelled; then closes the server, waits for it to be
     * closed, and throws the {@link CancelledError}. Fails if the server is closed or already served forever.
     */
    public void serveForever() {
        if (servingForeverFut != null) {
            throw new IllegalStateException("server " + this + " is already being awaited on serveForever()");
        }
        if (sockets == null) throw new IllegalStateException("server " + this + " is closed");
        startServingNow();
        servingForeverFut = loop.createFuture();
        try {
            Asyncio.await(servingForeverFut);
        } catch (CancelledError e) {
            try {
                close();
                waitClosed();
            } catch (Throwable t) {
                e.addSuppressed(t);
            }
            throw e;
        } finally {
            servingForeverFut = null;
        }
    }

    /** Waits until the server is closed and every connection it accepted has closed. */
    public void waitClosed() {
        if (waiters == null) return;
        Future<Void> w = loop.createFuture();
        waiters.add(w);
        Asyncio.await(w);
    }

    @Override
    public String toString() {
        return "<Server sockets=" + getSockets() + ">";
    }
}
