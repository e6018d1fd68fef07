package io.jasyncio;

import io.jasyncio.internal.Engine;
import io.jasyncio.internal.FiberHost;
import io.jasyncio.internal.LiveLoops;
import io.jasyncio.jfr.Events;
import java.lang.System.Logger.Level;
import java.lang.ref.Cleaner;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

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
public class EventLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    private static final Cleaner CLEANER = Cleaner.create();
    private static final long MAX_SELECT_TIMEOUT_NANOS = TimeUnit.DAYS.toNanos(1);
    private static final int MIN_SCHEDULED_TIMER_HANDLES = 100;
    private static final long ORIGIN = System.nanoTime();

    /** The loop running on this thread (callbacks run on it); tasks find theirs through {@link Asyncio}. */
    static final ThreadLocal<EventLoop> RUNNING = new ThreadLocal<>();

    /** Ready callbacks: Runnables, or Tasks whose step is due (a task is its own queue entry: no allocation). */
    private ArrayDeque<Object> ready = new ArrayDeque<>();
    /** Above this many entries, a ready queue that has drained is replaced: a burst's array is not kept for ever. */
    private static final int READY_KEEP_CAPACITY = 1 << 12;
    private final TimerQueue scheduled = new TimerQueue();
    private final ConcurrentLinkedQueue<Runnable> threadsafe = new ConcurrentLinkedQueue<>();
    private long timerSequence;
    private int timerCancelledCount;
    private volatile boolean sleeping;
    private volatile Thread thread;
    private boolean stopping;
    private volatile boolean closed;
    boolean debug;
    private double slowCallbackDuration = 0.1;
    private Task<?> currentTask;
    private Handle currentHandle;
    private Task<?> liveHead;
    private TaskFactory taskFactory;
    private ExceptionHandler exceptionHandler;
    private Executor defaultExecutor;
    private boolean executorShutdownCalled;
    /** Reports of exceptions nobody retrieved, made when their futures are collected (or at close). */
    final UnretrievedExceptions unretrieved = new UnretrievedExceptions();
    private Engine engine;
    private final IoWatcher io = new IoWatcher(this, entry -> ready.add(entry));
    /** Virtual clock: null for real time; else the current virtual time in nanoseconds. */
    private final long[] virtualNow;
    /** Work on other threads that will call back through callSoonThreadsafe (executor jobs, wrapped stages). */
    private final AtomicInteger pendingThreadsafeWork = new AtomicInteger();
    private final Cleaner.Cleanable unclosedWarning;

    /** A new loop on the real monotonic clock (asyncio's {@code new_event_loop()}). */
    public EventLoop() {
        this(false);
    }

    private EventLoop(boolean virtualClock) {
        this.virtualNow = virtualClock ? new long[1] : null;
        this.debug = Boolean.getBoolean("jasyncio.debug");
        this.watchdogNanos = LoopWatchdog.DEFAULT_THRESHOLD_NANOS;
        this.fuzz = ScheduleFuzz.fromSystemProperty();
        io.fuzz(fuzz);
        String name = toStringAtCreation();
        this.name = name;
        ClosedFlag flag = new ClosedFlag();
        this.closedFlag = flag;
        this.unclosedWarning = CLEANER.register(this, () -> {
            if (!flag.closed) LOG.log(Level.WARNING, "unclosed event loop " + name);
        });
        LiveLoops.add(this); // for tools that inspect a running program (jasyncio ps)
        LoopEvents.listen(); // JFR events once a recording starts (LoopSample's hook, the probes), once per JVM
    }

    private final ClosedFlag closedFlag;
    /** "&lt;EventLoop@hash&gt;": how the loop is named in logs. */
    private final String name;
    /** The newest of the resources this loop owns and closes if still open at close (see {@link LoopResource}). */
    LoopResource owned;

    private static final class ClosedFlag {
        volatile boolean closed;
    }

    /**
     * A loop whose clock is virtual: {@link #time()} starts at 0 and, whenever the loop has nothing ready and
     * no work pending on other threads, jumps straight to the next timer. Sleeps and timeouts then take no real
     * time and happen at exact instants, which makes tests of time deterministic (like Trio's MockClock or
     * Kotlin's {@code runTest}). Socket I/O still waits in real time: while sockets are watched, time jumps
     * only after the loop has been idle for 5 ms of real time; while executor jobs or other threads' work are
     * pending, the clock follows real time.
     */
    public static EventLoop withVirtualClock() {
        return new EventLoop(true);
    }

    private String toStringAtCreation() {
        return "<EventLoop@" + Integer.toHexString(System.identityHashCode(this)) + ">";
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
     */
    public <T> T runUntilComplete(Future<T> future) {
        checkClosed();
        checkRunning();
        if (future.loop != this) {
            throw new IllegalArgumentException("The future belongs to a different loop than the one specified as the loop argument");
        }
        return runUntilDone(future, false);
    }

    /** Wraps {@code coro} in a task and runs until it is done; returns its result. */
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

    /** Whether the loop is running. */
    public boolean isRunning() {
        return thread != null;
    }

    /** Whether {@link #close()} was called. */
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
        closedFlag.closed = true;
        unclosedWarning.clean();
        reportLeftovers();
        ready.clear();
        threadsafe.clear();
        scheduled.forEach(h -> h.scheduled = false);
        scheduled.clear();
        if (signalHandlers != null) signalHandlers.removeAll();
        executorShutdownCalled = true;
        Executor ex = defaultExecutor;
        defaultExecutor = null;
        if (ex instanceof ExecutorService es) es.shutdown();
        LoopResource.closeAll(this);
        io.close();
        if (jfrCommitter != null) jfrCommitter.close();
    }

    /**
     * Has {@code resource} closed, silently, when this loop closes, and returns what takes that back (call it
     * once the resource is closed otherwise). A jasyncio addition, with no asyncio counterpart, for resources of
     * the program's own; the library's transports, servers and child processes are owned by their loop
     * anyway (and reported if left open: see {@link LoopResource}). Loop thread only.
     */
    public Runnable closeWithLoop(AutoCloseable resource) {
        checkClosed();
        java.util.Objects.requireNonNull(resource, "resource");
        LoopResource owned = new LoopResource() {
            @Override
            protected String closeAbandoned() {
                try {
                    resource.close();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "closing " + resource + " with its event loop failed", e);
                }
                return null;
            }
        };
        owned.own(this);
        return () -> owned.disown(this);
    }

    /** Reports, deterministically at close, what asyncio reports whenever the garbage collector runs. */
    private void reportLeftovers() {
        for (Task<?> t = liveHead; t != null; t = t.nextLive) {
            if (!t.done()) {
                callExceptionHandler(ExceptionContext.builder("Task was destroyed but it is pending!")
                        .future(t).sourceTraceback(t.sourceTraceback()).build());
            }
        }
        liveHead = null;
        unretrieved.reportAll(this);
    }

    private void checkClosed() {
        if (closed) throw new IllegalStateException("Event loop is closed");
    }

    private void checkRunning() {
        if (isRunning()) throw new IllegalStateException("This event loop is already running");
        if (Asyncio.runningLoopOrNull() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running");
        }
    }

    private void runForeverSetup() {
        checkClosed();
        checkRunning();
        Thread t = Thread.currentThread();
        if (engine == null) {
            // The loop-scheduled engine needs a platform thread to carry its virtual threads.
            engine = t.isVirtual() ? Engine.portable() : Engine.get();
        } else if (t.isVirtual() && engine != Engine.portable() && liveHead != null) {
            throw new IllegalStateException("this loop's tasks run on the " + engine.name()
                    + " engine, which needs a platform thread; it cannot now run on virtual thread " + t);
        }
        thread = t;
        RUNNING.set(this);
        if (watchdogNanos > 0) {
            watched = true;
            LoopWatchdog.watch(this);
        }
    }

    private void runForeverCleanup() {
        if (watched) {
            watched = false;
            LoopWatchdog.unwatch(this);
        }
        stopping = false;
        thread = null;
        RUNNING.remove();
    }

    // ---------------------------------------------------------------- one iteration

    private void runOnce() {
        if (unretrieved.anyArmed()) unretrieved.reportCollected(this);
        purgeCancelledTimers();

        long timeout;
        if (!ready.isEmpty() || stopping || !threadsafe.isEmpty()) {
            timeout = 0;
        } else if (!scheduled.isEmpty()) {
            timeout = Math.min(Math.max(scheduled.peekWhen() - nowNanos(), 0), MAX_SELECT_TIMEOUT_NANOS);
        } else {
            timeout = -1;
        }
        // A collected future's report must not wait for the next timer (UnretrievedExceptions.COLLECTED_POLL_NANOS).
        if (timeout != 0 && virtualNow == null && unretrieved.anyArmed()) timeout = UnretrievedExceptions.pollWithin(timeout);
        poll(timeout);
        drainThreadsafe();

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
                stampProgress();
                runDebug(ready.poll());
            }
        } else {
            for (int i = 0; i < ntodo; i++) {
                Object o = ready.poll();
                stampProgress();
                if (o instanceof Task<?> t) t.step();
                else ((Runnable) o).run();
            }
        }
        if (ntodo > READY_KEEP_CAPACITY && ready.isEmpty()) ready = new ArrayDeque<>();
    }

    private void runDebug(Object o) {
        currentHandle = o instanceof Handle h ? h : null;
        long t0 = System.nanoTime();
        try {
            if (o instanceof Task<?> t) t.step();
            else ((Runnable) o).run();
        } finally {
            currentHandle = null;
        }
        long nanos = System.nanoTime() - t0;
        double dt = nanos / 1e9;
        if (dt >= slowCallbackDuration) {
            LOG.log(Level.WARNING, String.format("Executing %s took %.3f seconds", o, dt));
            if (LoopEvents.recorderUp() && Events.slowStepEnabled()) LoopEvents.slowStep(this, o, nanos);
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

    private void purgeCancelledTimers() {
        int n = scheduled.size();
        if (n > MIN_SCHEDULED_TIMER_HANDLES && timerCancelledCount * 2 > n) {
            scheduled.removeCancelled();
            timerCancelledCount = 0;
        } else {
            TimerHandle h;
            while ((h = scheduled.peek()) != null && h.cancelled) {
                timerCancelledCount--;
                scheduled.poll();
                h.scheduled = false;
            }
        }
    }

    private void drainThreadsafe() {
        Runnable r;
        while ((r = threadsafe.poll()) != null) ready.add(r);
    }

    /** Waits for I/O or a wake-up for at most {@code timeoutNanos} (0: just look; -1: no limit). */
    private void poll(long timeoutNanos) {
        if (timeoutNanos == 0) {
            if (io.isOpen()) io.poll(0);
        } else if (virtualNow != null && timeoutNanos > 0) {
            pollVirtual(timeoutNanos);
        } else {
            waitReal(timeoutNanos);
        }
    }

    /**
     * The virtual clock's idle step: with nothing else going on, time jumps straight to the next timer. While
     * sockets are watched, the loop first waits up to {@link #AUTOJUMP_IDLE_NANOS} of real time for them (as
     * Trio's MockClock autojump threshold), so that I/O already under way is not overtaken by a jump; while
     * work on other threads is pending, the clock follows real time.
     */
    private void pollVirtual(long timeoutNanos) {
        boolean ioWatched = io.watchesAny();
        boolean othersWorking = pendingThreadsafeWork.get() > 0;
        if (!ioWatched && !othersWorking) {
            virtualNow[0] += timeoutNanos;
            if (io.isOpen()) io.poll(0);
            return;
        }
        long budget = othersWorking ? timeoutNanos : Math.min(timeoutNanos, AUTOJUMP_IDLE_NANOS);
        long t0 = System.nanoTime();
        waitReal(budget);
        long elapsed = Math.min(System.nanoTime() - t0, timeoutNanos);
        boolean somethingHappened = !ready.isEmpty() || !threadsafe.isEmpty();
        virtualNow[0] += somethingHappened || othersWorking ? elapsed : timeoutNanos;
    }

    /** How long a virtual-clock loop watching sockets stays idle in real time before time jumps. */
    private static final long AUTOJUMP_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** Blocks for I/O or a wake-up, at most {@code timeoutNanos} (-1: no limit). */
    private void waitReal(long timeoutNanos) {
        sleeping = true;
        try {
            if (!threadsafe.isEmpty()) return;
            if (io.isOpen()) {
                io.poll(timeoutNanos);
            } else if (timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, timeoutNanos);
            }
        } finally {
            sleeping = false;
        }
    }

    private void wakeup() {
        if (sleeping) {
            sleeping = false;
            Thread t = thread;
            if (t != null) LockSupport.unpark(t);
            io.wakeup();
        }
    }

    // ---------------------------------------------------------------- time and scheduling

    /** The loop's clock in seconds: monotonic (or virtual), with an arbitrary origin. */
    public double time() {
        return nowNanos() / 1e9;
    }

    /** {@link #time()} in nanoseconds. */
    public long nanoTime() {
        return nowNanos();
    }

    private long nowNanos() {
        return virtualNow != null ? virtualNow[0] : System.nanoTime() - ORIGIN;
    }

    /** Schedules {@code callback} to run on the next iteration, after the callbacks already scheduled. */
    public Handle callSoon(Runnable callback) {
        checkClosed(); // asyncio checks the loop before the callback
        if (callback == null) throw new NullPointerException("callback");
        return enqueue(new Handle(this, callback));
    }

    /** {@link #callSoon(Runnable)} with the callback run in {@code context} ({@code call_soon(..., context=)}). */
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
        if (!threadsafe.isEmpty()) drainThreadsafe(); // FIFO with callSoonThreadsafe calls made before
        ready.add(h);
        return h;
    }

    /** Like {@link #callSoon}, from any thread: wakes the loop if it is waiting. */
    public Handle callSoonThreadsafe(Runnable callback) {
        return callSoonThreadsafe(callback, null);
    }

    /** {@link #callSoonThreadsafe(Runnable)} with the callback run in {@code context} (null: a copy of the current one). */
    public Handle callSoonThreadsafe(Runnable callback, Context context) {
        checkClosed();
        if (callback == null) throw new NullPointerException("callback");
        Handle h = new Handle(this, callback, explicit(context));
        threadsafe.add(h);
        wakeup();
        return h;
    }

    /** Schedules {@code callback} after {@code delay} seconds; its {@link TimerHandle#when()} is {@code time() + delay}. */
    public TimerHandle callLater(double delay, Runnable callback) {
        return callLaterIn(delay, callback, Context.capture());
    }

    /** {@link #callLater(double, Runnable)} with the callback run in {@code context} (null: a copy of the current one). */
    public TimerHandle callLater(double delay, Runnable callback, Context context) {
        return callLaterIn(delay, callback, explicit(context));
    }

    private TimerHandle callLaterIn(double delay, Runnable callback, Object context) {
        long now = nowNanos();
        return callAtNanos(now / 1e9 + delay, now + secondsToNanos(delay, "delay"), callback, context);
    }

    /** Schedules {@code callback} after {@code delay}. */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        long now = nowNanos();
        long nanos = delay.toNanos();
        return callAtNanos(now / 1e9 + nanos / 1e9, now + nanos, callback, Context.capture());
    }

    /**
     * Schedules {@code callback} at loop time {@code when} (seconds, as {@link #time()}); the handle's
     * {@link TimerHandle#when()} is exactly {@code when}.
     */
    public TimerHandle callAt(double when, Runnable callback) {
        return callAtNanos(when, secondsToNanos(when, "when"), callback, Context.capture());
    }

    /** {@link #callAt(double, Runnable)} with the callback run in {@code context} (null: a copy of the current one). */
    public TimerHandle callAt(double when, Runnable callback, Context context) {
        return callAtNanos(when, secondsToNanos(when, "when"), callback, explicit(context));
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

    private static long secondsToNanos(double s, String what) {
        if (Double.isNaN(s)) throw new IllegalArgumentException(what + " must not be NaN");
        if (s >= 9.2e9) return Long.MAX_VALUE / 2;
        if (s <= -9.2e9) return Long.MIN_VALUE / 2;
        return (long) (s * 1e9);
    }

    void timerHandleCancelled(TimerHandle h) {
        if (h.scheduled) timerCancelledCount++;
    }

    /**
     * Debug mode (asyncio's {@code _check_thread}): a scheduling call from a thread other than the loop's
     * fails with asyncio's text; from another thread, use {@link #callSoonThreadsafe}.
     */
    private void checkThread() {
        Thread t = thread;
        if (t != null && Thread.currentThread() != t && runningFiberTask() == null) {
            throw new IllegalStateException("Non-thread-safe operation invoked on an event loop other than the current one");
        }
    }

    /** Schedules a step of {@code task} (its start, a wake-up, or the turn after a yield). */
    void scheduleStep(Task<?> task) {
        ready.add(task);
    }

    /** Takes back a step scheduled by {@link #scheduleStep} that must not run (a rare path: a linear search). */
    void unscheduleStep(Task<?> task) {
        ready.removeLastOccurrence(task);
    }

    /** A task created with eager start from inside another task's code, waiting for its first step. */
    Task<?> eagerRequest;

    void callSoonThreadsafeInternal(Runnable r) {
        if (closed) return; // the loop is gone: nobody is left to receive it
        threadsafe.add(r);
        wakeup();
    }

    /** Counts work on another thread that will come back through callSoonThreadsafe (virtual clock only). */
    void expectThreadsafeWakeup() {
        pendingThreadsafeWork.incrementAndGet();
    }

    void threadsafeWakeupArrived() {
        pendingThreadsafeWork.decrementAndGet();
    }

    // ---------------------------------------------------------------- futures and tasks

    /** The next task number of this loop's block, and the end of the block (see {@link Task#takeNumberBlock}). */
    private int taskNumberNext, taskNumberEnd;

    /**
     * A task number no other task of this JVM has; a loop's numbers increase (consecutive within a block). Called
     * by the thread making the task: the loop's, or the one that will run it.
     */
    int nextTaskNumber() {
        if (taskNumberNext == taskNumberEnd) {
            taskNumberNext = Task.takeNumberBlock();
            taskNumberEnd = taskNumberNext + Task.NUMBER_BLOCK;
        }
        return taskNumberNext++;
    }

    /** A new pending future attached to this loop. */
    public <T> Future<T> createFuture() {
        return new Future<>(this);
    }

    /** Wraps {@code coro} in a task scheduled to start on this loop (through the task factory, if set). */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null);
    }

    /**
     * Like {@link #createTask(Coroutine, String)}, with the task running in {@code context} (null: a copy of the
     * current one), as {@code create_task(coro, name=, context=)}; a task factory's task gets it too.
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        if (context == null) return createTask(coro, name);
        Context prev = pendingTaskContext;
        Coroutine<?> prevCoro = pendingTaskCoro;
        pendingTaskContext = context;
        pendingTaskCoro = coro;
        try {
            return createTask(coro, name);
        } finally {
            pendingTaskContext = prev;
            pendingTaskCoro = prevCoro;
        }
    }

    /**
     * The context {@link #createTask(Coroutine, String, Context)} hands to the task of {@link #pendingTaskCoro}
     * (through a task factory, which may build other tasks first), or null.
     */
    private Context pendingTaskContext;
    private Coroutine<?> pendingTaskCoro;

    /** The context createTask was given for a task of {@code coro}, taken once; null if none. */
    Context takeTaskContext(Coroutine<?> coro) {
        if (pendingTaskCoro != coro || coro == null) return null;
        Context c = pendingTaskContext;
        pendingTaskContext = null;
        pendingTaskCoro = null;
        return c;
    }

    /** The context createTask was given for a task of {@code coro}, left for its constructor; null if none. */
    Context peekTaskContext(Coroutine<?> coro) {
        return pendingTaskCoro == coro ? pendingTaskContext : null;
    }

    /** Like {@link #createTask(Coroutine)}, with a name. */
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        checkClosed();
        TaskFactory f = taskFactory;
        if (f == null) return new Task<>(this, coro, name, false);
        @SuppressWarnings("unchecked")
        Task<T> t = (Task<T>) f.create(this, coro, name);
        if (name != null) t.setName(name); // asyncio names the task even if the factory did not
        return t;
    }

    /** Sets the factory {@link #createTask} uses; null restores the default. */
    public void setTaskFactory(TaskFactory factory) {
        this.taskFactory = factory;
    }

    /** The task factory, or null for the default. */
    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

    void registerTask(Task<?> t) {
        t.nextLive = liveHead;
        if (liveHead != null) liveHead.prevLive = t;
        liveHead = t;
    }

    void unregisterTask(Task<?> t) {
        if (t.prevLive == null && liveHead != t) return; // not in the list
        if (t.prevLive != null) t.prevLive.nextLive = t.nextLive;
        else liveHead = t.nextLive;
        if (t.nextLive != null) t.nextLive.prevLive = t.prevLive;
        t.prevLive = t.nextLive = null;
    }

    /** The tasks of this loop that are not done yet (asyncio's {@code all_tasks(loop)}). */
    public Set<Task<?>> allTasks() {
        Set<Task<?>> s = new LinkedHashSet<>();
        for (Task<?> t = liveHead; t != null; t = t.nextLive) {
            if (!t.done()) s.add(t);
        }
        return s;
    }

    /** How many tasks {@link #allTasks()} would return, counted without building the set. Loop thread. */
    int countTasksAlive() {
        int n = 0;
        for (Task<?> t = liveHead; t != null; t = t.nextLive) if (!t.done()) n++;
        return n;
    }

    /** The task whose code is running, or null (asyncio's {@code current_task(loop)}). */
    public Task<?> currentTask() {
        return currentTask;
    }

    void enterTask(Task<?> t) {
        if (currentTask != null) {
            throw new IllegalStateException("Cannot enter into task " + t + " while another task " + currentTask
                    + " is being executed.");
        }
        currentTask = t;
    }

    void leaveTask(Task<?> t) {
        if (currentTask != t) {
            throw new IllegalStateException("Leaving task " + t + " does not match the current task " + currentTask + ".");
        }
        currentTask = null;
        if (t.done()) unregisterTask(t);
    }

    Task<?> swapCurrentTask(Task<?> t) {
        Task<?> prev = currentTask;
        currentTask = t;
        return prev;
    }

    /** The task whose fiber is the calling thread, or null (from a callback, or another thread). */
    Task<?> runningFiberTask() {
        Task<?> t = currentTask;
        return t != null && t.fiber() != null && t.fiber().thread() == Thread.currentThread() ? t : null;
    }

    Engine engine() {
        if (engine == null) engine = Engine.get();
        return engine;
    }

    /** The name of the coroutine engine running this loop's tasks: {@code vthread} or {@code portable}. */
    public String engineName() {
        return engine().name();
    }

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

    /** What the engine's fibers need from this loop (kept off the loop's public API). */
    final FiberHost fiberHost = new FiberHost() {
        @Override
        public void resumeBlocked(Object owner, Runnable continuation) {
            Task<?> task = (Task<?>) owner;
            Runnable r = () -> task.runBlockedContinuation(continuation);
            if (Thread.currentThread() == thread || runningFiberTask() != null) {
                ready.add(r);
            } else {
                callSoonThreadsafeInternal(r);
            }
        }

        @Override
        public Thread loopThread() {
            return thread;
        }

        @Override
        public void fiberEscaped(Object owner, Throwable e) {
            ((Task<?>) owner).fiberEscaped(e);
        }
    };

    /** How many handles and task steps wait in the ready queue (for the inspection tools). Loop thread. */
    int readyLength() {
        return ready.size();
    }

    /** The thread running this loop, or null when it is not running. */
    public Thread loopThread() {
        return thread;
    }

    /** Debug mode's record of the places tasks were switched out inside a JDK call; made on first use. */
    private ImplicitAwaits implicitAwaits;

    ImplicitAwaits implicitAwaits() {
        if (implicitAwaits == null) implicitAwaits = new ImplicitAwaits();
        return implicitAwaits;
    }

    /** Where futures created in debug mode were created: kept here, weakly, so a future has no field for it. */
    private java.util.Map<Future<?>, Throwable> sourceTracebacks;

    void recordSourceTraceback(Future<?> f, Throwable where) {
        if (sourceTracebacks == null) sourceTracebacks = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());
        sourceTracebacks.put(f, where);
    }

    Throwable sourceTracebackOf(Future<?> f) {
        java.util.Map<Future<?>, Throwable> m = sourceTracebacks;
        return m == null ? null : m.get(f);
    }

    // ---------------------------------------------------------------- errors and debug

    /** Sets the handler called with unhandled errors; null restores the default (which logs). */
    public void setExceptionHandler(ExceptionHandler handler) {
        this.exceptionHandler = handler;
    }

    /** The exception handler, or null for the default. */
    public ExceptionHandler getExceptionHandler() {
        return exceptionHandler;
    }

    /** The default handler: logs the message, the exception and the context at ERROR on logger "io.jasyncio". */
    public void defaultExceptionHandler(ExceptionContext context) {
        StringBuilder sb = new StringBuilder(context.message() == null ? "Unhandled error in event loop" : context.message());
        if (context.future() != null) sb.append("\n").append(context.task() != null ? "task: " : "future: ").append(context.future());
        if (context.handle() != null) sb.append("\nhandle: ").append(context.handle());
        context.extra().forEach((k, v) -> sb.append("\n").append(k).append(": ").append(v));
        if (context.sourceTraceback() != null) {
            sb.append("\ncreated at: ").append(Task.firstUserFrame(context.sourceTraceback()));
        }
        LOG.log(Level.ERROR, sb.toString(), context.exception());
    }

    /** Calls the exception handler (or the default); a failing handler is logged, never propagated. */
    public void callExceptionHandler(ExceptionContext context) {
        ExceptionHandler h = exceptionHandler;
        if (h == null) {
            try {
                defaultExceptionHandler(context);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "Exception in default exception handler", e);
            }
            return;
        }
        try {
            h.handle(this, context);
        } catch (RuntimeException e) {
            try {
                defaultExceptionHandler(ExceptionContext.builder("Unhandled error in exception handler")
                        .exception(e).put("context", context).build());
            } catch (RuntimeException e2) {
                LOG.log(Level.ERROR, "Exception in default exception handler while handling an unexpected error "
                        + "in custom exception handler", e2);
            }
        }
    }

    /** Debug mode: slow-callback warnings, where futures and tasks were created, thread checks. */
    public void setDebug(boolean enabled) {
        this.debug = enabled;
    }

    public boolean getDebug() {
        return debug;
    }

    /** In debug mode, a callback or task step taking at least this long (seconds) is logged. Default 0.1. */
    public double getSlowCallbackDuration() {
        return slowCallbackDuration;
    }

    public void setSlowCallbackDuration(double seconds) {
        this.slowCallbackDuration = seconds;
    }

    // ---------------------------------------------------------------- schedule fuzzing

    /** Seeded schedule fuzzing, or null (see {@link ScheduleFuzz}). */
    private ScheduleFuzz fuzz;

    /**
     * Turns seeded schedule fuzzing on for this loop ({@code -Djasyncio.fuzz.seed=N} does it for every loop): where
     * asyncio leaves the order of two handles unspecified (timers due at the same instant, the channels of one
     * select), this loop picks one from the seed. For tests; docs/INTROSPECTION.md, "Schedule fuzzing". Null
     * turns it off. A jasyncio addition. Loop thread, or before the loop runs.
     */
    public void setScheduleFuzzSeed(Long seed) {
        fuzz = seed == null ? null : new ScheduleFuzz(seed);
        io.fuzz(fuzz);
    }

    /** The schedule fuzzing seed of this loop, or null when it does not fuzz. */
    public Long getScheduleFuzzSeed() {
        return fuzz == null ? null : fuzz.seed();
    }

    // ---------------------------------------------------------------- the watchdog

    /**
     * Sets the loop watchdog's threshold: when this loop, running, has not come back to its selector or ready queue
     * for {@code seconds} (one callback or task step holding it: a blocking call that holds the thread, a busy
     * loop), one WARNING is logged per stall, naming the task or callback and showing its stack. 0 turns it off
     * for this loop. The default is 1 second, or {@code -Djasyncio.watchdog=SECONDS} ({@code off}: none). A
     * jasyncio addition (docs/ENGINES.md, "The loop watchdog"). Loop thread, or before the loop runs.
     */
    public void setWatchdogThreshold(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("the watchdog threshold must be >= 0 seconds (0: off), not " + seconds);
        }
        watchdogNanos = (long) (seconds * 1e9);
        if (isRunning() && (watchdogNanos > 0) != watched) {
            watched = watchdogNanos > 0;
            if (watched) LoopWatchdog.watch(this);
            else LoopWatchdog.unwatch(this);
        }
    }

    /** The watchdog's threshold in seconds; 0 when it is off for this loop. */
    public double getWatchdogThreshold() {
        return watchdogNanos / 1e9;
    }

    /** Read by the watchdog's thread. */
    private volatile long watchdogNanos;
    /** Whether this loop is registered with the watchdog now. Loop thread. */
    private boolean watched;
    /**
     * Bumped before each callback or task step: the watchdog sees the loop making progress. Written opaquely
     * (a plain store on x86: no fence on the hot path) and read by the watchdog's thread the same way.
     */
    @SuppressWarnings("unused") // through PROGRESS
    private int progress;
    private static final java.lang.invoke.VarHandle PROGRESS;

    static {
        try {
            PROGRESS = java.lang.invoke.MethodHandles.lookup().findVarHandle(EventLoop.class, "progress", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private void stampProgress() {
        PROGRESS.setOpaque(this, (int) PROGRESS.get(this) + 1);
    }

    int progressStamp() {
        return (int) PROGRESS.getOpaque(this);
    }

    long watchdogThresholdNanos() {
        return watchdogNanos;
    }

    /** Whether the loop is waiting in its selector (or parked for a timer or a wake-up): not stalled. */
    boolean isWaitingForEvents() {
        return sleeping;
    }

    /** The handle being run, in debug mode; null otherwise. */
    Handle currentHandle() {
        return currentHandle;
    }

    /** "&lt;EventLoop@hash&gt;": the name in logs. */
    String describe() {
        return name;
    }

    // ---------------------------------------------------------------- executors

    /**
     * Runs {@code fn} on {@code executor} (null: the default executor, a pool of daemon threads named
     * "asyncio-N", at most min(32, cores + 4)) and returns a future of its result. Cancelling the future
     * keeps a job that has not started from running; it does not interrupt one that has.
     */
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        checkClosed();
        if (executor == null) {
            if (executorShutdownCalled) throw new IllegalStateException("Executor shutdown has been called");
            executor = defaultExecutor();
        }
        Future<T> fut = createFuture();
        expectThreadsafeWakeup();
        FutureTask<T> job = new FutureTask<>(fn) {
            @Override
            protected void done() {
                callSoonThreadsafeInternal(() -> {
                    threadsafeWakeupArrived();
                    if (fut.done()) return;
                    try {
                        fut.setResult(get());
                    } catch (java.util.concurrent.CancellationException e) {
                        fut.cancel();
                    } catch (java.util.concurrent.ExecutionException e) {
                        fut.setException(convertCancellation(e.getCause()));
                    } catch (InterruptedException e) {
                        fut.setException(e);
                    }
                });
            }
        };
        fut.addDoneCallback(f -> {
            if (f.cancelled()) job.cancel(false);
        });
        executor.execute(job);
        return fut;
    }

    /**
     * A job that failed with a plain {@link java.util.concurrent.CancellationException} (for example from
     * waiting on a cancelled {@code CompletableFuture}) fails the loop's future with a {@link CancelledError},
     * as asyncio's {@code _convert_future_exc} turns concurrent.futures' CancelledError into its own.
     */
    private static Throwable convertCancellation(Throwable t) {
        if (t instanceof java.util.concurrent.CancellationException && !(t instanceof CancelledError)) {
            CancelledError c = new CancelledError(t.getMessage());
            c.initCause(t);
            return c;
        }
        return t;
    }

    /** Sets the executor {@link #runInExecutor} uses when given null. */
    public void setDefaultExecutor(Executor executor) {
        this.defaultExecutor = executor;
    }

    private Executor defaultExecutor() {
        if (defaultExecutor == null) defaultExecutor = DefaultExecutor.create();
        return defaultExecutor;
    }

    /**
     * Shuts the default executor down and returns a future that is done when its threads have finished, or
     * after {@code timeout} (null: no limit), when a warning is logged and the threads are left to finish
     * alone. Asyncio's {@code shutdown_default_executor}; {@link Runner} calls it with 300 seconds.
     */
    public Future<Void> shutdownDefaultExecutor(Duration timeout) {
        executorShutdownCalled = true;
        Future<Void> done = createFuture();
        Executor ex = defaultExecutor;
        if (!(ex instanceof ExecutorService es)) {
            done.setResult(null);
            return done;
        }
        expectThreadsafeWakeup();
        Thread joiner = new Thread(() -> {
            boolean finished;
            try {
                finished = DefaultExecutor.shutdownAndJoin(es, timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
            }
            boolean ok = finished;
            callSoonThreadsafeInternal(() -> {
                threadsafeWakeupArrived();
                if (!ok) {
                    LOG.log(Level.WARNING, "The executor did not finish joining its threads within "
                            + (timeout == null ? "the time allowed" : timeout.toMillis() / 1000.0 + " seconds") + ".");
                }
                if (!done.done()) done.setResult(null);
            });
        }, "asyncio-executor-shutdown");
        joiner.setDaemon(true);
        joiner.start();
        done.addDoneCallback(f -> joinQuietly(joiner));
        return done;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- I/O readiness (add_reader & co)

    /** The selector of this loop, opened on first use (for transports that manage their own keys). Loop thread only. */
    public Selector selector() {
        checkClosed();
        return io.selector();
    }

    /** Calls {@code callback} whenever {@code channel} is readable (or acceptable) until removed. */
    public Handle addReader(SelectableChannel channel, Runnable callback) {
        checkClosed();
        return io.add(channel, callback, true);
    }

    /** Calls {@code callback} whenever {@code channel} is writable (or its connect completed) until removed. */
    public Handle addWriter(SelectableChannel channel, Runnable callback) {
        checkClosed();
        return io.add(channel, callback, false);
    }

    /** Stops watching {@code channel} for reading; true if it was watched. */
    public boolean removeReader(SelectableChannel channel) {
        return io.remove(channel, true);
    }

    /** Stops watching {@code channel} for writing; true if it was watched. */
    public boolean removeWriter(SelectableChannel channel) {
        return io.remove(channel, false);
    }

    // ---------------------------------------------------------------- Unix signals

    /**
     * Runs {@code callback} on this loop whenever the process receives signal {@code sig} ("SIGINT", "SIGTERM",
     * "SIGHUP", ...; asyncio's {@code add_signal_handler}). Replaces an earlier handler of this loop for the
     * same signal. Throws {@link IllegalArgumentException} for a name the loop cannot handle and
     * {@link IllegalStateException} when the JVM refuses the signal.
     */
    public void addSignalHandler(String sig, Runnable callback) {
        checkClosed();
        if (signalHandlers == null) signalHandlers = new SignalHandlers(this);
        signalHandlers.add(sig, callback);
    }

    /** Removes this loop's handler for {@code sig} and restores the previous one; false if there was none. */
    public boolean removeSignalHandler(String sig) {
        SignalHandlers.normalize(sig);
        return signalHandlers != null && signalHandlers.remove(sig);
    }

    private SignalHandlers signalHandlers;

    /** Handler of errors the loop cannot pass to anyone (asyncio's exception handler). */
    @FunctionalInterface
    public interface ExceptionHandler {
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
        Task<?> create(EventLoop loop, Coroutine<?> coro, String name, boolean eagerStart, Context context);
    }

    /**
     * Asyncio's {@code create_eager_task_factory(custom_task_constructor)}: a task factory whose tasks start
     * running inside {@code createTask}, made by {@code constructor} with {@code eagerStart} set (a wrapper that
     * counts, names or instruments tasks, then calls {@code new Task<>(...)}).
     */
    public static TaskFactory createEagerTaskFactory(TaskConstructor constructor) {
        java.util.Objects.requireNonNull(constructor, "constructor");
        return new TaskFactory() {
            @Override public Task<?> create(EventLoop loop, Coroutine<?> coro, String name) {
                return constructor.create(loop, coro, name, true, loop.peekTaskContext(coro));
            }
            @Override public String toString() { return "eager_task_factory(" + constructor + ")"; }
        };
    }

    /** Asyncio's {@code eager_task_factory}: tasks start running inside {@code createTask}. */
    public static final TaskFactory EAGER_TASK_FACTORY = new TaskFactory() {
        @Override public Task<?> create(EventLoop loop, Coroutine<?> coro, String name) {
            return new Task<>(loop, coro, name, true);
        }
        @Override public String toString() { return "eager_task_factory"; }
    };

    @Override
    public String toString() {
        return "<EventLoop running=" + isRunning() + " closed=" + closed + " debug=" + debug + ">";
    }
}
