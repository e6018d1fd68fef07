package io.jasyncio.http.ws;

import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.http.AppRunner;
import io.jasyncio.http.Application;
import io.jasyncio.http.TcpSite;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Servers for the WebSocket tests: an echo application, served on a loop the test's peer shares. */
final class WsTesting {
    private WsTesting() {}

    @FunctionalInterface
    interface Body<T> {
        T run(int port) throws Exception;
    }

    /** Serves {@code app} on 127.0.0.1 on a virtual-clock loop and runs {@code body} on that loop. */
    static <T> T serve(Application app, Body<T> body) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(() -> {
                try (AppRunner runner = new AppRunner(app)) {
                    runner.setup();
                    TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
                    site.start();
                    return body.run(site.port());
                }
            });
        }
    }

    /**
     * An application served on 127.0.0.1 by a real-clock loop on a thread of its own, for peers outside the
     * loop (another process, the JDK's client). {@link #close()} cancels the serving task and joins the thread.
     */
    static final class Threaded implements AutoCloseable {
        final int port;
        private final io.jasyncio.EventLoop loop;
        private final io.jasyncio.Task<?> main;
        private final Thread thread;

        private record Started(int port, io.jasyncio.EventLoop loop, io.jasyncio.Task<?> main) {}

        Threaded(Application app) throws Exception {
            java.util.concurrent.CompletableFuture<Started> started = new java.util.concurrent.CompletableFuture<>();
            thread = Thread.ofPlatform().name("ws-test-loop").start(() -> {
                try {
                    io.jasyncio.Asyncio.run(() -> {
                        try (AppRunner runner = new AppRunner(app)) {
                            runner.setup();
                            TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
                            site.start();
                            io.jasyncio.EventLoop l = io.jasyncio.Asyncio.getRunningLoop();
                            started.complete(new Started(site.port(), l, io.jasyncio.Asyncio.currentTask()));
                            io.jasyncio.Asyncio.await(l.createFuture());
                        }
                        return null;
                    });
                } catch (Throwable e) {
                    started.completeExceptionally(e);
                }
            });
            Started s = started.get(20, java.util.concurrent.TimeUnit.SECONDS);
            port = s.port;
            loop = s.loop;
            main = s.main;
        }

        @Override
        public void close() throws InterruptedException {
            loop.callSoonThreadsafe(() -> main.cancel());
            thread.join(30_000);
        }
    }

    /** The WebSockets an echo application made, to look at once their handlers are done. */
    static final class Echo {
        final Application app = new Application();
        final List<WebSocketResponse> sockets = new CopyOnWriteArrayList<>();

        Echo() {
            this(new WebSocketOptions());
        }

        /** Echoes TEXT and BINARY messages on {@code /ws}; answers PING with PONG when auto-ping is off. */
        Echo(WebSocketOptions options) {
            app.router().addGet("/ws", r -> {
                WebSocketResponse ws = new WebSocketResponse(options);
                sockets.add(ws);
                ws.prepare(r);
                for (WSMessage m : ws) {
                    switch (m.type()) {
                        case TEXT -> ws.sendStr(m.text());
                        case BINARY -> ws.sendBytes(m.bytes());
                        case PING -> ws.pong(m.bytes());
                        default -> {}
                    }
                }
                return ws.response();
            });
        }

        WebSocketResponse last() {
            return sockets.get(sockets.size() - 1);
        }
    }
}
