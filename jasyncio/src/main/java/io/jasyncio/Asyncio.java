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

    // ---------------------------------------------------------------- running

    /**
     * Runs {@code main} in a new event loop and returns its result, as {@code asyncio.run(main())}: refuses to
     * run inside a running loop; creates a loop; runs {@code main} as a task; then cancels every task still
     * pending and waits for them, shuts the default executor down, and closes the loop. {@code main}'s
     * exception is rethrown unchanged. Ctrl-C cancels {@code main} and ends with {@link KeyboardInterrupt}.
     *
     * @param <T> the result type
     * @param main the program's entry coroutine
     * @return {@code main}'s result
     */
    public static <T> T run(Coroutine<T> main) {
        // Like asyncio.run(debug=None): the loop keeps its default (-Djasyncio.debug), not forced off.
        return run(main, Runner.builder());
    }

    /**
     * {@link #run(Coroutine)} with the loop in debug mode when {@code debug} is true (and out of it if false).
     *
     * @param <T> the result type
     * @param main the program's entry coroutine
     * @param debug whether the loop runs in debug mode
     * @return {@code main}'s result
     */
    public static <T> T run(Coroutine<T> main, boolean debug) {
        return run(main, Runner.builder().debug(debug));
    }

    private static <T> T run(Coroutine<T> main, Runner.Builder builder) {
        if (RunningLoop.getOrNull() != null) {
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
     *
     * @param <T> the result type
     * @param future the future to wait for
     * @return the future's result
     */
    public static <T> T await(Future<T> future) {
        return RunningLoop.fiberTask("await").awaitFuture(future);
    }

    /**
     * Waits for any {@link CompletionStage} (a {@code CompletableFuture}, a JDK {@code HttpClient.sendAsync},
     * ...) without blocking the loop; its completion is delivered on the loop's thread.
     *
     * @param <T> the result type
     * @param stage the stage to wait for
     * @return the stage's result
     */
    public static <T> T await(CompletionStage<T> stage) {
        return Awaitables.awaitStage(stage);
    }

    /**
     * Runs {@code coro} in the calling task and returns its result: Python's {@code await coro()}. (Calling the
     * coroutine's code directly does the same; this form reads like the Python.)
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @return {@code coro}'s result
     */
    public static <T> T await(Coroutine<T> coro) {
        RunningLoop.fiberTask("await");
        try {
            return coro.call();
        } catch (Exception e) {
            throw Sneaky.rethrow(e);
        }
    }

    /**
     * Suspends the calling task for {@code delay} seconds; {@code sleep(0)} yields to the loop exactly once.
     *
     * @param delay how long to sleep, in seconds
     */
    public static void sleep(double delay) {
        sleep(delay, null);
    }

    /**
     * Suspends the calling task for {@code delay}.
     *
     * @param delay how long to sleep
     */
    public static void sleep(Duration delay) {
        sleep(delay.toNanos() / 1e9, null);
    }

    /**
     * Suspends the calling task for {@code delay} seconds, then returns {@code result}.
     *
     * @param <T> the result type
     * @param delay how long to sleep, in seconds
     * @param result what to return
     * @return {@code result}
     */
    public static <T> T sleep(double delay, T result) {
        Task<?> task = RunningLoop.fiberTask("sleep");
        if (Double.isNaN(delay)) throw new IllegalArgumentException("Invalid delay: NaN (not a number)");
        if (delay <= 0) {
            task.yieldOnce();
            return result;
        }
        // asyncio awaits a future that a timer completes; here the timer wakes the parked task itself, which
        // behaves the same (a cancellation ends the sleep at once) and saves the future.
        TimerHandle h = task.loop.callLater(delay, task::wakeParked);
        try {
            task.parkUntilWoken();
            return result;
        } finally {
            h.cancel();
        }
    }

    /**
     * Runs blocking {@code fn} on the loop's default executor and waits for it without blocking the loop:
     * {@code asyncio.to_thread}. Cancelling the waiting task does not interrupt {@code fn}.
     *
     * @param <T> the result type
     * @param fn the blocking function
     * @return {@code fn}'s result
     */
    public static <T> T toThread(Callable<T> fn) {
        Task<?> task = RunningLoop.fiberTask("toThread");
        Object[] captured = Context.capture(); // fn sees the task's context variables, as asyncio.to_thread
        Callable<T> body = captured == null ? fn : () -> Context.of(captured).call(fn);
        return task.awaitFuture(task.loop.runInExecutor(null, body));
    }

    // ---------------------------------------------------------------- tasks

    /**
     * Starts {@code coro} as a task of the running loop ({@code asyncio.create_task}).
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @return the task, scheduled
     */
    public static <T> Task<T> createTask(Coroutine<T> coro) {
        return getRunningLoop().createTask(coro);
    }

    /**
     * Starts {@code coro} as a named task of the running loop.
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @param name the task's name (null: {@code Task-N})
     * @return the task, scheduled
     */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return getRunningLoop().createTask(coro, name);
    }

    /**
     * Starts {@code coro} as a task running in {@code context} (null: a copy of the current one).
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @param name the task's name (null: {@code Task-N})
     * @param context the context the task runs in (null: a copy of the current one)
     * @return the task, scheduled
     */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        return getRunningLoop().createTask(coro, name, context);
    }

    /** {@return the task running the calling code, or null ({@code asyncio.current_task()})} */
    public static Task<?> currentTask() {
        return RunningLoop.currentTask();
    }

    /** {@return the running loop's tasks that are not done ({@code asyncio.all_tasks()})} */
    public static Set<Task<?>> allTasks() {
        return getRunningLoop().allTasks();
    }

    /**
     * Submits {@code coro} to {@code loop} from another thread and returns a {@link CompletableFuture} of its
     * result ({@code asyncio.run_coroutine_threadsafe}). Cancelling it cancels the task.
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @param loop the loop to run it on (running on another thread)
     * @return a future of {@code coro}'s result, completed on the loop's thread
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
     *
     * @param <T> the result type
     * @param stage the stage to wait for
     * @return a future of the current loop completed as {@code stage} is
     */
    public static <T> Future<T> wrapFuture(CompletionStage<T> stage) {
        return Future.wrap(stage, getEventLoop());
    }

    /**
     * A future of the running loop that follows {@code source}, a future or task of another loop (see
     * {@link Future#wrap(Future, EventLoop)}): {@code Asyncio.await(Asyncio.wrapFuture(otherLoopsTask))}. The
     * result arrives on this loop's thread; cancelling either side cancels the other. A future of the running
     * loop is returned as it is.
     *
     * @param <T> the result type
     * @param source a future or task of another loop
     * @return a future of the running loop that follows {@code source}, or {@code source} itself
     */
    public static <T> Future<T> wrapFuture(Future<T> source) {
        return Future.wrap(source, getRunningLoop());
    }

    // ---------------------------------------------------------------- composition: gather, wait, timeouts, shield

    /**
     * asyncio's {@code ensure_future(aw)}: a {@link Future} (or {@link Task}) is returned as it is; a
     * {@link Coroutine} becomes a task of the current loop ({@link #getEventLoop()}); a {@code CompletionStage}
     * becomes a task that awaits it. Anything else is refused with an {@link IllegalArgumentException}.
     *
     * @param <T> the result type
     * @param aw a future, a task, a coroutine or a {@code CompletionStage}
     * @return the future
     */
    public static <T> Future<T> ensureFuture(Object aw) {
        return Awaitables.ensureFuture(aw, null);
    }

    /**
     * {@link #ensureFuture(Object)} on {@code loop}: a future of another loop is refused ("The future belongs to a
     * different loop than the one specified as the loop argument").
     *
     * @param <T> the result type
     * @param aw a future, a task, a coroutine or a {@code CompletionStage}
     * @param loop the loop the future must belong to
     * @return the future
     */
    public static <T> Future<T> ensureFuture(Object aw, EventLoop loop) {
        return Awaitables.ensureFuture(aw, loop);
    }

    /**
     * Runs the futures concurrently and returns a future of the list of their results, in argument order
     * ({@code asyncio.gather(*fs)}). The first exception (a cancelled child counts as one raising
     * {@link CancelledError}) becomes the returned future's exception at once; the other children keep running.
     * Cancelling the returned future cancels the children that are not done; it then finishes with a
     * {@code CancelledError} as exception. A future given twice is awaited once and appears twice in the list.
     *
     * @param fs the futures
     * @return a future of the results, in argument order
     */
    public static Future<java.util.List<Object>> gather(Future<?>... fs) {
        return GatheringFuture.gather(java.util.Arrays.asList(fs), false);
    }

    /**
     * {@link #gather(Future[])} of coroutines: each is started as a task of the running loop, in order.
     *
     * @param coros the coroutines
     * @return a future of the results, in argument order
     */
    public static Future<java.util.List<Object>> gather(Coroutine<?>... coros) {
        return GatheringFuture.gather(java.util.Arrays.asList(coros), false);
    }

    /**
     * {@link #gather(Future[])} with asyncio's {@code return_exceptions}: when true, exceptions (and a
     * {@link CancelledError} for each cancelled child) are returned in the list like results.
     *
     * @param returnExceptions whether exceptions are returned in the list instead of failing the future
     * @param fs the futures
     * @return a future of the results (or exceptions), in argument order
     */
    public static Future<java.util.List<Object>> gather(boolean returnExceptions, Future<?>... fs) {
        return GatheringFuture.gather(java.util.Arrays.asList(fs), returnExceptions);
    }

    /**
     * {@link #gather(boolean, Future[])} of coroutines.
     *
     * @param returnExceptions whether exceptions are returned in the list instead of failing the future
     * @param coros the coroutines
     * @return a future of the results (or exceptions), in argument order
     */
    public static Future<java.util.List<Object>> gather(boolean returnExceptions, Coroutine<?>... coros) {
        return GatheringFuture.gather(java.util.Arrays.asList(coros), returnExceptions);
    }

    /**
     * {@code gather()} with nothing to gather: a future (of the current loop) already finished with an empty list.
     *
     * @return a done future of an empty list
     */
    public static Future<java.util.List<Object>> gather() {
        return GatheringFuture.gather(java.util.List.of(), false);
    }

    /**
     * {@code gather(return_exceptions=...)} with nothing to gather: an empty list.
     *
     * @param returnExceptions whether exceptions are returned in the list instead of failing the future
     * @return a done future of an empty list
     */
    public static Future<java.util.List<Object>> gather(boolean returnExceptions) {
        return GatheringFuture.gather(java.util.List.of(), returnExceptions);
    }

    /**
     * The general form of {@link #gather(Future[])}: {@code aws} mixes {@link Future}s and {@link Coroutine}s
     * (anything else is an {@link IllegalArgumentException}).
     *
     * @param aws the futures and coroutines
     * @param returnExceptions whether exceptions are returned in the list instead of failing the future
     * @return a future of the results (or exceptions), in the collection's order
     */
    public static Future<java.util.List<Object>> gather(java.util.Collection<?> aws, boolean returnExceptions) {
        return GatheringFuture.gather(aws, returnExceptions);
    }

    /**
     * A future that completes as {@code inner} does, but whose cancellation (by cancelling it, or the task
     * awaiting it) leaves {@code inner} running ({@code asyncio.shield}). Returns {@code inner} if it is done.
     * Keep a reference to {@code inner} if you want its result after a cancellation.
     *
     * @param <T> the result type
     * @param inner the future to protect from cancellation
     * @return a future that follows {@code inner}, or {@code inner} if it is done
     */
    public static <T> Future<T> shield(Future<T> inner) {
        return Shield.shield(inner);
    }

    /**
     * {@link #shield(Future)} of a coroutine, started as a task of the current loop ({@link #getEventLoop()}).
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @return a future that follows the task
     */
    public static <T> Future<T> shield(Coroutine<T> coro) {
        if (coro == null) throw new NullPointerException("coroutine");
        return Shield.shield(Awaitables.ensureFuture(coro, null));
    }

    /**
     * Suspends the calling task until all the futures are done ({@code asyncio.wait(fs)}); returns the done and
     * pending sets (the futures themselves, never cancelled by wait). Throws {@link IllegalArgumentException}
     * if {@code fs} is empty.
     *
     * @param <F> the futures' type
     * @param fs the futures
     * @return the done and the pending futures
     */
    public static <F extends Future<?>> DoneAndPending<F> wait(Iterable<? extends F> fs) {
        return Waiting.wait(fs, null, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * {@link #wait(Iterable)} until {@code returnWhen} holds.
     *
     * @param <F> the futures' type
     * @param fs the futures
     * @param returnWhen when to return
     * @return the done and the pending futures
     */
    public static <F extends Future<?>> DoneAndPending<F> wait(Iterable<? extends F> fs, ReturnWhen returnWhen) {
        return Waiting.wait(fs, null, returnWhen);
    }

    /**
     * {@link #wait(Iterable)} for at most {@code timeout} seconds (null: no limit); when time is up it returns
     * the sets as they are, without throwing ({@code asyncio.wait(fs, timeout=...)}).
     *
     * @param <F> the futures' type
     * @param fs the futures
     * @param timeout the most seconds to wait (null: no limit)
     * @return the done and the pending futures
     */
    public static <F extends Future<?>> DoneAndPending<F> wait(Iterable<? extends F> fs, Double timeout) {
        return Waiting.wait(fs, timeout, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * {@link #wait(Iterable)} until {@code returnWhen} holds or {@code timeout} seconds (null: no limit) pass.
     *
     * @param <F> the futures' type
     * @param fs the futures
     * @param timeout the most seconds to wait (null: no limit)
     * @param returnWhen when to return
     * @return the done and the pending futures
     */
    public static <F extends Future<?>> DoneAndPending<F> wait(Iterable<? extends F> fs, Double timeout,
                                                              ReturnWhen returnWhen) {
        return Waiting.wait(fs, timeout, returnWhen);
    }

    /**
     * {@link #wait(Iterable, Double, ReturnWhen)} with a {@link Duration}.
     *
     * @param <F> the futures' type
     * @param fs the futures
     * @param timeout the most time to wait (null: no limit)
     * @param returnWhen when to return
     * @return the done and the pending futures
     */
    public static <F extends Future<?>> DoneAndPending<F> wait(Iterable<? extends F> fs, Duration timeout,
                                                              ReturnWhen returnWhen) {
        return Waiting.wait(fs, seconds(timeout), returnWhen);
    }

    /**
     * The futures in the order they finish ({@code asyncio.as_completed(fs)}): iterate the result in a task; each
     * {@code next()} suspends until one more is done and returns it; {@link AsCompleted#awaitables()} is asyncio's
     * plain-iterator form. See {@link AsCompleted}.
     *
     * @param <T> the result type
     * @param fs the futures
     * @return the futures as they finish
     */
    public static <T> AsCompleted<T> asCompleted(Iterable<? extends Future<? extends T>> fs) {
        return new AsCompleted<>(fs, null);
    }

    /**
     * {@link #asCompleted(Iterable)}; once {@code timeout} seconds (null: no limit) pass, {@code next()} throws {@link TimeoutError}.
     *
     * @param <T> the result type
     * @param fs the futures
     * @param timeout the most seconds to wait (null: no limit)
     * @return the futures as they finish
     */
    public static <T> AsCompleted<T> asCompleted(Iterable<? extends Future<? extends T>> fs, Double timeout) {
        return new AsCompleted<>(fs, timeout);
    }

    /**
     * {@link #asCompleted(Iterable, Double)} with a {@link Duration}.
     *
     * @param <T> the result type
     * @param fs the futures
     * @param timeout the most time to wait (null: no limit)
     * @return the futures as they finish
     */
    public static <T> AsCompleted<T> asCompleted(Iterable<? extends Future<? extends T>> fs, Duration timeout) {
        return new AsCompleted<>(fs, seconds(timeout));
    }

    /**
     * Waits for {@code fut} for at most {@code timeout} seconds (null: no limit) and returns its result
     * ({@code asyncio.wait_for}, 3.12+ semantics: {@code async with timeout(t): return await fut}). When time is
     * up, {@code fut} is cancelled, waited for, and {@link TimeoutError} is thrown — unless {@code fut} swallowed
     * the cancellation and returned a value, which is then returned. Cancelling the caller cancels {@code fut}.
     * Wrap {@code fut} in {@link #shield(Future)} to keep it running after a timeout.
     *
     * @param <T> the result type
     * @param fut the future to wait for
     * @param timeout the most seconds to wait (null: no limit)
     * @return {@code fut}'s result
     */
    public static <T> T waitFor(Future<T> fut, Double timeout) {
        return Waiting.waitFor(fut, timeout);
    }

    /**
     * {@link #waitFor(Future, Double)} for a coroutine: it runs in the calling task (as {@code await coro} does
     * since 3.12), under a {@link Timeout}; with a timeout of zero or less it is started as a task and
     * cancelled at once.
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @param timeout the most seconds to wait (null: no limit)
     * @return {@code coro}'s result
     */
    public static <T> T waitFor(Coroutine<T> coro, Double timeout) {
        return Waiting.waitFor(coro, timeout);
    }

    /**
     * {@link #waitFor(Future, Double)} with a {@link Duration}.
     *
     * @param <T> the result type
     * @param fut the future to wait for
     * @param timeout the most time to wait (null: no limit)
     * @return {@code fut}'s result
     */
    public static <T> T waitFor(Future<T> fut, Duration timeout) {
        return Waiting.waitFor(fut, seconds(timeout));
    }

    /**
     * {@link #waitFor(Coroutine, Double)} with a {@link Duration}.
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @param timeout the most time to wait (null: no limit)
     * @return {@code coro}'s result
     */
    public static <T> T waitFor(Coroutine<T> coro, Duration timeout) {
        return Waiting.waitFor(coro, seconds(timeout));
    }

    /**
     * A {@link Timeout} that fires {@code delay} seconds from now (null: never) on the running loop
     * ({@code asyncio.timeout(delay)}); run a block under it with {@link Timeout#run}. (A literal {@code null}
     * needs a cast, {@code (Double) null}, to choose between this and the {@link Duration} form.)
     *
     * @param delay seconds from now to the deadline (null: none)
     * @return the timeout, not yet entered
     */
    public static Timeout timeout(Double delay) {
        return Timeout.after(delay);
    }

    /**
     * {@link #timeout(Double)} with a {@link Duration}.
     *
     * @param delay time from now to the deadline (null: none)
     * @return the timeout, not yet entered
     */
    public static Timeout timeout(Duration delay) {
        return Timeout.after(seconds(delay));
    }

    /**
     * Runs {@code body} in the calling task with a deadline {@code delay} seconds from now (null: none) and
     * returns its value; throws {@link TimeoutError} if the deadline cut it short:
     * {@code async with asyncio.timeout(delay): return await body()}. See {@link Timeout}.
     *
     * @param <T> the result type
     * @param delay seconds from now to the deadline (null: none)
     * @param body the code to run under the deadline
     * @return {@code body}'s result
     */
    public static <T> T timeout(Double delay, Coroutine<T> body) {
        return Timeout.after(delay).run(body);
    }

    /**
     * {@link #timeout(Double, Coroutine)} with a {@link Duration}.
     *
     * @param <T> the result type
     * @param delay time from now to the deadline (null: none)
     * @param body the code to run under the deadline
     * @return {@code body}'s result
     */
    public static <T> T timeout(Duration delay, Coroutine<T> body) {
        return Timeout.after(seconds(delay)).run(body);
    }

    /**
     * A {@link Timeout} that fires at loop time {@code when} (null: never) ({@code asyncio.timeout_at}).
     *
     * @param when the loop time of the deadline, as {@link EventLoop#time()} counts (null: never)
     * @return the timeout, not yet entered
     */
    public static Timeout timeoutAt(Double when) {
        return new Timeout(when);
    }

    /**
     * Runs {@code body} under {@link #timeoutAt(Double)}; see {@link #timeout(Double, Coroutine)}.
     *
     * @param <T> the result type
     * @param when the loop time of the deadline, as {@link EventLoop#time()} counts (null: never)
     * @param body the code to run under the deadline
     * @return {@code body}'s result
     */
    public static <T> T timeoutAt(Double when, Coroutine<T> body) {
        return new Timeout(when).run(body);
    }

    private static Double seconds(Duration d) {
        return d == null ? null : d.toNanos() / 1e9;
    }

    // ---------------------------------------------------------------- loops

    /**
     * {@return the loop running the calling code} Asyncio's {@code get_running_loop()}.
     *
     * @throws IllegalStateException "no running event loop" if the calling code is not run by a loop
     */
    public static EventLoop getRunningLoop() {
        return RunningLoop.get();
    }

    /**
     * The running loop, else the loop set for this thread with {@link #setEventLoop}; no loop is created
     * implicitly (Python 3.14 behaviour).
     *
     * @return the running or the thread's loop
     * @throws IllegalStateException "There is no current event loop in thread ..." if neither exists
     */
    public static EventLoop getEventLoop() {
        return RunningLoop.current();
    }

    /**
     * Makes {@code loop} this thread's current loop (null clears it).
     *
     * @param loop the loop, or null
     */
    public static void setEventLoop(EventLoop loop) {
        RunningLoop.setCurrent(loop);
    }

    /**
     * A new event loop ({@code asyncio.new_event_loop()}); the caller closes it.
     *
     * @return a new loop, not running
     */
    public static EventLoop newEventLoop() {
        return new EventLoop();
    }
}
