package io.jasyncio;

import io.jasyncio.internal.Sneaky;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@code asyncio} module's functions, as static methods: {@code Asyncio.run(() -> main())},
 * {@code Asyncio.sleep(1)}, {@code Asyncio.await(future)}, {@code Asyncio.createTask(() -> work())}, ...
 *
 * <p>Methods that are coroutines in Python ({@link #sleep}, {@link #await}, {@link #toThread}) suspend the
 * calling task and must be called from a task's code; elsewhere they throw {@link IllegalStateException}.
 *
 * <p>Threading: each method works on the event loop running the calling code; {@link #run} and
 * {@link #runCoroutineThreadsafe} are the ways in from outside a loop.
 */
public final class Asyncio {
    private Asyncio() {}

    /** The task whose fiber is this thread (set once, when the fiber starts). */
    private static final ThreadLocal<Task<?>> FIBER_TASK = new ThreadLocal<>();
    /** The loop set with {@link #setEventLoop} for this thread (asyncio's policy-held current loop). */
    private static final ThreadLocal<EventLoop> CURRENT_LOOP = new ThreadLocal<>();

    static void enterFiber(Task<?> task) {
        FIBER_TASK.set(task);
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs {@code main} in a new event loop and returns its result, as {@code asyncio.run(main())}: refuses to
     * run inside a running loop; creates a loop; runs {@code main} as a task; then cancels every task still
     * pending and waits for them, shuts the default executor down, and closes the loop. {@code main}'s
     * exception is rethrown unchanged. Ctrl-C cancels {@code main} and ends with {@link KeyboardInterrupt}.
     */
    public static <T> T run(Coroutine<T> main) {
        // Like asyncio.run(debug=None): the loop keeps its default (-Djasyncio.debug), not forced off.
        return run(main, Runner.builder());
    }

    /** {@link #run(Coroutine)} with the loop in debug mode when {@code debug} is true (and out of it if false). */
    public static <T> T run(Coroutine<T> main, boolean debug) {
        return run(main, Runner.builder().debug(debug));
    }

    private static <T> T run(Coroutine<T> main, Runner.Builder builder) {
        if (runningLoopOrNull() != null) {
            throw new IllegalStateException("asyncio.run() cannot be called from a running event loop");
        }
        try (Runner runner = builder.build()) {
            return runner.run(main);
        }
    }

    // ---------------------------------------------------------------- awaiting

    /**
     * Waits for {@code future} without blocking the loop, and returns its result or throws its exception
     * (unchanged, even when checked). Asyncio's {@code await future}; call it from a task's code.
     */
    public static <T> T await(Future<T> future) {
        return currentFiberTask("await").awaitFuture(future);
    }

    /**
     * Waits for any {@link CompletionStage} (a {@code CompletableFuture}, a JDK {@code HttpClient.sendAsync},
     * ...) without blocking the loop; its completion is delivered on the loop's thread.
     */
    public static <T> T await(CompletionStage<T> stage) {
        Task<?> task = currentFiberTask("await");
        if (stage instanceof CompletableFuture<T> cf && cf.isDone() && !cf.isCancelled()) {
            // A cancelled stage goes the long way below, where it becomes a CancelledError as when pending.
            try {
                return cf.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw Sneaky.rethrow(Future.unwrapCompletion(e));
            }
        }
        return task.awaitFuture(Future.wrap(stage, task.loop));
    }

    /**
     * Runs {@code coro} in the calling task and returns its result: Python's {@code await coro()}. (Calling the
     * coroutine's code directly does the same; this form reads like the Python.)
     */
    public static <T> T await(Coroutine<T> coro) {
        currentFiberTask("await");
        try {
            return coro.call();
        } catch (Exception e) {
            throw Sneaky.rethrow(e);
        }
    }

    /** Suspends the calling task for {@code delay} seconds; {@code sleep(0)} yields to the loop exactly once. */
    public static void sleep(double delay) {
        sleep(delay, null);
    }

    /** Suspends the calling task for {@code delay}. */
    public static void sleep(Duration delay) {
        sleep(delay.toNanos() / 1e9, null);
    }

    /** Suspends the calling task for {@code delay} seconds, then returns {@code result}. */
    public static <T> T sleep(double delay, T result) {
        Task<?> task = currentFiberTask("sleep");
        if (Double.isNaN(delay)) throw new IllegalArgumentException("Invalid delay: NaN (not a number)");
        if (delay <= 0) {
            task.yieldOnce();
            return result;
        }
        EventLoop loop = task.loop;
        Future<T> f = loop.createFuture();
        TimerHandle h = loop.callLater(delay, () -> {
            if (!f.done()) f.setResult(result);
        });
        try {
            return task.awaitFuture(f);
        } finally {
            h.cancel();
        }
    }

    /**
     * Runs blocking {@code fn} on the loop's default executor and waits for it without blocking the loop:
     * {@code asyncio.to_thread}. Cancelling the waiting task does not interrupt {@code fn}.
     */
    public static <T> T toThread(Callable<T> fn) {
        Task<?> task = currentFiberTask("toThread");
        return task.awaitFuture(task.loop.runInExecutor(null, fn));
    }

    // ---------------------------------------------------------------- tasks

    /** Starts {@code coro} as a task of the running loop ({@code asyncio.create_task}). */
    public static <T> Task<T> createTask(Coroutine<T> coro) {
        return getRunningLoop().createTask(coro);
    }

    /** Starts {@code coro} as a named task of the running loop. */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return getRunningLoop().createTask(coro, name);
    }

    /** The task running the calling code, or null ({@code asyncio.current_task()}). */
    public static Task<?> currentTask() {
        return getRunningLoop().currentTask();
    }

    /** The running loop's tasks that are not done ({@code asyncio.all_tasks()}). */
    public static Set<Task<?>> allTasks() {
        return getRunningLoop().allTasks();
    }

    /**
     * Submits {@code coro} to {@code loop} from another thread and returns a {@link CompletableFuture} of its
     * result ({@code asyncio.run_coroutine_threadsafe}). Cancelling it cancels the task.
     */
    public static <T> CompletableFuture<T> runCoroutineThreadsafe(Coroutine<T> coro, EventLoop loop) {
        if (coro == null) throw new NullPointerException("coroutine");
        CompletableFuture<T> result = new CompletableFuture<>() {
            private volatile Task<T> task;
            {
                loop.callSoonThreadsafe(() -> {
                    if (isDone()) return;
                    try {
                        Task<T> t = loop.createTask(coro);
                        task = t;
                        t.addDoneCallback(f -> f.copyTo(this));
                    } catch (Throwable e) {
                        completeExceptionally(e);
                        throw Sneaky.rethrow(e); // and to the loop's exception handler, as asyncio does
                    }
                });
            }

            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                boolean r = super.cancel(mayInterruptIfRunning);
                if (r && !loop.isClosed()) {
                    loop.callSoonThreadsafe(() -> {
                        Task<T> t = task;
                        if (t != null) t.cancel();
                    });
                }
                return r;
            }
        };
        return result;
    }

    /**
     * Wraps any {@link CompletionStage} in a future of the running loop, else of this thread's loop set with
     * {@link #setEventLoop} ({@code asyncio.wrap_future}, which uses {@code get_event_loop()}).
     */
    public static <T> Future<T> wrapFuture(CompletionStage<T> stage) {
        return Future.wrap(stage, getEventLoop());
    }

    // ---------------------------------------------------------------- composition: gather, wait, timeouts, shield

    // ---------------------------------------------------------------- loops

    /** The loop running the calling code; throws if there is none ({@code asyncio.get_running_loop()}). */
    public static EventLoop getRunningLoop() {
        EventLoop l = runningLoopOrNull();
        if (l == null) throw new IllegalStateException("no running event loop");
        return l;
    }

    /**
     * The running loop, else the loop set for this thread with {@link #setEventLoop}; throws if neither
     * exists (Python 3.14 behaviour: no loop is created implicitly).
     */
    public static EventLoop getEventLoop() {
        EventLoop l = runningLoopOrNull();
        if (l != null) return l;
        l = CURRENT_LOOP.get();
        if (l == null) {
            throw new IllegalStateException("There is no current event loop in thread '"
                    + Thread.currentThread().getName() + "'.");
        }
        return l;
    }

    /** Makes {@code loop} this thread's current loop (null clears it). */
    public static void setEventLoop(EventLoop loop) {
        if (loop == null) CURRENT_LOOP.remove();
        else CURRENT_LOOP.set(loop);
    }

    /** A new event loop ({@code asyncio.new_event_loop()}); the caller closes it. */
    public static EventLoop newEventLoop() {
        return new EventLoop();
    }

    static EventLoop runningLoopOrNull() {
        Task<?> t = FIBER_TASK.get();
        if (t != null) return t.loop.isRunning() ? t.loop : null;
        return EventLoop.RUNNING.get();
    }

    private static Task<?> currentFiberTask(String what) {
        Task<?> t = FIBER_TASK.get();
        if (t == null) {
            throw new IllegalStateException(what + "() must be called from a task's code (inside Asyncio.run or "
                    + "loop.createTask), not from thread '" + Thread.currentThread().getName() + "'");
        }
        return t;
    }
}
