package io.jasyncio.transport;

import io.jasyncio.EventLoop;
import io.jasyncio.LoopGroup;
import io.jasyncio.internal.Sneaky;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * One TCP service served by every loop of a {@link LoopGroup}: a {@link Server} per loop (a shard), each making
 * its connections on its own loop. Two ways to spread the connections ({@link Sharding}):
 * <ul>
 * <li>{@link Sharding#REUSE_PORT}: every shard binds its own listening socket to the same address with
 * {@code SO_REUSEPORT} (asyncio's {@code reuse_port=True}); the kernel spreads incoming connections over them by
 * a hash of their addresses, and each loop accepts its own without any hand-over. This is how nginx
 * ({@code reuseport}) and Netty's epoll transport shard a port.
 * <li>{@link Sharding#ACCEPTOR}: loop 0 alone listens and accepts, and hands the accepted sockets to the loops
 * round-robin (itself included) through {@link EventLoop#callSoonThreadsafe}. For systems without
 * {@code SO_REUSEPORT}; one loop's accepting is then shared by all.
 * </ul>
 * {@link Sharding#AUTO} picks REUSE_PORT where the JDK offers {@code SO_REUSEPORT} (Linux, the BSDs, macOS),
 * else ACCEPTOR.
 *
 * <p>A shard at its limit ({@link Server#pauseAccepting()}) accepts no more; in ACCEPTOR mode a connection handed
 * to a paused shard is closed at once, so each shard's bound holds. Port 0 binds a free port for shard 0 and the
 * same port for the others.
 *
 * <p>Threading: {@link #start} and {@link #close()} may be called from any thread but the group's loops (they
 * wait for each loop in turn); {@link #server(int)} is loop {@code i}'s, to be used on that loop only;
 * {@link #port()}, {@link #sharding()} and {@link #connectionsPerLoop()} from any thread.
 */
public final class ShardedServer implements AutoCloseable {
    /** How connections are spread over the loops. Threading: an enum, shareable. */
    public enum Sharding {
        /** REUSE_PORT where {@code SO_REUSEPORT} is available, else ACCEPTOR. */
        AUTO,
        /** One listening socket per loop, with {@code SO_REUSEPORT}: the kernel spreads the connections. */
        REUSE_PORT,
        /** Loop 0 accepts and hands the sockets to the loops round-robin. */
        ACCEPTOR
    }

    private final LoopGroup group;
    private final Server[] servers;
    private final Sharding sharding;
    private final int port;
    private final AtomicLongArray connections;

    private ShardedServer(LoopGroup group, Server[] servers, Sharding sharding, int port, AtomicLongArray connections) {
        this.group = group;
        this.servers = servers;
        this.sharding = sharding;
        this.port = port;
        this.connections = connections;
    }

    /**
     * Whether this JDK and system offer {@code SO_REUSEPORT} on TCP listening sockets.
     *
     * @return whether the platform has {@code SO_REUSEPORT}
     */
    public static boolean reusePortSupported() {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@link #start(LoopGroup, IntFunction, String, int, ServerOptions, Sharding)}: one factory for every loop (called on each loop's thread, so it must be thread-safe: a constructor reference is), defaults, AUTO.
     *
     * @param group the loops, one shard each
     * @param protocolFactory makes the protocol of each connection (on its loop)
     * @param host the host name or address literal, or null for all interfaces
     * @param port the port (0: a free one)
     * @return the server, serving unless {@code options.startServing()} is false
     * @throws IOException if a socket cannot be bound ({@code BindException} naming the address) or the host not
     *     resolved
     */
    public static ShardedServer start(LoopGroup group, Supplier<? extends BaseProtocol> protocolFactory, String host, int port) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        return start(group, i -> protocolFactory, host, port, ServerOptions.DEFAULTS, Sharding.AUTO);
    }

    /**
     * Serves {@code host:port} on every loop of {@code group}: loop {@code i}'s connections get their protocols
     * from {@code protocolFactories.apply(i)}, called on loop {@code i}'s thread. {@code options} apply to every
     * shard ({@code reusePort} is set for REUSE_PORT); with {@code startServing} false, each shard starts
     * serving when its {@link Server#startServing()} is called on its loop. Blocks until every shard listens;
     * if one cannot, those made are closed and its error is thrown (unchanged).
     *
     * @param group the loops, one shard each
     * @param protocolFactories for loop i, the factory of its connections' protocols
     * @param host the host name or address literal, or null for all interfaces
     * @param port the port (0: a free one)
     * @param options the server options (shared by the shards)
     * @param sharding how connections are spread
     * @return the server, serving unless {@code options.startServing()} is false
     * @throws IOException if a socket cannot be bound ({@code BindException} naming the address) or the host not
     *     resolved
     */
    public static ShardedServer start(LoopGroup group, IntFunction<? extends Supplier<? extends BaseProtocol>> protocolFactories,
            String host, int port, ServerOptions options, Sharding sharding) throws IOException {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(protocolFactories, "protocolFactories");
        Objects.requireNonNull(options, "options");
        if (group.currentIndex() >= 0) throw new IllegalStateException("ShardedServer.start() cannot be called from one of the group's loops");
        Sharding mode = sharding == Sharding.AUTO ? (reusePortSupported() ? Sharding.REUSE_PORT : Sharding.ACCEPTOR) : sharding;
        if (mode == Sharding.REUSE_PORT && !reusePortSupported()) {
            throw new UnsupportedOperationException("SO_REUSEPORT is not supported here: use Sharding.ACCEPTOR (or AUTO)");
        }
        int n = group.size();
        AtomicLongArray connections = new AtomicLongArray(n);
        Server[] servers = new Server[n];
        try {
            if (mode == Sharding.REUSE_PORT) {
                ServerOptions shardOptions = options.withReusePort(true);
                int bound = port;
                for (int i = 0; i < n; i++) {
                    Supplier<? extends BaseProtocol> f = counted(protocolFactories.apply(i), connections, i);
                    int p = bound;
                    servers[i] = await(group, i, () -> Net.createServer(f, host, p, shardOptions));
                    if (i == 0) bound = portOf(servers[0]);
                }
            } else {
                ServerOptions acceptorOptions = options.withStartServing(false);
                Supplier<? extends BaseProtocol> f0 = counted(protocolFactories.apply(0), connections, 0);
                servers[0] = await(group, 0, () -> Net.createServer(f0, host, port, acceptorOptions));
                for (int i = 1; i < n; i++) {
                    Supplier<? extends BaseProtocol> f = counted(protocolFactories.apply(i), connections, i);
                    servers[i] = await(group, i, () -> new Server(io.jasyncio.Asyncio.getRunningLoop(), List.of(),
                            options.tls() == null ? f : io.jasyncio.internal.tls.TlsLayer.serverLayer(f, options.tls()), options));
                }
                await(group, 0, () -> {
                    servers[0].handOffTo(new RoundRobin(group, servers));
                    if (options.startServing()) servers[0].startServingNow();
                    return null;
                });
                for (int i = 1; i < n; i++) {
                    int shard = i;
                    if (options.startServing()) await(group, i, () -> {
                        servers[shard].startServingNow();
                        return null;
                    });
                }
            }
        } catch (Throwable e) {
            closeAll(group, servers);
            throw Sneaky.rethrow(e); // await's Throwable: the IOException of createServer, or unchecked
        }
        return new ShardedServer(group, servers, mode, portOf(servers[0]), connections);
    }

    /** Loop 0's hand-over: round-robin over the shards, itself included. */
    private static final class RoundRobin implements java.util.function.Consumer<SocketChannel> {
        private final LoopGroup group;
        private final Server[] servers;
        private int next;

        RoundRobin(LoopGroup group, Server[] servers) {
            this.group = group;
            this.servers = servers;
        }

        @Override
        public void accept(SocketChannel conn) {
            int k = next;
            next = (next + 1) % servers.length;
            if (k == 0) {
                servers[0].adopt(conn);
                return;
            }
            Server target = servers[k];
            try {
                group.loop(k).callSoonThreadsafe(() -> target.adopt(conn));
            } catch (IllegalStateException loopClosed) {
                try {
                    conn.close();
                } catch (IOException e) {
                    // closing a socket nobody serves: nothing more to do
                }
            }
        }
    }

    private static Supplier<? extends BaseProtocol> counted(Supplier<? extends BaseProtocol> f, AtomicLongArray counts, int i) {
        Objects.requireNonNull(f, "the protocol factory of loop " + i);
        return () -> {
            counts.incrementAndGet(i);
            return f.get();
        };
    }

    private static <T> T await(LoopGroup group, int i, io.jasyncio.Coroutine<T> coro) throws Throwable {
        try {
            return group.submit(i, coro).get();
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    private static int portOf(Server s) {
        try {
            return ((InetSocketAddress) s.getSockets().get(0).getLocalAddress()).getPort();
        } catch (IOException e) {
            throw Sneaky.rethrow(e);
        }
    }

    private static void closeAll(LoopGroup group, Server[] servers) {
        for (int i = 0; i < servers.length; i++) {
            Server s = servers[i];
            if (s == null) continue;
            try {
                group.submit(i, () -> {
                    s.close();
                    return null;
                }).get();
            } catch (Exception e) {
                // the loop has ended: it closed its servers itself
            }
        }
    }

    /**
     * How the connections are spread (AUTO resolved).
     *
     * @return the way chosen (never AUTO)
     */
    public Sharding sharding() {
        return sharding;
    }

    /**
     * The port every shard serves.
     *
     * @return the port
     */
    public int port() {
        return port;
    }

    /**
     * Loop {@code i}'s shard; use it on loop {@code i} only (to pause it, or to serve it from a site).
     *
     * @param i the loop index
     * @return the shard of loop {@code i}
     */
    public Server server(int i) {
        return servers[i];
    }

    /**
     * How many connections each loop has been given so far, in loop order: how evenly they spread.
     *
     * @return per loop, the connections it took
     */
    public long[] connectionsPerLoop() {
        long[] out = new long[connections.length()];
        for (int i = 0; i < out.length; i++) out[i] = connections.get(i);
        return out;
    }

    /**
     * Closes every connection of every shard (asyncio's {@code Server.close_clients()} on each loop); blocks
     * until each loop has done so. A loop already ended is skipped.
     */
    public void closeClients() {
        onEachShard(Server::closeClients);
    }

    /**
     * Waits until every shard is closed and its connections have ended (asyncio's {@code wait_closed()} on each
     * loop). A loop already ended is skipped.
     */
    public void waitClosed() {
        onEachShard(Server::waitClosed);
    }

    private void onEachShard(java.util.function.Consumer<Server> what) {
        if (group.currentIndex() >= 0) throw new IllegalStateException("a ShardedServer cannot be waited for from one of the group's loops");
        for (int i = 0; i < servers.length; i++) {
            Server s = servers[i];
            try {
                group.submit(i, () -> {
                    what.accept(s);
                    return null;
                }).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | IllegalStateException e) { // (a CancellationException is an IllegalStateException)
                if (!group.loop(i).isClosed()) throw Sneaky.rethrow(e instanceof ExecutionException ? e.getCause() : e);
            }
        }
    }

    /**
     * Stops listening on every shard (connections already made carry on; they end with their loops). Blocks
     * until each loop has done so; a loop already ended is skipped. Idempotent.
     */
    @Override
    public void close() {
        if (group.currentIndex() >= 0) throw new IllegalStateException("ShardedServer.close() cannot be called from one of the group's loops");
        closeAll(group, servers);
    }

    @Override
    public String toString() {
        return "<ShardedServer port=" + port + " " + sharding + " x" + servers.length + ">";
    }
}
