package io.jasyncio.http;

import io.jasyncio.EventLoop;
import io.jasyncio.Runner;
import java.util.function.Consumer;

/**
 * Serves an application on a virtual-clock loop that the test's own peer shares (an HTTP/1.1, HTTP/2 or
 * WebSocket client written as a task of the same loop), so timeouts take no real time. For clients outside the
 * loop (the JDK's, another process) see {@link Served}, which serves from a real-clock loop on its own thread.
 *
 * <p>Threading: {@link #serve} runs the loop on the calling thread until {@code body} returns.
 */
public final class ServerTesting {
    private ServerTesting() {}

    /** What runs beside the server, in a task of its loop. */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * @param port the server's port on 127.0.0.1
         * @param runner the server's runner (its stats, its shutdown)
         * @return what {@link #serve} returns
         * @throws Exception a failure of the test, rethrown by {@link #serve}
         */
        T run(int port, AppRunner runner) throws Exception;
    }

    /**
     * {@link #serve(Application, Consumer, Body)} with the runner's defaults.
     *
     * @param app the application served
     * @param body the test's side
     * @param <T> what {@code body} returns
     * @return what {@code body} returned
     */
    public static <T> T serve(Application app, Body<T> body) {
        return serve(app, r -> {}, body);
    }

    /**
     * Serves {@code app} on 127.0.0.1 (cleartext: HTTP/1.1, and h2c by prior knowledge or Upgrade) on a new
     * virtual-clock loop, runs {@code body} in a task of that loop, then shuts the server down.
     *
     * @param app the application served
     * @param configure sets the runner's options before it is set up
     * @param body the test's side
     * @param <T> what {@code body} returns
     * @return what {@code body} returned
     */
    public static <T> T serve(Application app, Consumer<AppRunner> configure, Body<T> body) {
        return serve(app, configure, null, body);
    }

    /**
     * {@link #serve(Application, Consumer, Body)} over HTTPS with {@code tls} (ALPN offering h2 and http/1.1),
     * or cleartext if null.
     *
     * @param app the application served
     * @param configure sets the runner's options before it is set up
     * @param tls the server's TLS options, or null
     * @param body the test's side
     * @param <T> what {@code body} returns
     * @return what {@code body} returned
     */
    public static <T> T serve(Application app, Consumer<AppRunner> configure, io.jasyncio.tls.TlsOptions tls, Body<T> body) {
        try (Runner r = Runner.builder().loopFactory(EventLoop::withVirtualClock).build()) {
            return r.run(() -> {
                try (AppRunner runner = new AppRunner(app)) {
                    configure.accept(runner);
                    runner.setup();
                    TcpSite site = new TcpSite(runner, "127.0.0.1", 0, tls);
                    site.start();
                    return body.run(site.port(), runner);
                }
            });
        }
    }
}
