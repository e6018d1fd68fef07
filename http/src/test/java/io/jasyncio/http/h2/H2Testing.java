package io.jasyncio.http.h2;

import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import io.jasyncio.http.AppRunner;
import io.jasyncio.http.Application;
import io.jasyncio.http.TcpSite;
import java.util.function.Consumer;

/** Serves an application for the HTTP/2 tests on a virtual-clock loop the test's peer shares. */
final class H2Testing {
    private H2Testing() {}

    @FunctionalInterface
    interface Body<T> {
        T run(int port, AppRunner runner) throws Exception;
    }

    static <T> T serve(Application app, Body<T> body) {
        return serve(app, r -> {}, body);
    }

    /** Serves {@code app} on 127.0.0.1 (cleartext: h2c with prior knowledge) and runs {@code body} on the same loop. */
    static <T> T serve(Application app, Consumer<AppRunner> configure, Body<T> body) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(() -> {
                try (AppRunner runner = new AppRunner(app)) {
                    configure.accept(runner);
                    runner.setup();
                    TcpSite site = new TcpSite(runner, "127.0.0.1", 0);
                    site.start();
                    return body.run(site.port(), runner);
                }
            });
        }
    }

    /**
     * An application served on 127.0.0.1 by a real-clock loop on a thread of its own (HTTPS when {@code tls} is
     * given), for clients outside the loop (the JDK's, nghttp). {@link #close()} cancels the serving task.
     */
    static final class Threaded implements AutoCloseable {
        final int port;
        private final EventLoop loop;
        private final io.jasyncio.Task<?> main;
        private final Thread thread;

        private record Started(int port, EventLoop loop, io.jasyncio.Task<?> main) {}

        Threaded(Application app, io.jasyncio.tls.TlsOptions tls) throws Exception {
            java.util.concurrent.CompletableFuture<Started> started = new java.util.concurrent.CompletableFuture<>();
            thread = Thread.ofPlatform().name("h2-test-loop").start(() -> {
                try {
                    io.jasyncio.Asyncio.run(() -> {
                        try (AppRunner runner = new AppRunner(app)) {
                            runner.setup();
                            TcpSite site = new TcpSite(runner, "127.0.0.1", 0, tls);
                            site.start();
                            EventLoop l = io.jasyncio.Asyncio.getRunningLoop();
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
}
