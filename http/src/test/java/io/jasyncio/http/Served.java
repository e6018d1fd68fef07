package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.ExceptionContext;
import io.jasyncio.Task;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An application served on 127.0.0.1 (a free port) by a loop on a thread of its own, for tests that play the
 * client from the test thread. {@link #close()} cancels the serving task (as Ctrl-C does), so the runner's
 * graceful shutdown runs, and waits for the loop's thread to end. For a peer that shares the server's loop (and a
 * virtual clock) see {@link ServerTesting}.
 *
 * <p>Threading: made and closed on the test's thread; {@link #onLoop} runs its argument on the loop's.
 */
public final class Served implements AutoCloseable {
    /** The server's port on 127.0.0.1 (-1 for a site other than a {@link TcpSite}). */
    public final int port;
    final EventLoop loop;
    final AppRunner runner;
    /** What reached the loop's exception handler. */
    final List<ExceptionContext> errors;
    private final Thread thread;
    private final Task<?> main;

    private record Started(int port, EventLoop loop, Task<?> main, AppRunner runner) {}

    private Served(Started s, Thread thread, List<ExceptionContext> errors) {
        this.port = s.port;
        this.loop = s.loop;
        this.main = s.main;
        this.runner = s.runner;
        this.thread = thread;
        this.errors = errors;
    }

    /**
     * Serves {@code app} over cleartext HTTP with the runner's defaults.
     *
     * @param app the application served
     * @return the server, serving
     * @throws Exception if it could not start
     */
    public static Served start(Application app) throws Exception {
        return start(app, r -> {});
    }

    /**
     * Serves {@code app} over HTTPS with {@code tls} (ALPN offering h2 and http/1.1), or cleartext if null.
     *
     * @param app the application served
     * @param tls the server's TLS options, or null
     * @return the server, serving
     * @throws Exception if it could not start
     */
    public static Served start(Application app, io.jasyncio.tls.TlsOptions tls) throws Exception {
        return start(app, r -> {}, r -> new TcpSite(r, "127.0.0.1", 0, tls));
    }

    /** Serves {@code app}; {@code configure} sets the runner's options before it is set up. */
    static Served start(Application app, Consumer<AppRunner> configure) throws Exception {
        return start(app, configure, r -> new TcpSite(r, "127.0.0.1", 0));
    }

    /** Serves {@code app} on the site {@code site} makes (port: its port if a TcpSite, else -1). */
    static Served start(Application app, Consumer<AppRunner> configure,
            java.util.function.Function<AppRunner, BaseSite> site) throws Exception {
        CompletableFuture<Started> started = new CompletableFuture<>();
        List<ExceptionContext> errors = new CopyOnWriteArrayList<>();
        Thread t = Thread.ofPlatform().name("http-test-loop").start(() -> {
            try {
                Asyncio.run(() -> {
                    EventLoop loop = Asyncio.getRunningLoop();
                    loop.setExceptionHandler((l, ctx) -> errors.add(ctx));
                    AppRunner runner = new AppRunner(app);
                    configure.accept(runner);
                    runner.setup();
                    try {
                        BaseSite st = site.apply(runner);
                        st.start();
                        int port = st instanceof TcpSite tcp ? tcp.port() : -1;
                        started.complete(new Started(port, loop, Asyncio.currentTask(), runner));
                        Asyncio.await(loop.createFuture());
                    } finally {
                        runner.cleanup();
                    }
                    return null;
                });
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        });
        return new Served(started.get(20, TimeUnit.SECONDS), t, errors);
    }

    /** Runs {@code what} on the loop's thread and returns its result. */
    <T> T onLoop(java.util.function.Supplier<T> what) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> {
            try {
                f.complete(what.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    /** The runner's {@link AppRunner#stats()}, read on the loop's thread. */
    AppRunner.Stats stats() throws Exception {
        return onLoop(runner::stats);
    }

    /** Whether the loop's thread has ended (after {@link #close()}). */
    boolean ended() {
        return !thread.isAlive();
    }

    /** Cancels the serving task (a graceful shutdown) and waits for the loop's thread to end. */
    @Override
    public void close() throws InterruptedException {
        if (!loop.isClosed()) {
            try {
                loop.callSoonThreadsafe(main::cancel);
            } catch (IllegalStateException closedMeanwhile) {
                // the loop ended on its own
            }
        }
        thread.join(TimeUnit.SECONDS.toMillis(70));
        if (thread.isAlive()) throw new AssertionError("the server's loop thread did not end");
    }
}
