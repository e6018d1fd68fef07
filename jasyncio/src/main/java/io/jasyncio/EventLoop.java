package io.jasyncio;

import io.jasyncio.internal.Engine;
import io.jasyncio.internal.LiveLoops;
import io.jasyncio.jfr.Events;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * asyncio's event loop ({@code BaseEventLoop} with a selector): a FIFO queue of ready callbacks, a heap of
 * timers, a selector for I/O, and the tasks that run on top. One iteration runs every callback that was ready
 * when it began, as CPython does; timers with equal deadlines run in the order they were scheduled
 * (unless {@link #setScheduleFuzzSeed schedule fuzzing} is on).
 *
 * <p>Threading: a loop runs on the one thread that called {@link #runForever()} or
 * {@link #runUntilComplete}; everything except {@link #callSoonThreadsafe}, {@link #stop()} from a callback,
 * and {@link #isRunning()}/{@link #isClosed()} must be called from that thread (its tasks and callbacks).
 * {@link #callSoonThreadsafe} may be called from any thread and wakes a sleeping loop.
 */
public class EventLoop extends LoopSettings implements AutoCloseable {
    private static final long MAX_SELECT_TIMEOUT_NANOS = TimeUnit.DAYS.toNanos(1);

    /** Ready callbacks: Runnables, or Tasks whose step is due (a task is its own queue entry: no allocation). */
    private ArrayDeque<Object> ready = new ArrayDeque<>();
    /** Above this many entries, a ready queue that has drained is replaced: a burst's array is not kept for ever. */
    private static final int READY_KEEP_CAPACITY = 1 << 12;
    final TimerQueue scheduled = new TimerQueue();
    private long timerSequence;
    private volatile Thread thread;
    private boolean stopping;
    private volatile boolean closed;
    /** The tasks not done yet (all_tasks) and the current task. */
    final LoopTasks tasks = new LoopTasks();

    // The statics stay here, not in LoopSettings: reflection cannot reach a static member of a package-private class

    /**
     * Asyncio's {@code create_eager_task_factory(custom_task_constructor)}: a task factory whose tasks start
     * running inside {@code createTask}, made by {@code constructor} with {@code eagerStart} set (a wrapper that
     * counts, names or instruments tasks, then calls {@code new Task<>(...)}).
     *
     * @param constructor makes each task
     * @return the factory
     */
    public static TaskFactory createEagerTaskFactory(TaskConstructor constructor) {
        return EagerTaskFactory.of(constructor);
    }

    /** Asyncio's {@code eager_task_factory}: tasks start running inside {@code createTask}. */
    public static final TaskFactory EAGER_TASK_FACTORY = EagerTaskFactory.DEFAULT;

    /**
     * The name of the coroutine engine new loops of this JVM use ({@code vthread} or {@code portable}; see
     * docs/ENGINES.md): chosen once per JVM from {@code -Djasyncio.engine} and the JVM's flags. A loop started
     * on a virtual thread runs on {@code portable} whatever this says ({@link #engineName()} tells).
     *
     * <p>Threading: any thread.
     *
     * @return {@code vthread} or {@code portable}
     */
    public static String defaultEngineName() {
        return Engine.get().name();
    }
    /** Reports of exceptions nobody retrieved, made when their futures are collected (or at close). */
    final UnretrievedExceptions unretrieved = new UnretrievedExceptions();
    private final IoWatcher io = new IoWatcher(this, entry -> ready.add(entry));
    /** Callbacks from other threads, and the loop's sleep they interrupt. */
    private final ThreadsafeInbox threadsafe = new ThreadsafeInbox(io);
    /** The real or virtual clock (tests advance a virtual one as if the loop had been busy). */
    final LoopClock clock;
    private final ExecutorBridge executors =
            new ExecutorBridge(this::callSoonThreadsafeInternal, threadsafe.pendingWork);
    private final UnclosedLoopWarning unclosedWarning;

    /** A new loop on the real monotonic clock (asyncio's {@code new_event_loop()}). */
    public EventLoop() {
        this(false);
    }

    private EventLoop(boolean virtualClock) {
        this.clock = new LoopClock(virtualClock);
        io.fuzz(fuzz);
        String name = "<EventLoop@" + Integer.toHexString(System.identityHashCode(this)) + ">";
        this.name = name;
        this.unclosedWarning = new UnclosedLoopWarning(this, name);
        LiveLoops.add(this); // for tools that inspect a running program (jasyncio ps)
        LoopEvents.listen(); // JFR events once a recording starts (LoopSample's hook, the probes), once per JVM
    }

    /** "&lt;EventLoop@hash&gt;": how the loop is named in logs. */
    private final String name;
    /** The newest of the resources this loop owns and closes if still open at close (see {@link LoopResource}). */
    LoopResource owned;

    /**
     * A loop whose clock is virtual: {@link #time()} starts at 0 and, whenever the loop has nothing ready and
     * no work pending on other threads, jumps straight to the next timer. Sleeps and timeouts then take no real
     * time and happen at exact instants, which makes tests of time deterministic (like Trio's MockClock or
     * Kotlin's {@code runTest}). Socket I/O still waits in real time: while sockets are watched, time jumps
     * only after the loop has been idle for 5 ms of real time; while executor jobs or other threads' work are
     * pending, the clock follows real time.
     *
     * @return a new loop with a virtual clock, not running
     */
    public static EventLoop withVirtualClock() {
        return new EventLoop(true);
    }

    // ---------------------------------------------------------------- running and stopping

    /** Runs until {@link #stop()} is called. */
    public void runForever() {
        runForeverSetup();
        try {
            while (true) {
                runOnce();
                if (stopping) break;
            }
        } finally {
            runForeverCleanup();
        }
    }

    /**
     * Runs until {@code future} is done and returns its result (or throws its exception unchanged). A
     * coroutine is wrapped in a task first.
     *
     * @param <T> the result type
     * @param future the future to run until
     * @return the future's result
     */
    public <T> T runUntilComplete(Future<T> future) {
        checkClosed();
        checkRunning();
        if (future.loop != this) {
            throw new IllegalArgumentException("The future belongs to a different loop than the one specified as the loop argument");
        }
        return runUntilDone(future, false);
    }

    /**
     * Wraps {@code coro} in a task and runs until it is done; returns its result.
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @return {@code coro}'s result
     */
    public <T> T runUntilComplete(Coroutine<T> coro) {
        checkClosed();
        checkRunning();
        return runUntilDone(createTask(coro), true);
    }

    private <T> T runUntilDone(Future<T> future, boolean newTask) {
        java.util.function.Consumer<Future<T>> stopper = f -> stop();
        future.addDoneCallback(stopper);
        try {
            runForever();
        } catch (RuntimeException | Error e) {
            if (newTask && future.done() && !future.cancelled()) {
                future.exception(); // the caller cannot reach the task: do not report it as never retrieved
            }
            throw e;
        } finally {
            future.removeDoneCallback(stopper);
        }
        if (!future.done()) {
            throw new IllegalStateException("Event loop stopped before Future completed.");
        }
        return future.result();
    }

    /** Stops the loop after the current iteration; callbacks already scheduled still run. */
    public void stop() {
        stopping = true;
        if (Thread.currentThread() != thread) wakeup();
    }

    /** {@return whether the loop is running} */
    public boolean isRunning() {
        return thread != null;
    }

    /** {@return whether {@link #close()} was called} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the loop: drops pending callbacks and timers, reports tasks still pending and exceptions never
     * retrieved, shuts the default executor down without waiting, and closes every transport, server, pipe and
     * child process of this loop still open, each reported as asyncio's ResourceWarning would ("unclosed
     * transport &lt;...&gt;", a WARNING on the "io.jasyncio" logger; see {@link LoopResource}); a child still
     * running gets SIGTERM, then SIGKILL if it has not ended within a second, and is reaped before this returns.
     * Idempotent; the loop must not be running.
     *
     * <p>Exceptions never retrieved: while the loop runs, each is reported ("Task exception was never
     * retrieved") once the collector finds its task or future unreachable, as CPython does. Those still
     * unreported at close are reported here, whether their futures are still reachable (then with the future
     * in the context) or not: a closed loop runs nothing that could still retrieve them, and a report that
     * waited for a collection that may never come (a short program ends first) would be lost. CPython
     * reports the reachable ones later, if and when they are collected.
     */
    @Override
    public void close() {
        if (isRunning()) throw new IllegalStateException("Cannot close a running event loop");
        if (closed) return;
        if (debug) LOG.log(Level.DEBUG, "Close " + this);
        closed = true;
        unclosedWarning.closed();
        reportLeftovers();
        ready.clear();
        threadsafe.clear();
        scheduled.forEach(h -> h.scheduled = false);
        scheduled.clear();
        if (signalHandlers != null) signalHandlers.removeAll();
        executors.close();
        LoopResource.closeAll(this);
        io.close();
        if (jfrCommitter != null) jfrCommitter.close();
    }

    /**
     * Has {@code resource} closed, silently, when this loop closes, and returns what takes that back (call it
     * once the resource is closed otherwise). A jasyncio addition, with no asyncio counterpart, for resources of
     * the program's own; the library's transports, servers and child processes are owned by their loop
     * anyway (and reported if left open: see {@link LoopResource}). Loop thread only.
     *
     * @param resource what to close with the loop
     * @return what unregisters {@code resource} (idempotent)
     */
    public Runnable closeWithLoop(AutoCloseable resource) {
        checkClosed();
        return LoopResource.closedWith(this, resource);
    }

    /** Reports, deterministically at close, what asyncio reports whenever the garbage collector runs. */
    private void reportLeftovers() {
        for (Task<?> t : tasks.drainPending()) {
            callExceptionHandler(ExceptionContext.builder("Task was destroyed but it is pending!")
                    .future(t).sourceTraceback(t.sourceTraceback()).build());
        }
        unretrieved.reportAll(this);
    }

    private void checkClosed() { if (closed) throw new IllegalStateException("Event loop is closed"); }

    private void checkRunning() {
        if (isRunning()) throw new IllegalStateException("This event loop is already running");
        if (RunningLoop.getOrNull() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running");
        }
    }

    private void runForeverSetup() {
        checkClosed();
        checkRunning();
        Thread t = Thread.currentThread();
        engine = Engine.forLoopThread(engine, t, tasks.any());
        thread = t;
        threadsafe.loopThread = t;
        RunningLoop.set(this);
        LoopWatchdog.sync(this, progress, true);
    }

    private void runForeverCleanup() {
        LoopWatchdog.sync(this, progress, false);
        stopping = false;
        thread = null;
        threadsafe.loopThread = null;
        RunningLoop.set(null);
    }

    // ---------------------------------------------------------------- one iteration

    private void runOnce() {
        if (unretrieved.anyArmed()) unretrieved.reportCollected(this);
        scheduled.purgeCancelled();

        long timeout;
        if (!ready.isEmpty() || stopping || !threadsafe.isEmpty()) {
            timeout = 0;
        } else if (!scheduled.isEmpty()) {
            timeout = Math.min(Math.max(scheduled.peekWhen() - nowNanos(), 0), MAX_SELECT_TIMEOUT_NANOS);
        } else {
            timeout = -1;
        }
        // A collected future's report must not wait for the next timer (UnretrievedExceptions.COLLECTED_POLL_NANOS).
        if (timeout != 0 && !clock.isVirtual() && unretrieved.anyArmed()) timeout = UnretrievedExceptions.pollWithin(timeout);
        poll(timeout);
        threadsafe.drainTo(ready);

        if (!scheduled.isEmpty()) { // read the clock only when a timer may be due: it costs as much as a callback
            long end = nowNanos();
            while (!scheduled.isEmpty() && scheduled.peekWhen() <= end) {
                TimerHandle head = scheduled.poll();
                head.scheduled = false;
                ready.add(head);
            }
        }

        // Run what is ready now; what these callbacks schedule runs next time, after another poll.
        int ntodo = ready.size();
        if (debug) {
            for (int i = 0; i < ntodo; i++) {
                progress.stamp();
                runDebug(ready.poll());
            }
        } else {
            for (int i = 0; i < ntodo; i++) {
                Object o = ready.poll();
                progress.stamp();
                if (o instanceof Task<?> t) t.step();
                else ((Runnable) o).run();
            }
        }
        if (ntodo > READY_KEEP_CAPACITY && ready.isEmpty()) ready = new ArrayDeque<>();
    }

    private void runDebug(Object o) {
        long slowNanos = debugState.run(o);
        if (slowNanos >= 0 && LoopEvents.recorderUp() && Events.slowStepEnabled()) {
            LoopEvents.slowStep(this, o, slowNanos);
        }
    }

    /** Commits this loop's JFR events made on its own thread (see {@link JfrCommitter}); made on first use. */
    private JfrCommitter jfrCommitter;

    JfrCommitter jfrCommitter() {
        if (jfrCommitter == null) jfrCommitter = new JfrCommitter(this);
        return jfrCommitter;
    }

    /** A JFR sample of this loop is queued and has not run yet (see {@link LoopSampler}). */
    volatile boolean samplePending;

    /** Waits for I/O or a wake-up for at most {@code timeoutNanos} (0: just look; -1: no limit). */
    private void poll(long timeoutNanos) {
        if (timeoutNanos == 0) {
            if (io.isOpen()) io.poll(0, false);
        } else if (clock.isVirtual() && timeoutNanos > 0) {
            clock.idle(timeoutNanos, io, threadsafe, ready);
        } else {
            threadsafe.sleep(timeoutNanos, true);
        }
    }

    private void wakeup() { threadsafe.wakeup(); }

    // ---------------------------------------------------------------- time and scheduling

    /** {@return the loop's clock in seconds: monotonic (or virtual), with an arbitrary origin} */
    public double time() {
        return nowNanos() / 1e9;
    }

    /**
     * {@link #time()} in nanoseconds.
     *
     * @return the loop time, in nanoseconds
     */
    public long nanoTime() {
        return nowNanos();
    }

    private long nowNanos() { return clock.nanos(); }

    /**
     * Schedules {@code callback} to run on the next iteration, after the callbacks already scheduled.
     *
     * @param callback the callback
     * @return a handle whose {@code cancel()} unschedules the callback
     */
    public Handle callSoon(Runnable callback) {
        checkClosed(); // asyncio checks the loop before the callback
        if (callback == null) throw new NullPointerException("callback");
        return enqueue(new Handle(this, callback));
    }

    /**
     * {@link #callSoon(Runnable)} with the callback run in {@code context} ({@code call_soon(..., context=)}).
     *
     * @param callback the callback
     * @param context the context the callback runs in (null: a copy of the current one)
     * @return a handle whose {@code cancel()} unschedules the callback
     */
    public Handle callSoon(Runnable callback, Context context) {
        checkClosed();
        if (callback == null) throw new NullPointerException("callback");
        return enqueue(new Handle(this, callback, explicit(context)));
    }

    /** A context given to a scheduling call: null means the current one, as asyncio's {@code context=None}. */
    private static Object explicit(Context context) {
        return context != null ? context : Context.capture();
    }

    /** Schedules a handle built by the caller (a future's done callback is its own handle). */
    Handle callSoon(Handle h) {
        checkClosed();
        return enqueue(h);
    }

    private Handle enqueue(Handle h) {
        if (debug) checkThread();
        if (!threadsafe.isEmpty()) threadsafe.drainTo(ready); // FIFO with callSoonThreadsafe calls made before
        ready.add(h);
        return h;
    }

    /**
     * Like {@link #callSoon}, from any thread: wakes the loop if it is waiting.
     *
     * @param callback the callback
     * @return a handle whose {@code cancel()} unschedules the callback
     */
    public Handle callSoonThreadsafe(Runnable callback) {
        return callSoonThreadsafe(callback, null);
    }

    /**
     * {@link #callSoonThreadsafe(Runnable)} with the callback run in {@code context} (null: a copy of the current one).
     *
     * @param callback the callback
     * @param context the context the callback runs in (null: a copy of the current one)
     * @return a handle whose {@code cancel()} unschedules the callback
     */
    public Handle callSoonThreadsafe(Runnable callback, Context context) {
        checkClosed();
        if (callback == null) throw new NullPointerException("callback");
        Handle h = new Handle(this, callback, explicit(context));
        threadsafe.post(h);
        return h;
    }

    /**
     * Schedules {@code callback} after {@code delay} seconds; its {@link TimerHandle#when()} is {@code time() + delay}.
     *
     * @param delay seconds from now
     * @param callback the callback
     * @return a handle whose {@code cancel()} unschedules the callback; its {@code when()} is the due time
     */
    public TimerHandle callLater(double delay, Runnable callback) {
        return callLaterIn(delay, callback, Context.capture());
    }

    /**
     * {@link #callLater(double, Runnable)} with the callback run in {@code context} (null: a copy of the current one).
     *
     * @param delay seconds from now
     * @param callback the callback
     * @param context the context the callback runs in (null: a copy of the current one)
     * @return a handle whose {@code cancel()} unschedules the callback; its {@code when()} is the due time
     */
    public TimerHandle callLater(double delay, Runnable callback, Context context) {
        return callLaterIn(delay, callback, explicit(context));
    }

    private TimerHandle callLaterIn(double delay, Runnable callback, Object context) {
        long now = nowNanos();
        return callAtNanos(now / 1e9 + delay, now + LoopClock.secondsToNanos(delay, "delay"), callback, context);
    }

    /**
     * Schedules {@code callback} after {@code delay}.
     *
     * @param delay time from now
     * @param callback the callback
     * @return a handle whose {@code cancel()} unschedules the callback; its {@code when()} is the due time
     */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        long now = nowNanos();
        long nanos = delay.toNanos();
        return callAtNanos(now / 1e9 + nanos / 1e9, now + nanos, callback, Context.capture());
    }

    /**
     * Schedules {@code callback} at loop time {@code when} (seconds, as {@link #time()}); the handle's
     * {@link TimerHandle#when()} is exactly {@code when}.
     *
     * @param when the loop time, as {@link #time()}
     * @param callback the callback
     * @return a handle whose {@code cancel()} unschedules the callback; its {@code when()} is the due time
     */
    public TimerHandle callAt(double when, Runnable callback) {
        return callAtNanos(when, LoopClock.secondsToNanos(when, "when"), callback, Context.capture());
    }

    /**
     * {@link #callAt(double, Runnable)} with the callback run in {@code context} (null: a copy of the current one).
     *
     * @param when the loop time, as {@link #time()}
     * @param callback the callback
     * @param context the context the callback runs in (null: a copy of the current one)
     * @return a handle whose {@code cancel()} unschedules the callback; its {@code when()} is the due time
     */
    public TimerHandle callAt(double when, Runnable callback, Context context) {
        return callAtNanos(when, LoopClock.secondsToNanos(when, "when"), callback, explicit(context));
    }

    /** {@code when} is what {@link TimerHandle#when()} returns; {@code whenNanos} orders the timer. */
    private TimerHandle callAtNanos(double when, long whenNanos, Runnable callback, Object context) {
        checkClosed();
        if (callback == null) throw new NullPointerException("callback");
        if (debug) checkThread();
        TimerHandle h = new TimerHandle(this, when, fuzz == null ? timerSequence++ : fuzz.timerTieBreak(), callback, context);
        h.scheduled = true;
        scheduled.add(h, whenNanos);
        return h;
    }

    void timerHandleCancelled(TimerHandle h) { scheduled.noteCancelled(h); }

    /**
     * Debug mode (asyncio's {@code _check_thread}): a scheduling call from a thread other than the loop's
     * fails with asyncio's text; from another thread, use {@link #callSoonThreadsafe}.
     */
    private void checkThread() {
        Thread t = thread;
        if (t != null && Thread.currentThread() != t && tasks.runningFiberTask() == null) {
            throw new IllegalStateException("Non-thread-safe operation invoked on an event loop other than the current one");
        }
    }

    /** Schedules a step of {@code task} (its start, a wake-up, or the turn after a yield). */
    void scheduleStep(Task<?> task) { ready.add(task); }

    /** Runs {@code r} on this iteration's successor, as a ready entry (a blocked fiber's continuation). Loop thread. */
    void scheduleReady(Runnable r) { ready.add(r); }

    /** Takes back a step scheduled by {@link #scheduleStep} that must not run (a rare path: a linear search). */
    void unscheduleStep(Task<?> task) { ready.removeLastOccurrence(task); }

    /** A task created with eager start from inside another task's code, waiting for its first step. */
    Task<?> eagerRequest;

    void callSoonThreadsafeInternal(Runnable r) {
        if (!closed) threadsafe.post(r); // else the loop is gone: nobody is left to receive it
    }

    /** Counts work on another thread that will come back through callSoonThreadsafe (virtual clock only). */
    void expectThreadsafeWakeup() { threadsafe.pendingWork.incrementAndGet(); }
    void threadsafeWakeupArrived() { threadsafe.pendingWork.decrementAndGet(); }

    // ---------------------------------------------------------------- futures and tasks

    /**
     * A new pending future attached to this loop.
     *
     * @param <T> the result type
     * @return a pending future of this loop
     */
    public <T> Future<T> createFuture() {
        return new Future<>(this);
    }

    /**
     * Wraps {@code coro} in a task scheduled to start on this loop (through the task factory, if set).
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @return the task, scheduled
     */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null);
    }

    /**
     * Like {@link #createTask(Coroutine, String)}, with the task running in {@code context} (null: a copy of the
     * current one), as {@code create_task(coro, name=, context=)}; a task factory's task gets it too.
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @param name the task's name (null: {@code Task-N})
     * @param context the context the callback runs in (null: a copy of the current one)
     * @return the task, scheduled
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        if (context == null) return createTask(coro, name);
        return tasks.withContext(coro, context, () -> createTask(coro, name));
    }

    /**
     * Like {@link #createTask(Coroutine)}, with a name.
     *
     * @param <T> the result type
     * @param coro the coroutine
     * @param name the task's name (null: {@code Task-N})
     * @return the task, scheduled
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        checkClosed();
        TaskFactory f = taskFactory;
        if (f == null) return new Task<>(this, coro, name, false);
        @SuppressWarnings("unchecked")
        Task<T> t = (Task<T>) f.create(this, coro, name);
        if (name != null) t.setName(name); // asyncio names the task even if the factory did not
        return t;
    }

    void registerTask(Task<?> t) { tasks.register(t); }
    void unregisterTask(Task<?> t) { tasks.unregister(t); }

    /** {@return the tasks of this loop that are not done yet (asyncio's {@code all_tasks(loop)})} */
    public Set<Task<?>> allTasks() {
        return tasks.alive();
    }

    /** {@return the task whose code is running, or null (asyncio's {@code current_task(loop)})} */
    public Task<?> currentTask() {
        return tasks.current();
    }

    void enterTask(Task<?> t) { tasks.enter(t); }
    void leaveTask(Task<?> t) { tasks.leave(t); }
    Task<?> swapCurrentTask(Task<?> t) { return tasks.swapCurrent(t); }

    /** What the engine's fibers need from this loop (kept off the loop's public API). */
    final LoopFiberHost fiberHost = new LoopFiberHost(this);

    /** How many handles and task steps wait in the ready queue (for the inspection tools). Loop thread. */
    int readyLength() { return ready.size(); }

    /** {@return the thread running this loop, or null when it is not running} */
    public Thread loopThread() {
        return thread;
    }

    @Override
    void fuzzChanged() { io.fuzz(fuzz); }

    /** Whether the loop is waiting in its selector (or parked for a timer or a wake-up): not stalled. */
    boolean isWaitingForEvents() { return threadsafe.isSleeping(); }

    /** "&lt;EventLoop@hash&gt;": the name in logs. */
    String describe() { return name; }

    // ---------------------------------------------------------------- executors

    /**
     * Runs {@code fn} on {@code executor} (null: the default executor, a pool of daemon threads named
     * "asyncio-N", at most min(32, cores + 4)) and returns a future of its result. Cancelling the future
     * keeps a job that has not started from running; it does not interrupt one that has.
     *
     * @param <T> the result type
     * @param executor where to run it (null: the default executor)
     * @param fn the blocking function
     * @return a future of {@code fn}'s result
     */
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        checkClosed();
        return executors.run(executor, fn, createFuture());
    }

    /**
     * Sets the executor {@link #runInExecutor} uses when given null.
     *
     * @param executor the executor
     */
    public void setDefaultExecutor(Executor executor) {
        executors.setDefault(executor);
    }

    /**
     * Shuts the default executor down and returns a future that is done when its threads have finished, or
     * after {@code timeout} (null: no limit), when a warning is logged and the threads are left to finish
     * alone. Asyncio's {@code shutdown_default_executor}; {@link Runner} calls it with 300 seconds.
     *
     * @param timeout how long to wait for the threads (null: no limit)
     * @return a future done when the executor's threads have finished or the timeout passed
     */
    public Future<Void> shutdownDefaultExecutor(Duration timeout) {
        return executors.shutdownDefault(timeout, createFuture());
    }

    // ---------------------------------------------------------------- I/O readiness (add_reader & co)

    /**
     * The selector of this loop, opened on first use (for transports that manage their own keys). Loop thread only.
     *
     * @return the loop's selector
     */
    public Selector selector() {
        checkClosed();
        return io.selector();
    }

    /**
     * Calls {@code callback} whenever {@code channel} is readable (or acceptable) until removed.
     *
     * @param channel the channel, registered with this loop's selector
     * @param callback the callback
     * @return the handle that runs {@code callback}
     */
    public Handle addReader(SelectableChannel channel, Runnable callback) {
        checkClosed();
        return io.add(channel, callback, true);
    }

    /**
     * Calls {@code callback} whenever {@code channel} is writable (or its connect completed) until removed.
     *
     * @param channel the channel, registered with this loop's selector
     * @param callback the callback
     * @return the handle that runs {@code callback}
     */
    public Handle addWriter(SelectableChannel channel, Runnable callback) {
        checkClosed();
        return io.add(channel, callback, false);
    }

    /**
     * Stops watching {@code channel} for reading; true if it was watched.
     *
     * @param channel the channel, registered with this loop's selector
     * @return whether it was watched
     */
    public boolean removeReader(SelectableChannel channel) {
        return io.remove(channel, true);
    }

    /**
     * Stops watching {@code channel} for writing; true if it was watched.
     *
     * @param channel the channel, registered with this loop's selector
     * @return whether it was watched
     */
    public boolean removeWriter(SelectableChannel channel) {
        return io.remove(channel, false);
    }

    // ---------------------------------------------------------------- Unix signals

    /**
     * Runs {@code callback} on this loop whenever the process receives signal {@code sig} ("SIGINT", "SIGTERM",
     * "SIGHUP", ...; asyncio's {@code add_signal_handler}). Replaces an earlier handler of this loop for the
     * same signal. Throws {@link IllegalArgumentException} for a name the loop cannot handle and
     * {@link IllegalStateException} when the JVM refuses the signal.
     *
     * @param sig the signal's name, as {@code "SIGINT"}
     * @param callback what to run on the loop
     */
    public void addSignalHandler(String sig, Runnable callback) {
        checkClosed();
        if (signalHandlers == null) signalHandlers = new SignalHandlers(this);
        signalHandlers.add(sig, callback);
    }

    /**
     * Removes this loop's handler for {@code sig} and restores the previous one; false if there was none.
     *
     * @param sig the signal's name, as {@code "SIGINT"}
     * @return whether there was a handler
     */
    public boolean removeSignalHandler(String sig) {
        SignalHandlers.normalize(sig);
        return signalHandlers != null && signalHandlers.remove(sig);
    }

    private SignalHandlers signalHandlers;

    /** Handler of errors the loop cannot pass to anyone (asyncio's exception handler). */
    @FunctionalInterface
    public interface ExceptionHandler {
        /**
         * Handles one error.
         *
         * @param loop the loop it happened on
         * @param context what happened: a message, maybe an exception, and the objects involved
         */
        void handle(EventLoop loop, ExceptionContext context);
    }

    /**
     * Creates the tasks of {@link #createTask} (asyncio's task factory). It must return a task running
     * {@code coro} on {@code loop}, named {@code name} when that is not null. A context given to
     * {@code createTask} reaches the {@link Task} constructor by itself (the factory need not pass it on).
     *
     * <p>Threading: called on the loop's thread, inside {@code createTask}.
     */
    @FunctionalInterface
    public interface TaskFactory {
        /**
         * Makes one task.
         *
         * @param loop the loop the task runs on
         * @param coro the task's code
         * @param name the task's name, or null for the default
         * @return a task running {@code coro} on {@code loop}
         */
        Task<?> create(EventLoop loop, Coroutine<?> coro, String name);
    }

    /**
     * What {@link #createEagerTaskFactory} calls to make a task: the {@link Task} constructor's parameters
     * ({@code Task::new} is one); {@code context} is the one given to {@code createTask}, or null (then the
     * constructor takes a copy of the current one).
     *
     * <p>Threading: called on the loop's thread, inside {@code createTask}.
     */
    @FunctionalInterface
    public interface TaskConstructor {
        /**
         * Makes one task, as the {@link Task} constructor does.
         *
         * @param loop the loop the task runs on
         * @param coro the task's code
         * @param name the task's name, or null for the default
         * @param eagerStart whether the task starts running inside the constructor
         * @param context the context the task runs in, or null for a copy of the current one
         * @return a task running {@code coro} on {@code loop}
         */
        Task<?> create(EventLoop loop, Coroutine<?> coro, String name, boolean eagerStart, Context context);
    }

    @Override
    public String toString() {
        return "<EventLoop running=" + isRunning() + " closed=" + closed + " debug=" + debug + ">";
    }
}
