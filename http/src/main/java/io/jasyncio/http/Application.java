package io.jasyncio.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A web application (aiohttp's {@code web.Application}): its {@link Router}, the {@link Middleware}s around
 * it, the largest request body it accepts, hooks run when it starts and when it is cleaned up, and a map for
 * state its handlers share.
 * Serve it with {@link AppRunner} and {@link TcpSite}, or {@link Web#runApp}.
 *
 * <p>Threading: configure it on any one thread before it is served; then it is used on the loop's thread
 * ({@link #state()} is a concurrent map, so other threads may read and write it too).
 */
public final class Application {
    /** aiohttp's default {@code client_max_size}: 1 MiB. */
    public static final int DEFAULT_CLIENT_MAX_SIZE = 1024 * 1024;

    /**
     * Code run when the application starts or is cleaned up; it may await.
     *
     * <p>Threading: called on the loop's thread, in the task calling {@link AppRunner#setup()} or
     * {@link AppRunner#cleanup()}.
     */
    @FunctionalInterface
    public interface Hook {
        void run(Application app) throws Exception;
    }

    private final Router router = new Router();
    private final int clientMaxSize;
    private final List<Hook> onStartup = new ArrayList<>();
    private final List<Hook> onCleanup = new ArrayList<>();
    private final List<Middleware> middlewares = new ArrayList<>();
    /** Route resolution wrapped in the middlewares; made when the application is frozen. */
    private Handler chain;
    private final Map<String, Object> state = new ConcurrentHashMap<>();
    private boolean frozen;

    public Application() {
        this(DEFAULT_CLIENT_MAX_SIZE);
    }

    /** An application accepting request bodies of up to {@code clientMaxSize} bytes (larger ones get a 413). */
    public Application(int clientMaxSize) {
        if (clientMaxSize < 0) throw new IllegalArgumentException("clientMaxSize must be >= 0, got " + clientMaxSize);
        this.clientMaxSize = clientMaxSize;
    }

    public Router router() {
        return router;
    }

    public int clientMaxSize() {
        return clientMaxSize;
    }

    /** Adds a hook run, in order, by {@link AppRunner#setup()} (aiohttp's {@code on_startup}). */
    public Application onStartup(Hook hook) {
        checkNotFrozen();
        onStartup.add(hook);
        return this;
    }

    /** Adds a hook run, in reverse order, by {@link AppRunner#cleanup()} (aiohttp's {@code on_cleanup}). */
    public Application onCleanup(Hook hook) {
        checkNotFrozen();
        onCleanup.add(hook);
        return this;
    }

    /**
     * Adds a middleware (aiohttp's {@code Application(middlewares=[...])}): the first added is the outermost.
     */
    public Application middleware(Middleware m) {
        checkNotFrozen();
        if (m == null) throw new NullPointerException("middleware");
        middlewares.add(m);
        return this;
    }

    /** Values the handlers share (aiohttp's {@code app["key"]}). */
    public Map<String, Object> state() {
        return state;
    }

    private void checkNotFrozen() {
        if (frozen) throw new IllegalStateException("the application has started: add hooks before it is served");
    }

    /** Called once by the runner: no more routes or hooks. */
    void freeze() {
        if (frozen) throw new IllegalStateException("this application is already served by a runner");
        frozen = true;
        router.freeze();
        Handler h = request -> {
            Router.Match m = router.resolve(request.method(), request.path());
            request.setMatchInfo(m.matchInfo());
            return m.handler().handle(request);
        };
        for (int i = middlewares.size() - 1; i >= 0; i--) {
            Middleware mw = middlewares.get(i);
            Handler next = h;
            h = request -> mw.handle(request, next);
        }
        chain = h;
    }

    /** What answers a request: the middlewares around the router (set once the runner has set the app up). */
    Handler chain() {
        return chain;
    }

    List<Hook> startupHooks() {
        return onStartup;
    }

    List<Hook> cleanupHooks() {
        return onCleanup;
    }
}
