package io.jasyncio.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A web application (aiohttp's {@code web.Application}): its {@link Router}, the {@link Middleware}s around
 * it, the largest request body it accepts, its signals (hooks run when it starts, shuts down and is cleaned
 * up), sub-applications mounted under a prefix, and a map for state its handlers share.
 *
 * <p><b>Signals</b>, in aiohttp's order. {@link AppRunner#setup()} runs the {@link #cleanupCtx} contexts'
 * starts, then the {@link #onStartup} hooks, in the order they were added (a sub-application's signals run where
 * it was added). {@link AppRunner#cleanup()} stops the sites, closes idle connections, runs the
 * {@link #onShutdown} hooks (while requests under way are still being answered: the place to close long-lived
 * connections such as WebSockets), waits for those requests, then runs the cleanup contexts' ends in reverse
 * and the {@link #onCleanup} hooks in the order they were added. A failing shutdown or cleanup hook does not
 * stop the others; the first failure is thrown at the end with the others suppressed.
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
        /**
         * Runs the hook.
         *
         * @param app the application starting or being cleaned up
         * @throws Exception ends {@link AppRunner#setup()} (or is reported by {@link AppRunner#cleanup()})
         */
        void run(Application app) throws Exception;
    }

    private final Router router = new Router();
    private final int clientMaxSize;
    private final List<Hook> onStartup = new ArrayList<>();
    private final List<Hook> onShutdown = new ArrayList<>();
    private final List<Hook> onCleanup = new ArrayList<>();
    private final List<CleanupContext> cleanupCtx = new ArrayList<>();
    /** What the cleanup contexts' starts returned, ended in reverse at cleanup. */
    private final List<AutoCloseable> entered = new ArrayList<>();
    /** Where a sub-application is mounted ("" for an application served itself); set by addSubapp. */
    private String prefix;
    /** The prefixes of this application and of those above it: what is taken off a path before routing. */
    private String fullPrefix = "";
    private final List<Middleware> middlewares = new ArrayList<>();
    /** Route resolution wrapped in the middlewares; made when the application is frozen. */
    private Handler chain;
    private final Map<String, Object> state = new ConcurrentHashMap<>();
    private boolean frozen;

    /**
     * An application accepting request bodies of up to {@link #DEFAULT_CLIENT_MAX_SIZE} bytes (aiohttp's
     * {@code web.Application()}).
     */
    public Application() {
        this(DEFAULT_CLIENT_MAX_SIZE);
    }

    /**
     * A resource opened when the application starts and closed when it is cleaned up (aiohttp's
     * {@code cleanup_ctx} generator, before and after its {@code yield}): {@link #enter} opens it and returns
     * what closes it.
     *
     * <p>Threading: called on the loop's thread, in the runner's task; it may await.
     */
    @FunctionalInterface
    public interface CleanupContext {
        /**
         * Opens the resource.
         *
         * @param app the application starting
         * @return what closes the resource at cleanup
         * @throws Exception ends {@link AppRunner#setup()}, after the contexts already entered are exited
         */
        AutoCloseable enter(Application app) throws Exception;
    }

    /**
     * An application accepting request bodies of up to {@code clientMaxSize} bytes (larger ones get a 413).
     *
     * @param clientMaxSize the most bytes of a request body, 0 or more
     * @throws IllegalArgumentException if {@code clientMaxSize} is negative
     */
    public Application(int clientMaxSize) {
        if (clientMaxSize < 0) throw new IllegalArgumentException("clientMaxSize must be >= 0, got " + clientMaxSize);
        this.clientMaxSize = clientMaxSize;
        // As aiohttp: the cleanup contexts are the first startup and the first cleanup signal.
        onStartup.add(app -> enterContexts());
        onCleanup.add(app -> exitContexts());
    }

    /** {@return the application's router (aiohttp's {@code app.router})} */
    public Router router() {
        return router;
    }

    /** {@return the most bytes a request body may have (aiohttp's {@code client_max_size})} */
    public int clientMaxSize() {
        return clientMaxSize;
    }

    /**
     * Adds a hook run, in order, by {@link AppRunner#setup()} (aiohttp's {@code on_startup}).
     *
     * @param hook the hook
     * @return this application
     * @throws IllegalStateException once the application has started
     */
    public Application onStartup(Hook hook) {
        checkNotFrozen();
        onStartup.add(hook);
        return this;
    }

    /**
     * Adds a hook run, in order, by {@link AppRunner#cleanup()} once the sites are stopped and before the
     * requests under way are waited for (aiohttp's {@code on_shutdown}).
     *
     * @param hook the hook
     * @return this application
     * @throws IllegalStateException once the application has started
     */
    public Application onShutdown(Hook hook) {
        checkNotFrozen();
        onShutdown.add(java.util.Objects.requireNonNull(hook, "hook"));
        return this;
    }

    /**
     * Adds a hook run, in order, at the end of {@link AppRunner#cleanup()} (aiohttp's {@code on_cleanup}).
     *
     * @param hook the hook
     * @return this application
     * @throws IllegalStateException once the application has started
     */
    public Application onCleanup(Hook hook) {
        checkNotFrozen();
        onCleanup.add(java.util.Objects.requireNonNull(hook, "hook"));
        return this;
    }

    /**
     * Adds a context entered at startup and exited, in reverse, at cleanup (aiohttp's {@code cleanup_ctx}).
     *
     * @param ctx the context
     * @return this application
     * @throws IllegalStateException once the application has started
     */
    public Application cleanupCtx(CleanupContext ctx) {
        checkNotFrozen();
        cleanupCtx.add(java.util.Objects.requireNonNull(ctx, "ctx"));
        return this;
    }

    /**
     * Mounts {@code sub} under {@code prefix} (aiohttp's {@code add_subapp}): a request whose path is the prefix
     * or starts with it and {@code /} is routed by {@code sub}'s router with the prefix taken off (so its route
     * {@code /users} answers {@code /admin/users}), through this application's middlewares and then its own.
     * Its signals run with this application's, at the point it was added. Its named routes build URLs with the
     * prefix. Tried after this application's literal routes, in order with its patterns. The largest request
     * body is the served application's {@code clientMaxSize} (the body is read before routing), as in aiohttp.
     *
     * @param prefix a literal path such as {@code /admin}
     * @param sub the application mounted; neither mounted nor served already
     * @return this application
     * @throws IllegalStateException once the application has started
     * @throws IllegalArgumentException if {@code sub} is this one, already mounted or served, or {@code prefix} is not
     *     a literal path
     */
    public Application addSubapp(String prefix, Application sub) {
        checkNotFrozen();
        if (sub == null) throw new NullPointerException("sub");
        if (sub == this) throw new IllegalArgumentException("an application cannot be its own sub-application");
        if (sub.prefix != null || sub.frozen) throw new IllegalArgumentException("this sub-application is already mounted or served");
        String p = prefix == null ? "" : prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!p.startsWith("/") || p.length() < 2 || p.indexOf('{') >= 0 || p.indexOf('?') >= 0 || p.indexOf('#') >= 0) {
            throw new IllegalArgumentException("a sub-application's prefix is a literal path such as /admin, got " + prefix);
        }
        sub.prefix = p;
        router.addSubapp(p, sub);
        onStartup.add(app -> sub.runHooks(sub.onStartup, false));
        onShutdown.add(app -> sub.runHooks(sub.onShutdown, true));
        onCleanup.add(app -> sub.runHooks(sub.onCleanup, true));
        return this;
    }

    /**
     * Adds a middleware (aiohttp's {@code Application(middlewares=[...])}): the first added is the outermost.
     *
     * @param m the middleware
     * @return this application
     * @throws IllegalStateException once the application has started
     * @throws NullPointerException if {@code m} is null
     */
    public Application middleware(Middleware m) {
        checkNotFrozen();
        if (m == null) throw new NullPointerException("middleware");
        middlewares.add(m);
        return this;
    }

    /**
     * Values the handlers share (aiohttp's {@code app["key"]}).
     *
     * @return the application's state: a map safe for any thread
     */
    public Map<String, Object> state() {
        return state;
    }

    private void checkNotFrozen() {
        if (frozen) throw new IllegalStateException("the application has started: add hooks before it is served");
    }

    /** Called once by the runner: no more routes or hooks. */
    void freeze() {
        if (prefix != null) throw new IllegalStateException("this application is a sub-application: serve the one it is mounted on");
        freeze("");
    }

    private void freeze(String above) {
        if (frozen) throw new IllegalStateException("this application is already served by a runner");
        frozen = true;
        fullPrefix = above + (prefix == null ? "" : prefix);
        router.freeze(fullPrefix);
        for (Application sub : router.subapps()) sub.freeze(fullPrefix);
        int cut = fullPrefix.length();
        Handler h = request -> {
            String path = request.path();
            Router.Match m = router.resolve(request.method(), cut == 0 ? path : path.substring(cut));
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

    /** The on_startup signal (the cleanup contexts' starts first); the first failure is thrown. */
    void startup() throws Exception {
        try {
            runHooks(onStartup, false);
        } catch (Exception | Error e) {
            exitAllContexts(e); // what was opened is closed, as aiohttp does when startup fails
            throw e;
        }
    }

    void shutdown() throws Exception {
        runHooks(onShutdown, true);
    }

    void cleanup() throws Exception {
        runHooks(onCleanup, true);
    }

    /** Runs {@code hooks} in order: up to the first failure, or ({@code all}) every one, the first failure thrown after. */
    private void runHooks(List<Hook> hooks, boolean all) throws Exception {
        Exception first = null;
        for (Hook h : hooks) {
            try {
                h.run(this);
            } catch (io.jasyncio.CancelledError e) {
                if (first != null) e.addSuppressed(first);
                throw e;
            } catch (Exception e) {
                if (!all) throw e;
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }

    /** After a failed startup: the contexts entered here and in the sub-applications, latest first. */
    private void exitAllContexts(Throwable failure) {
        List<Application> subs = new ArrayList<>(router.subapps());
        java.util.Collections.reverse(subs);
        for (Application sub : subs) sub.exitAllContexts(failure);
        try {
            exitContexts();
        } catch (Exception ce) {
            failure.addSuppressed(ce);
        }
    }

    private void enterContexts() throws Exception {
        for (CleanupContext c : cleanupCtx) {
            AutoCloseable exit = c.enter(this);
            entered.add(exit == null ? () -> {} : exit);
        }
    }

    private void exitContexts() throws Exception {
        Exception first = null;
        while (!entered.isEmpty()) {
            try {
                entered.removeLast().close();
            } catch (io.jasyncio.CancelledError e) {
                if (first != null) e.addSuppressed(first);
                throw e;
            } catch (Exception e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
