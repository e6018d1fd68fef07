package io.jasyncio.http;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jasyncio.Asyncio;
import io.jasyncio.LoopGroup;
import io.jasyncio.transport.ShardedServer;
import io.jasyncio.transport.ShardedServer.Sharding;
import java.net.BindException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An application served on several loops ({@link Web#runApp(java.util.function.Supplier, String, int, int)}). */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WebLoopsTest {
    /** Threads that made an application; hooks that ran, by loop thread. */
    private final List<String> made = new CopyOnWriteArrayList<>();
    private final List<String> hooks = new CopyOnWriteArrayList<>();

    /** GET / answers with the name of the loop thread that served it: the test's view of the spread. */
    private Application app() {
        made.add(Asyncio.getRunningLoop().loopThread().getName());
        Application app = new Application();
        app.router().addGet("/", r -> Response.text(Asyncio.getRunningLoop().loopThread().getName()));
        app.onStartup(a -> hooks.add("startup " + Asyncio.getRunningLoop().loopThread().getName()));
        app.onCleanup(a -> hooks.add("cleanup " + Asyncio.getRunningLoop().loopThread().getName()));
        return app;
    }

    /** {@link Web#serveOnLoops} on a thread of its own until {@link #close()}. */
    private final class Running implements AutoCloseable {
        final CompletableFuture<ShardedServer> started = new CompletableFuture<>();
        final CompletableFuture<Void> stop = new CompletableFuture<>();
        final CompletableFuture<long[]> spread = new CompletableFuture<>();
        final CompletableFuture<LoopGroup> group = new CompletableFuture<>();
        final Thread thread;

        Running(int loops, Sharding sharding) throws Exception {
            thread = Thread.ofPlatform().name("web-loops-test").start(() -> {
                try {
                    Web.serveOnLoops(WebLoopsTest.this::app, "127.0.0.1", 0, loops, sharding, (g, s) -> {
                        group.complete(g);
                        started.complete(s);
                    }, stop, spread::complete);
                } catch (Throwable e) {
                    started.completeExceptionally(e);
                    spread.completeExceptionally(e);
                }
            });
            started.get(30, TimeUnit.SECONDS);
        }

        int port() {
            return started.join().port();
        }

        /** GET / on a new connection: the name of the loop thread that answered. */
        String servedBy() throws Exception {
            try (RawClient c = new RawClient(port())) {
                RawClient.Reply r = c.get("/").read();
                assertEquals(200, r.status());
                return r.text();
            }
        }

        @Override
        public void close() throws Exception {
            stop.complete(null);
            thread.join();
        }
    }

    @Test
    void twoLoopsWithReusePortBothServe() throws Exception {
        assumeTrue(ShardedServer.reusePortSupported(), "SO_REUSEPORT is not offered here");
        Set<String> loops = new HashSet<>();
        int made;
        try (Running r = new Running(2, Sharding.REUSE_PORT)) {
            assertEquals(Sharding.REUSE_PORT, r.started.get().sharding());
            // The kernel hashes each connection to a socket: new connections until both loops have answered.
            for (made = 0; loops.size() < 2 && made < 200; made++) loops.add(r.servedBy());
        }
        assertEquals(2, loops.size(), "both loops answered, after " + made + " connections: " + loops);
        assertTrue(loops.stream().allMatch(n -> n.startsWith("jasyncio-loop")), loops.toString());
    }

    @Test
    void theAcceptorPathHandsConnectionsOutInTurn() throws Exception {
        List<String> served = new ArrayList<>();
        long[] spread;
        try (Running r = new Running(2, Sharding.ACCEPTOR)) {
            for (int i = 0; i < 4; i++) served.add(r.servedBy());
            r.close();
            spread = r.spread.get();
        }
        assertTrue(served.get(0).startsWith("jasyncio-loop0-") && served.get(1).startsWith("jasyncio-loop1-"), served.toString());
        assertEquals(served.get(0), served.get(2));
        assertEquals(served.get(1), served.get(3));
        assertArrayEquals(new long[] {2, 2}, spread);
    }

    @Test
    void eachLoopServesItsOwnApplicationAndRunsItsHooks() throws Exception {
        try (Running r = new Running(2, Sharding.AUTO)) {
            assertEquals(2, new HashSet<>(made).size(), "one application per loop, made on its thread: " + made);
        }
        for (String t : made) {
            assertTrue(hooks.contains("startup " + t), hooks.toString());
            assertTrue(hooks.contains("cleanup " + t), hooks.toString());
        }
    }

    @Test
    void stoppingEndsEveryLoopAndFreesThePort() throws Exception {
        Running r = new Running(2, Sharding.AUTO);
        int port = r.port();
        LoopGroup g = r.group.get();
        r.close();
        assertTrue(g.isTerminated());
        assertThrows(java.net.ConnectException.class, () -> new RawClient(port).close());
    }

    @Test
    void anApplicationThatFailsToStartStopsTheGroupWithItsError() {
        IllegalStateException boom = new IllegalStateException("startup failed");
        List<String> cleaned = new CopyOnWriteArrayList<>();
        int[] n = {0};
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Web.serveOnLoops(() -> {
            Application a = new Application();
            boolean fail;
            synchronized (n) {
                fail = n[0]++ == 1;
            }
            a.onStartup(x -> {
                if (fail) throw boom;
            });
            a.onCleanup(x -> cleaned.add("cleanup"));
            return a;
        }, "127.0.0.1", 0, 2, Sharding.AUTO, (g, s) -> fail("must not start"), new CompletableFuture<>(), s -> {}));
        assertSame(boom, e);
        assertEquals(List.of("cleanup"), cleaned, "the runner set up before the failure was cleaned up");
    }

    // aiohttp: TCPSite(reuse_port=True)
    @Test
    void tcpSiteReusePortLetsTwoSitesShareAPort() throws Exception {
        assumeTrue(ShardedServer.reusePortSupported());
        Asyncio.run(() -> {
            AppRunner a = new AppRunner(app()), b = new AppRunner(app()), c = new AppRunner(app());
            a.setup();
            b.setup();
            c.setup();
            try {
                TcpSite first = new TcpSite(a, "127.0.0.1", 0).reusePort(true);
                first.start();
                new TcpSite(b, "127.0.0.1", first.port()).reusePort(true).start();
                assertThrows(BindException.class, () -> new TcpSite(c, "127.0.0.1", first.port()).start(),
                        "without reusePort the port is taken");
            } finally {
                a.cleanup();
                b.cleanup();
                c.cleanup();
            }
            return null;
        });
    }
}
