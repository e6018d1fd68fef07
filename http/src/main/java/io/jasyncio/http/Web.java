package io.jasyncio.http;

import io.jasyncio.Asyncio;
import java.util.function.Consumer;

/**
 * aiohttp's {@code web.run_app}: serve an application until the program is stopped.
 *
 * <p>Threading: {@link #runApp} takes the calling thread (it runs its own loop); {@link #serve} runs in a task
 * of a loop already running.
 */
public final class Web {
    private Web() {}

    /**
     * Runs a new loop serving {@code app} on {@code host}:{@code port} until Ctrl-C (SIGINT), then shuts it down
     * gracefully and, as {@link Asyncio#run} does after Ctrl-C, throws {@link io.jasyncio.KeyboardInterrupt}
     * (aiohttp's {@code run_app} returns instead). SIGINT is handled only when called on the thread named "main".
     */
    public static void runApp(Application app, String host, int port) {
        Asyncio.run(() -> serve(app, host, port, System.out::println));
    }

    /**
     * Serves {@code app} from the running task until that task is cancelled, then cleans the runner up. Tells
     * {@code announce} the address once it is listening.
     */
    public static Void serve(Application app, String host, int port, Consumer<String> announce) {
        AppRunner runner = new AppRunner(app);
        runner.setup();
        try {
            TcpSite site = new TcpSite(runner, host, port);
            site.start();
            announce.accept("======== Running on " + site.name() + " ========\n(Press CTRL+C to quit)");
            Asyncio.await(Asyncio.getRunningLoop().createFuture());
            return null;
        } finally {
            runner.cleanup();
        }
    }
}
