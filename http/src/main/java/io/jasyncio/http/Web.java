package io.jasyncio.http;

import io.jasyncio.Asyncio;
import io.jasyncio.EventLoop;
import io.jasyncio.Future;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/**
 * aiohttp's {@code web.run_app}: serve an application until the program is stopped.
 *
 * <p>Threading: {@link #runApp} takes the calling thread (it runs its own loop); {@link #serve} runs in a task
 * of a loop already running.
 */
public final class Web {
    private static final System.Logger LOG = System.getLogger("io.jasyncio.http");

    private Web() {}

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
     */
    public static void runApp(Application app, String host, int port) {
        runApp(app, runner -> new TcpSite(runner, host, port));
    }

    /**
     * {@link #runApp(Application, String, int)} on the site {@code site} makes for the runner: an HTTPS
     * {@link TcpSite} or a {@link UnixSite}, for example (aiohttp's {@code run_app(app, ssl_context=...)},
     * {@code run_app(app, path=...)}).
     */
    public static void runApp(Application app, java.util.function.Function<AppRunner, BaseSite> site) {
        Asyncio.run(() -> {
            EventLoop loop = Asyncio.getRunningLoop();
            Future<Void> terminated = loop.createFuture();
            boolean handled = onSigterm(loop, terminated);
            try {
                return serveUntil(app, site, System.out::println, terminated);
            } finally {
                if (handled) loop.removeSignalHandler("SIGTERM");
            }
        });
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
     */
    public static Void serve(Application app, String host, int port, Consumer<String> announce) {
        return serveUntil(app, runner -> new TcpSite(runner, host, port), announce, Asyncio.getRunningLoop().createFuture());
    }

    /** {@link #serve} until {@code stop} is done (returning then) or the task is cancelled. */
    private static Void serveUntil(Application app, java.util.function.Function<AppRunner, BaseSite> makeSite,
            Consumer<String> announce, Future<?> stop) {
        AppRunner runner = new AppRunner(app);
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
