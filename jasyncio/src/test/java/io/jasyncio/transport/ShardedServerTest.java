package io.jasyncio.transport;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.LoopGroup;
import io.jasyncio.transport.ShardedServer.Sharding;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ShardedServer} and {@code reusePort}: one service on every loop of a {@link LoopGroup}. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShardedServerTest {

    /** Says which loop serves the connection ("loop 1\n"), then waits for the client to leave. */
    static final class Greeter implements Protocol {
        private final int loop;

        Greeter(int loop) {
            this.loop = loop;
        }

        @Override
        public void connectionMade(BaseTransport t) {
            ((Transport) t).write(("loop " + loop + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void dataReceived(ByteBuffer data) {}
    }

    /** Connects, reads the greeting line (or "" on end-of-stream or reset), closes. */
    static String greeting(int port) throws IOException {
        try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            ByteBuffer buf = ByteBuffer.allocate(64);
            while (true) {
                int n;
                try {
                    n = c.read(buf);
                } catch (IOException reset) {
                    n = -1;
                }
                String s = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
                if (s.endsWith("\n")) return s.trim();
                if (n < 0) return s;
            }
        }
    }

    private static ShardedServer greeters(LoopGroup group, Sharding sharding) throws IOException {
        return ShardedServer.start(group, i -> () -> new Greeter(i), "127.0.0.1", 0, ServerOptions.DEFAULTS, sharding);
    }

    @Test
    void reusePortBindsOneSocketPerLoopAndTheKernelSpreadsConnections() throws Exception {
        assumeTrue(ShardedServer.reusePortSupported(), "SO_REUSEPORT is not offered here");
        try (LoopGroup group = LoopGroup.start(2); ShardedServer server = greeters(group, Sharding.REUSE_PORT)) {
            assertEquals(Sharding.REUSE_PORT, server.sharding());
            for (int i = 0; i < 2; i++) {
                int shard = i;
                List<ServerSocketChannel> socks = group.submit(i, () -> server.server(shard).getSockets()).get();
                assertEquals(1, socks.size(), "shard " + i + " listens itself");
                assertTrue(socks.get(0).getOption(StandardSocketOptions.SO_REUSEPORT));
                assertEquals(server.port(), ((InetSocketAddress) socks.get(0).getLocalAddress()).getPort());
            }
            // The kernel hashes each connection's addresses: connect until both loops have served one (each new
            // connection has a new source port; 200 all landing on one loop has odds of 2^-199).
            boolean[] seen = new boolean[2];
            int made = 0;
            while (!(seen[0] && seen[1]) && made < 200) {
                String g = greeting(server.port());
                seen[Integer.parseInt(g.substring("loop ".length()))] = true;
                made++;
            }
            assertTrue(seen[0] && seen[1], "both loops served, after " + made + " connections");
            long[] per = server.connectionsPerLoop();
            assertEquals(made, per[0] + per[1]);
        }
    }

    @Test
    void theAcceptorHandsConnectionsToTheLoopsRoundRobin() throws Exception {
        try (LoopGroup group = LoopGroup.start(3); ShardedServer server = greeters(group, Sharding.ACCEPTOR)) {
            assertEquals(Sharding.ACCEPTOR, server.sharding());
            assertTrue(group.submit(1, () -> server.server(1).getSockets().isEmpty()).get(), "only loop 0 listens");
            List<String> served = new ArrayList<>();
            for (int i = 0; i < 6; i++) served.add(greeting(server.port()));
            assertEquals(List.of("loop 0", "loop 1", "loop 2", "loop 0", "loop 1", "loop 2"), served);
            assertArrayEquals(new long[] {2, 2, 2}, server.connectionsPerLoop());
        }
    }

    @Test
    void clientsThatResetAtOnceDoNotDerailTheHandOver() throws Exception {
        try (LoopGroup group = LoopGroup.start(3); ShardedServer server = greeters(group, Sharding.ACCEPTOR)) {
            for (int i = 0; i < 50; i++) { // hostile: connect, then reset before (or as) the server accepts
                SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                c.setOption(StandardSocketOptions.SO_LINGER, 0);
                c.close();
            }
            // Whatever became of those, the hand-over still goes round: three connections, three loops.
            java.util.Set<String> served = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) served.add(greeting(server.port()));
            assertEquals(java.util.Set.of("loop 0", "loop 1", "loop 2"), served);
        }
    }

    @Test
    void aPausedShardTakesNoHandedConnection() throws Exception {
        try (LoopGroup group = LoopGroup.start(2); ShardedServer server = greeters(group, Sharding.ACCEPTOR)) {
            group.submit(1, () -> {
                server.server(1).pauseAccepting(); // at its limit, say
                return null;
            }).get();
            assertEquals("loop 0", greeting(server.port()));
            assertEquals("", greeting(server.port()), "handed to the paused shard: closed at once");
            assertEquals("loop 0", greeting(server.port()));
            assertArrayEquals(new long[] {2, 0}, server.connectionsPerLoop());
        }
    }

    @Test
    void autoPicksReusePortWhereTheJdkOffersIt() throws Exception {
        try (LoopGroup group = LoopGroup.start(2); ShardedServer server = greeters(group, Sharding.AUTO)) {
            assertEquals(ShardedServer.reusePortSupported() ? Sharding.REUSE_PORT : Sharding.ACCEPTOR, server.sharding());
            assertTrue(greeting(server.port()).startsWith("loop "));
        }
    }

    @Test
    void closeStopsEveryShardListening() throws Exception {
        try (LoopGroup group = LoopGroup.start(2)) {
            for (Sharding mode : List.of(Sharding.ACCEPTOR, Sharding.REUSE_PORT)) {
                if (mode == Sharding.REUSE_PORT && !ShardedServer.reusePortSupported()) continue;
                ShardedServer server = greeters(group, mode);
                int port = server.port();
                assertTrue(greeting(port).startsWith("loop "));
                server.close();
                assertThrows(ConnectException.class, () -> greeting(port), mode + ": nothing listens any more");
                server.close(); // idempotent
            }
        }
    }

    @Test
    void aPortTakenWithoutReusePortFailsTheStartAndLeavesNoShard() throws Exception {
        assumeTrue(ShardedServer.reusePortSupported());
        try (ServerSocketChannel taken = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                LoopGroup group = LoopGroup.start(2)) {
            int port = ((InetSocketAddress) taken.getLocalAddress()).getPort();
            assertThrows(BindException.class, () -> ShardedServer.start(group, i -> () -> new Greeter(i), "127.0.0.1",
                    port, ServerOptions.DEFAULTS, Sharding.REUSE_PORT));
            for (int i = 0; i < 2; i++) {
                assertEquals(0, (int) group.submit(i, () -> Asyncio.getRunningLoop().selector().keys().size()).get(),
                        "loop " + i + " watches no socket");
            }
        }
    }

    // test_asyncio/test_base_events.py: test_create_server_reuse_port (two servers share a port only with it)
    @Test
    void createServerWithReusePortSharesAPortOnOneLoop() {
        assumeTrue(ShardedServer.reusePortSupported());
        Asyncio.run(() -> {
            ServerOptions reuse = ServerOptions.DEFAULTS.withReusePort(true);
            try (Server a = Net.createServer(() -> new Greeter(0), "127.0.0.1", 0, reuse)) {
                int port = ((InetSocketAddress) a.getSockets().get(0).getLocalAddress()).getPort();
                assertTrue(a.getSockets().get(0).getOption(StandardSocketOptions.SO_REUSEPORT));
                try (Server b = Net.createServer(() -> new Greeter(1), "127.0.0.1", port, reuse)) {
                    assertEquals(1, b.getSockets().size());
                }
                assertThrows(BindException.class, () -> Net.createServer(() -> new Greeter(2), "127.0.0.1", port));
            }
            return null;
        });
    }

    @Test
    void startingFromOneOfTheGroupsLoopsIsRefused() throws Exception {
        try (LoopGroup group = LoopGroup.start(1)) {
            String msg = group.submit(0, () -> {
                try {
                    greeters(group, Sharding.ACCEPTOR);
                    return "started";
                } catch (IllegalStateException e) {
                    return e.getMessage();
                }
            }).get();
            assertTrue(msg.contains("one of the group's loops"), msg);
        }
    }
}
