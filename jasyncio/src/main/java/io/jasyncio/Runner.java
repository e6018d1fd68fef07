package io.jasyncio;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * asyncio's {@code Runner}: runs coroutines in one event loop it owns, then tears it down in asyncio's order
 * (cancel the remaining tasks and wait for them, shut the default executor down, close the loop). Use it in a
 * try-with-resources block. While {@link #run} runs on a thread named "main", Ctrl-C (SIGINT) cancels the main
 * task; a second Ctrl-C ends the JVM as usual.
 *
 * <p>Threading: a runner and its loop belong to the thread that first calls {@link #run}.
 */
public final class Runner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** asyncio's {@code THREAD_JOIN_TIMEOUT}: how long close() waits for the default executor. */
    static final Duration THREAD_JOIN_TIMEOUT = Duration.ofSeconds(300);

    private enum State { CREATED, INITIALIZED, CLOSED }

    private final Boolean debug;
    private final Supplier<EventLoop> loopFactory;
    private State state = State.CREATED;
    private EventLoop loop;
    /** The context every run's task runs in unless given another (asyncio's {@code Runner._context}). */
    private Context context;
    private boolean setEventLoop;
    private int interruptCount;

    private Runner(Boolean debug, Supplier<EventLoop> loopFactory) {
        this.debug = debug;
        this.loopFactory = loopFactory;
    }

    /** A runner with a new default loop. */
    public Runner() {
        this(null, null);
    }

    /** {@return a builder of a runner with asyncio's defaults (no debug override, a new loop)} */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a {@link Runner}: {@code debug} and {@code loopFactory}, as in asyncio. */
    public static final class Builder {
        private Boolean debug;
        private Supplier<EventLoop> loopFactory;

        private Builder() {}

        /**
         * Puts the loop in debug mode (or, with false, out of it).
         *
         * @param debug whether the loop runs in debug mode
         * @return this builder
         */
        public Builder debug(boolean debug) {
            this.debug = debug;
            return this;
        }

        /**
         * Where the loop comes from (for example {@link EventLoop#withVirtualClock}); default a new loop.
         *
         * @param factory makes the runner's loop, on first use
         * @return this builder
         */
        public Builder loopFactory(Supplier<EventLoop> factory) {
            this.loopFactory = factory;
            return this;
        }

        /** {@return the runner; its loop is made on first use} */
        public Runner build() {
            return new Runner(debug, loopFactory);
        }
    }

    /** {@return the runner's loop, created on first use} */
    public EventLoop getLoop() {
        lazyInit();
        return loop;
    }

    /**
     * Runs {@code coro} as a task of the runner's loop until it is done; returns its result. Every run's task
     * runs in the runner's context (a copy of the context current when the runner first ran), so what one run
     * sets in a {@link ContextVar} the next run sees, as asyncio's Runner.
     *
     * @param <T> the result type
     * @param coro the task's code
     * @return {@code coro}'s result
     */
    public <T> T run(Coroutine<T> coro) {
        return run(coro, null);
    }

    /**
     * {@link #run(Coroutine)} with the task running in {@code context} (null: the runner's context).
     *
     * @param <T> the result type
     * @param coro the task's code
     * @param context the context the task runs in (null: the runner's context)
     * @return {@code coro}'s result
     */
    public <T> T run(Coroutine<T> coro, Context context) {
        if (coro == null) throw new NullPointerException("a coroutine was expected, got null");
        if (RunningLoop.getOrNull() != null) {
            throw new IllegalStateException("Runner.run() cannot be called from a running event loop");
        }
        lazyInit();
        Task<T> task = loop.createTask(coro, null, context != null ? context : this.context);
        SigintGuard guard = SigintGuard.install(() -> onSigint(task));
        interruptCount = 0;
        try {
            return loop.runUntilComplete(task);
        } catch (CancelledError e) {
            if (interruptCount > 0 && task.uncancel() == 0) {
                throw new KeyboardInterrupt(e);
            }
            throw e;
        } finally {
            guard.restore();
        }
    }

    /** Called on the signal thread: the first Ctrl-C cancels the main task. */
    private boolean onSigint(Task<?> mainTask) {
        interruptCount++;
        if (interruptCount == 1) {
            loop.callSoonThreadsafe(() -> {
                if (!mainTask.done()) mainTask.cancel();
            });
            return true;
        }
        return false; // the second one goes to the JVM's own handler
    }

    /**
     * Cancels the loop's remaining tasks and waits for them, shuts the default executor down (waiting up to
     * 300 s), and closes the loop. Idempotent.
     */
    @Override
    public void close() {
        if (state != State.INITIALIZED) return;
        try {
            cancelAllTasks(loop);
            loop.runUntilComplete(loop.shutdownDefaultExecutor(THREAD_JOIN_TIMEOUT));
        } finally {
            if (setEventLoop) RunningLoop.setCurrent(null);
            loop.close();
            loop = null;
            state = State.CLOSED;
        }
    }

    private void lazyInit() {
        if (state == State.CLOSED) throw new IllegalStateException("Runner is closed");
        if (state == State.INITIALIZED) return;
        context = Context.copyContext();
        if (loopFactory == null) {
            loop = new EventLoop();
            if (!setEventLoop) {
                RunningLoop.setCurrent(loop);
                setEventLoop = true;
            }
        } else {
            loop = loopFactory.get();
            if (loop == null) throw new IllegalStateException("the loop factory returned null");
        }
        if (debug != null) loop.setDebug(debug);
        state = State.INITIALIZED;
    }

    /** asyncio.runners._cancel_all_tasks: cancel, wait for all, report exceptions other than cancellation. */
    static void cancelAllTasks(EventLoop loop) {
        var toCancel = loop.allTasks();
        if (toCancel.isEmpty()) return;
        for (Task<?> t : toCancel) t.cancel();
        loop.runUntilComplete(() -> {
            for (Task<?> t : toCancel) {
                try {
                    RunningLoop.fiberTask("await").awaitFuture(t);
                } catch (Throwable ignored) {
                    // reported below, as asyncio's gather(..., return_exceptions=True) then loop does
                }
            }
            return null;
        });
        for (Task<?> t : toCancel) {
            if (t.cancelled()) continue;
            Throwable e = t.exception();
            if (e != null) {
                loop.callExceptionHandler(ExceptionContext.builder("unhandled exception during asyncio.run() shutdown")
                        .exception(e).future(t).build());
            }
        }
    }

    /** The SIGINT handler installed while {@link #run} runs on the main thread. */
    static final class SigintGuard {
        private static final SigintGuard NONE = new SigintGuard(null, null);
        private final sun.misc.Signal signal;
        private final sun.misc.SignalHandler previous;

        private SigintGuard(sun.misc.Signal signal, sun.misc.SignalHandler previous) {
            this.signal = signal;
            this.previous = previous;
        }

        /** {@code handler} returns false when the signal should go on to the previous handler. */
        static SigintGuard install(java.util.function.BooleanSupplier handler) {
            if (!"main".equals(Thread.currentThread().getName()) || Boolean.getBoolean("jasyncio.noSigint")) {
                return NONE;
            }
            try {
                sun.misc.Signal sig = new sun.misc.Signal("INT");
                sun.misc.SignalHandler[] prev = new sun.misc.SignalHandler[1];
                prev[0] = sun.misc.Signal.handle(sig, s -> {
                    if (!handler.getAsBoolean() && prev[0] != null) {
                        sun.misc.Signal.handle(sig, prev[0]);
                        prev[0].handle(s);
                    }
                });
                if (prev[0] == sun.misc.SignalHandler.SIG_IGN) {
                    // SIGINT is ignored (a JVM started in the background by a non-interactive shell inherits it
                    // so, and the JVM then installs no handler of ours either): as asyncio, which takes over only
                    // from Python's default handler, leave it ignored.
                    sun.misc.Signal.handle(sig, prev[0]);
                    LOG.log(Level.DEBUG, "SIGINT is ignored in this process: Ctrl-C will not cancel the main task");
                    return NONE;
                }
                return new SigintGuard(sig, prev[0]);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.log(Level.DEBUG, "SIGINT cannot be handled here: " + e.getMessage());
                return NONE;
            }
        }

        void restore() {
            if (signal != null && previous != null) {
                try {
                    sun.misc.Signal.handle(signal, previous);
                } catch (IllegalArgumentException e) {
                    LOG.log(Level.DEBUG, "restoring the SIGINT handler failed: " + e.getMessage());
                }
            }
        }
    }
}
