package io.jasyncio.http;

import java.io.IOException;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import io.jasyncio.CancelledError;
import io.jasyncio.LoopGroup;
import io.jasyncio.transport.ServerOptions;
import io.jasyncio.transport.ShardedServer;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * aiohttp's {@code web.run_app}: serve an application until the program is stopped.
 *
 * <p>Threading: {@link #runApp} takes the calling thread (it runs its own loop, or a {@link LoopGroup} of
 * them); {@link #serve} runs in a task of a loop already running.
 */
public final class Web {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.http");

    private Web() {}

    /**
     * aiohttp's {@code web.json_response(data)}: 200 with {@code data} encoded by the built-in {@link JsonCodec}.
     *
     * @param data maps, lists, strings, numbers, booleans or null (see {@link Json})
     * @return a new response
     * @throws IllegalArgumentException if {@code data} cannot be encoded
     */
    public static Response jsonResponse(Object data) {
        return jsonResponse(200, data, JsonCodec.builtin());
    }

    /**
     * {@code status} with {@code data} encoded by {@code codec} as {@code application/json} (aiohttp's
     * {@code json_response(data, status=, dumps=)}). A value the codec cannot encode is the handler's error: an
     * {@link IllegalArgumentException} (so a 500).
     *
     * @param status the status code
     * @param data the value to encode
     * @param codec the codec to encode with
     * @return a new response
     * @throws IllegalArgumentException if the codec cannot encode {@code data}
     */
    public static Response jsonResponse(int status, Object data, JsonCodec codec) {
        String text;
        try {
            text = codec.encode(data);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("the JSON codec could not encode the response: " + e, e);
        }
        return new Response(status, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json; charset=utf-8");
    }

    /**
     * Runs a new loop serving {@code app} on {@code host}:{@code port} until the process is asked to stop, then
     * shuts it down gracefully (requests under way are answered, for up to the runner's shutdown timeout), as
     * aiohttp's {@code run_app} does on both signals:
     * <ul>
     * <li>SIGTERM ({@code kill}, {@code docker stop}, systemd): returns normally (a program exits 0). A second
     * SIGTERM during the shutdown ends the JVM at once, as its default handler does.
     * <li>Ctrl-C (SIGINT): throws {@link io.jasyncio.KeyboardInterrupt} afterwards, as {@link Asyncio#run} does
     * (aiohttp's {@code run_app} returns instead). Handled only when called on the thread named "main", and not
     * when the process inherited SIGINT as ignored (a background job of a non-interactive shell: the JVM cannot
     * catch it then); SIGTERM works in both cases.
     * </ul>
     *
     * @param app the application to serve
     * @param host the host name or address to bind
     * @param port the port
     */
    public static void runApp(Application app, String host, int port) {
        runApp(app, host, port, null);
    }

    /**
     * {@link #runApp(Application, String, int)} writing {@code accessLog} (null: none; aiohttp's {@code access_log=}).
     *
     * @param app the application to serve
     * @param host the host name or address to bind
     * @param port the port
     * @param accessLog the access log, or null
     */
    public static void runApp(Application app, String host, int port, AccessLog accessLog) {
        runApp(app, runner -> new TcpSite(runner, host, port), accessLog);
    }

    /**
     * {@link #runApp(Application, String, int)} on the site {@code site} makes for the runner: an HTTPS
     * {@link TcpSite} or a {@link UnixSite}, for example (aiohttp's {@code run_app(app, ssl_context=...)},
     * {@code run_app(app, path=...)}).
     *
     * @param app the application to serve
     * @param site makes the site for the runner
     */
    public static void runApp(Application app, java.util.function.Function<AppRunner, BaseSite> site) {
        runApp(app, site, null);
    }

    /**
     * {@link #runApp(Application, java.util.function.Function)} writing {@code accessLog} (null: none).
     *
     * @param app the application to serve
     * @param site makes the site for the runner
     * @param accessLog the access log, or null
     */
    public static void runApp(Application app, java.util.function.Function<AppRunner, BaseSite> site, AccessLog accessLog) {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> terminated = loop.createFuture();
            boolean handled = onSigterm(loop, terminated);
            try {
                return serveUntil(app, site, System.out::println, terminated, accessLog);
            } finally {
                if (handled) loop.removeSignalHandler("SIGTERM");
            }
        });
    }

    /**
     * {@link #runApp(Application, String, int)} on {@code loops} event loops, one thread each ({@code 0}: one per
     * available processor; {@code 1}: exactly {@link #runApp(Application, String, int)}). Each loop serves its
     * own application, made by {@code apps} on that loop's thread (an {@link Application} is served by one
     * runner), so handlers, state and hooks of one loop never meet another's; the connections are spread over
     * the loops by {@code SO_REUSEPORT} where the system offers it, else handed out by loop 0 (see
     * {@link ShardedServer}). SIGTERM and Ctrl-C stop every loop gracefully, as in the one-loop form; on the way
     * out, prints how many connections each loop took.
     *
     * @param apps makes each loop's application, on that loop's thread
     * @param host the host name or address to bind
     * @param port the port
     * @param loops how many loops, 0 for one per available processor
     * @throws IOException if the port cannot be bound
     * @throws IllegalArgumentException if {@code loops} is negative
     */
    public static void runApp(Supplier<Application> apps, String host, int port, int loops) throws IOException {
        runApp(apps, host, port, loops, ShardedServer.Sharding.AUTO);
    }

    /**
     * {@link #runApp(Supplier, String, int, int)} with the way connections are spread chosen.
     *
     * @param apps makes each loop's application, on that loop's thread
     * @param host the host name or address to bind
     * @param port the port
     * @param loops how many loops, 0 for one per available processor
     * @param sharding how the connections are spread over the loops
     * @throws IOException if the port cannot be bound
     * @throws IllegalArgumentException if {@code loops} is negative
     */
    public static void runApp(Supplier<Application> apps, String host, int port, int loops, ShardedServer.Sharding sharding) throws IOException {
        if (loops < 0) throw new IllegalArgumentException("loops must be >= 1, or 0 for one per core; got " + loops);
        if (loops == 1) {
            runApp(apps.get(), host, port);
            return;
        }
        CompletableFuture<Void> terminated = new CompletableFuture<>();
        long[][] spread = new long[1][];
        try {
            serveOnLoops(apps, host, port, loops, sharding, (group, sharded) -> {
                System.out.println("======== Running on " + siteName(host, sharded.port()) + " on " + group.size()
                        + " loops (" + describe(sharded.sharding()) + ") ========\n(Press CTRL+C to quit)");
                onSigterm(group, terminated);
            }, terminated, s -> spread[0] = s);
        } finally {
            if (spread[0] != null) System.out.println("connections per loop: " + join(spread[0]));
        }
    }

    private static String describe(ShardedServer.Sharding s) {
        return s == ShardedServer.Sharding.REUSE_PORT ? "one socket per loop, SO_REUSEPORT" : "loop 0 accepts and hands out";
    }

    private static String join(long[] counts) {
        StringBuilder b = new StringBuilder();
        for (long c : counts) b.append(b.isEmpty() ? "" : " ").append(c);
        return b.toString();
    }

    private static String siteName(String host, int port) {
        String h = host == null || host.isEmpty() ? "0.0.0.0" : host;
        if (h.indexOf(':') >= 0) h = "[" + h + "]";
        return "http://" + h + ":" + port;
    }

    /** What {@link #serveOnLoops} calls once every loop serves: the group and its sharded server. */
    interface Started {
        void started(LoopGroup group, ShardedServer sharded);
    }

    /**
     * Serves {@code apps} on {@code loops} loops until {@code stop} completes or the group fails, then cleans
     * every loop's runner up (each on its loop) and closes the group. Tells {@code started} once all serve and
     * {@code spread} the connections each loop took. Blocks the calling thread.
     */
    static void serveOnLoops(Supplier<Application> apps, String host, int port, int loops, ShardedServer.Sharding sharding,
            Started started, CompletionStage<Void> stop, Consumer<long[]> spread) throws IOException {
        try (LoopGroup group = LoopGroup.start(loops)) {
            int n = group.size();
            AppRunner[] runners = new AppRunner[n];
            try {
                for (int i = 0; i < n; i++) {
                    runners[i] = group.submit(i, () -> {
                        AppRunner r = new AppRunner(apps.get());
                        r.setup();
                        return r;
                    }).get();
                }
            } catch (ExecutionException e) {
                cleanupAll(group, runners);
                if (e.getCause() instanceof RuntimeException re) throw re;
                if (e.getCause() instanceof Error er) throw er;
                throw new IllegalStateException("setting an application up failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                cleanupAll(group, runners);
                Thread.currentThread().interrupt();
                throw new CancelledError("interrupted while setting the runners up");
            }
            ShardedServer sharded;
            try {
                // Not serving yet: each loop's site starts it once its runner knows the site (its connection limit).
                sharded = ShardedServer.start(group, i -> runners[i]::newConnection, host, port,
                        ServerOptions.DEFAULTS.withStartServing(false), sharding);
            } catch (Throwable e) {
                cleanupAll(group, runners);
                throw e;
            }
            java.util.concurrent.atomic.AtomicInteger toStart = new java.util.concurrent.atomic.AtomicInteger(n);
            try {
                group.run(i -> () -> {
                    try {
                        TcpSite.onShard(runners[i], sharded, i, host).start();
                        if (toStart.decrementAndGet() == 0) started.started(group, sharded); // the last to start
                        Asyncio.await(Asyncio.wrapFuture(stop));
                        return null;
                    } finally {
                        runners[i].cleanup();
                    }
                });
            } finally {
                spread.accept(sharded.connectionsPerLoop());
            }
        }
    }

    /** Cleans up the runners set up so far, each on its own loop. */
    private static void cleanupAll(LoopGroup group, AppRunner[] runners) {
        for (int i = 0; i < runners.length; i++) {
            AppRunner r = runners[i];
            if (r == null) continue;
            try {
                group.submit(i, () -> {
                    r.cleanup();
                    return null;
                }).get();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "cleaning up the runner of loop " + i + " failed", e);
            }
        }
    }

    /** SIGTERM, handled by loop 0 of {@code group}, completes {@code terminated}; a second one ends the JVM. */
    private static void onSigterm(LoopGroup group, CompletableFuture<Void> terminated) {
        EventLoop loop = group.loop(0);
        try {
            loop.addSignalHandler("SIGTERM", () -> {
                loop.removeSignalHandler("SIGTERM");
                terminated.complete(null);
            });
        } catch (IllegalStateException | IllegalArgumentException | UnsupportedOperationException e) {
            LOG.log(Level.DEBUG, "SIGTERM cannot be handled here, so it ends the JVM at once: " + e.getMessage());
        }
    }

    /** Resolves {@code terminated} on the first SIGTERM; false if the JVM does not let the loop handle it. */
    private static boolean onSigterm(EventLoop loop, Future<Void> terminated) {
        try {
            loop.addSignalHandler("SIGTERM", () -> {
                loop.removeSignalHandler("SIGTERM"); // a second SIGTERM: the JVM's own handler, which exits now
                if (!terminated.done()) terminated.setResult(null);
            });
            return true;
        } catch (IllegalStateException | IllegalArgumentException | UnsupportedOperationException e) {
            LOG.log(Level.DEBUG, "SIGTERM cannot be handled here, so it ends the JVM at once: " + e.getMessage());
            return false;
        }
    }

    /**
     * Serves {@code app} from the running task until that task is cancelled, then cleans the runner up. Tells
     * {@code announce} the address once it is listening.
     *
     * @param app the application to serve
     * @param host the host name or address to bind
     * @param port the port, 0 for one the system chooses
     * @param announce told the {@code Running on ...} line once the site listens
     * @return never returns normally: the task's cancellation ends it (the type lets it be a task's body)
     * @throws IOException if the address cannot be bound
     */
    public static Void serve(Application app, String host, int port, Consumer<String> announce) throws IOException {
        return serveUntil(app, runner -> new TcpSite(runner, host, port), announce, Asyncio.getRunningLoop().createFuture(), null);
    }

    /** {@link #serve} until {@code stop} is done (returning then) or the task is cancelled. */
    private static Void serveUntil(Application app, java.util.function.Function<AppRunner, BaseSite> makeSite,
            Consumer<String> announce, Future<?> stop, AccessLog accessLog) throws IOException {
        AppRunner runner = new AppRunner(app).accessLog(accessLog);
        runner.setup();
        try {
            BaseSite site = makeSite.apply(runner);
            site.start();
            announce.accept("======== Running on " + site.name() + " ========\n(Press CTRL+C to quit)");
            Asyncio.await(stop);
            return null;
        } finally {
            runner.cleanup();
        }
    }
}
