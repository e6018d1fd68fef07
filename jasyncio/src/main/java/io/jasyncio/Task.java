package io.jasyncio;

import io.jasyncio.internal.Fatal;
import io.jasyncio.internal.Fiber;
import io.jasyncio.internal.Sneaky;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * asyncio's {@code Task}: a {@link Coroutine} running on an {@link EventLoop}, and a {@link Future} of its
 * result. The coroutine runs in steps; between two {@link Asyncio#await} points it is never interrupted, and
 * code of one loop never runs on two threads at once.
 *
 * <p>Unlike asyncio, whose loop keeps only weak references to tasks, a pending task is held strongly by its
 * loop until it finishes: a task nobody references cannot vanish mid-flight.
 *
 * <p>Threading: like {@link Future}, a task belongs to its loop's thread. {@link #cancel()} from another thread
 * must go through {@link EventLoop#callSoonThreadsafe}.
 *
 * @param <T> the result type
 */
public final class Task<T> extends Future<T> {
    /*
     * How a task moves. Two variables: the Future's state (PENDING until settle() finishes or cancels the task, once
     * its code has ended) and `suspension`, where the task's code is:
     *
     *   RUNNING --await f: beginWait------------------> AWAITING --f done: scheduleWakeup, then step()--> RUNNING
     *   RUNNING --sleep(0): yieldOnce-----------------> AWAITING --the step it scheduled: step()--------> RUNNING
     *   RUNNING --Event.wait, sleep: parkUntilWoken---> PARKED --wakeParked or cancel()--> AWAITING, then step()
     *   RUNNING --the coroutine returns or throws (body)-----> ENDED --settle(), on the loop thread--> done
     *
     * Who moves each: the task's own code, on its fiber, leaves RUNNING (beginWait, yieldOnce, parkUntilWoken; body()
     * sets ENDED) and re-enters it when its fiber resumes (endWait, resumeAfterSuspension). The loop's thread runs
     * step() when the task's turn in the ready queue comes (queued by loop.scheduleStep: at creation, by
     * scheduleWakeup, yieldOnce, wakeParked and a cancelled park), resumes the fiber, and settles the task once its
     * code has ENDED. wakeParked (a primitive releasing a waiter) moves PARKED to AWAITING. A fiber parked inside a
     * blocking JDK call (vthread engine) stays RUNNING; the loop resumes it by runBlockedContinuation, not step().
     * An eager task's first step runs inside createTask (runEagerFirstStep); created from another task's code, that
     * task suspends (suspendForLoop), the loop runs the child's first step, then resumes it (serveEagerRequests).
     *
     * Cancellation. cancel(msg) counts a request (numCancelsRequested, asyncio's _num_cancels_requested), then
     * delivers it the first way that applies: (1) awaiting a future: that future is cancelled, and awaitFuture's
     * f.result() throws its CancelledError when the task resumes; (2) PARKED: committed now (commitParkedCancel:
     * throwIn is set and a step scheduled); (3) otherwise mustCancel is set (asyncio's _must_cancel), and a task
     * blocked in a JDK call is interrupted. A pending mustCancel is delivered by the next step (a CancelledError
     * thrown at the await point, through throwIn), by beginWait (which cancels the future about to be awaited) or
     * by parkUntilWoken (which commits at once). uncancel() takes one request back; at zero it clears mustCancel,
     * withdrawing a request not yet delivered; a delivered one (thrown, or committed to a wait) stays. settle():
     * a CancelledError that ends the coroutine cancels the task; so does a result or an interruption exception
     * while mustCancel is still set (asyncio: "_must_cancel" at StopIteration); anything else finishes it.
     */

    /**
     * Task numbers handed to the loops in blocks of {@link #NUMBER_BLOCK}: unique in the JVM, increasing within a
     * loop (asyncio's one global counter, but for the order between loops), and one shared write per block instead of per task (with N loops creating tasks on N cores, a
     * counter written per task bounces its cache line between every core).
     */
    private static final AtomicInteger NUMBER_BLOCKS = new AtomicInteger();
    static final int NUMBER_BLOCK = 256;

    /** The first number of a new block of {@link #NUMBER_BLOCK} task numbers. */
    static int takeNumberBlock() {
        return NUMBER_BLOCKS.getAndAdd(NUMBER_BLOCK) + 1;
    }

    private final Coroutine<T> coro;
    /** The name, or null for the default "Task-" + nameId (built on demand: most tasks never need it). */
    private String name;
    private final int nameId;
    private Fiber fiber;
    /** The future this task waits for (asyncio's {@code _fut_waiter}). */
    private Future<?> futWaiter;
    private boolean mustCancel;
    private int numCancelsRequested;
    /** Exception the next step throws at the await point (asyncio's {@code __step(exc)}). */
    private Throwable throwIn;
    /**
     * Where the task's code is: RUNNING (or parked inside a blocking JDK call), AWAITING (suspended at an await
     * point), PARKED (suspended in {@link #parkUntilWoken}, wakeable by {@link #wakeParked}), or ENDED (the
     * coroutine returned or threw; {@link #settle()} is due).
     */
    private byte suspension;
    private static final byte RUNNING = 0, AWAITING = 1, PARKED = 2, ENDED = 3;
    /** The task's context: a {@link Context} once needed, before that the pairs captured at creation (null: empty). */
    private Object context;
    /** Links in the loop's list of pending tasks (strong references: see the class comment). */
    Task<?> prevLive, nextLive;

    /**
     * A task of {@code loop} running {@code coro}; it starts on the loop's next iteration, or at once when
     * {@code eagerStart} is set and the loop is running (asyncio's eager tasks, 3.12).
     * {@link EventLoop#createTask} is the usual way to get one.
     *
     * @param loop the loop the task runs on
     * @param coro the task's code
     * @param name the task's name (null: {@code Task-N})
     * @param eagerStart whether the task starts running at once when the loop is running
     */
    public Task(EventLoop loop, Coroutine<T> coro, String name, boolean eagerStart) {
        this(loop, coro, name, eagerStart, null);
    }

    /**
     * Like {@link #Task(EventLoop, Coroutine, String, boolean)}, running in {@code context}; null means the one
     * {@link EventLoop#createTask(Coroutine, String, Context)} was given, else a copy of the current one.
     *
     * @param loop the loop the task runs on
     * @param coro the task's code
     * @param name the task's name (null: {@code Task-N})
     * @param eagerStart whether the task starts running at once when the loop is running
     * @param context the context the task runs in (null: see above)
     */
    public Task(EventLoop loop, Coroutine<T> coro, String name, boolean eagerStart, Context context) {
        super(loop);
        if (coro == null) throw new NullPointerException("coroutine");
        Context given = loop.tasks.takeContext(coro);
        this.context = context != null ? context : given != null ? given : Context.capture();
        this.coro = coro;
        this.name = name;
        this.nameId = loop.tasks.nextNumber();
        LoopEvents.taskCreated(this); // before an eager first step, which may end the task
        if (eagerStart && loop.isRunning()) {
            eagerStart();
        } else {
            loop.scheduleStep(this);
            loop.registerTask(this);
        }
    }

    /** {@return the context the task's code runs in ({@code get_context()})} */
    public Context getContext() {
        return context();
    }

    Context context() {
        Context c = Context.of(context);
        context = c;
        return c;
    }

    /** {@return the task's name ("Task-N" unless given)} */
    public String getName() {
        return name != null ? name : "Task-" + nameId;
    }

    /** A number no other task of this JVM has (the N of the default name "Task-N"). */
    int id() {
        return nameId;
    }

    /**
     * Renames the task.
     *
     * @param name the new name
     */
    public void setName(String name) {
        this.name = String.valueOf(name);
    }

    /** {@return the coroutine this task runs} */
    public Coroutine<T> getCoro() {
        return coro;
    }

    /**
     * Requests cancellation: a {@link CancelledError} is raised at the task's current (or next) await point.
     * The task may catch it; it is marked cancelled only if the CancelledError ends it. Returns false if the
     * task was already done. With the default engine, a task blocked inside a blocking JDK call (socket I/O,
     * {@code Thread.sleep}) is also interrupted, and an interruption that ends it counts as cancellation.
     */
    @Override
    public boolean cancel(String msg) {
        clearLogTraceback();
        if (done()) return false;
        LoopEvents.taskCancelled(this, msg);
        numCancelsRequested++;
        if (futWaiter != null && futWaiter.cancel(msg)) {
            return true;
        }
        if (suspension == PARKED) {
            // As when the future a task awaits is cancelled: the cancellation is committed now (uncancel() does not
            // take it back), and the task's next step raises it where the task parked.
            commitParkedCancel(msg);
            return true;
        }
        mustCancel = true;
        setPendingCancelMessage(msg);
        if (isBlockedInJdk()) fiber.thread().interrupt();
        return true;
    }

    /** {@return how many cancellation requests are pending (asyncio's {@code cancelling()})} */
    public int cancelling() {
        return numCancelsRequested;
    }

    /**
     * Withdraws one cancellation request; returns how many remain (asyncio's {@code uncancel()}).
     *
     * @return the number of cancellation requests still pending
     */
    public int uncancel() {
        if (numCancelsRequested > 0) {
            numCancelsRequested--;
            if (numCancelsRequested == 0) mustCancel = false;
        }
        return numCancelsRequested;
    }

    /** Not supported: a task's result is what its coroutine returns. */
    @Override
    public void setResult(T value) {
        throw new IllegalStateException("Task does not support set_result operation");
    }

    /** Not supported: a task's exception is what its coroutine throws. */
    @Override
    public void setException(Throwable exc) {
        throw new IllegalStateException("Task does not support set_exception operation");
    }

    /**
     * asyncio's {@code get_stack()}: while the task is pending, the frames of its code (where it is suspended);
     * once it ended with an exception, that exception's frames; otherwise (a result, or cancelled), none.
     *
     * @return the frames, innermost first; empty when there are none
     */
    public StackTraceElement[] getStack() {
        if (done()) {
            Throwable exc = peekException();
            return exc != null ? exc.getStackTrace() : new StackTraceElement[0];
        }
        return fiber == null ? new StackTraceElement[0] : fiber.thread().getStackTrace();
    }

    /**
     * For the inspection tools ({@link TaskDump}): "running" (its code runs now), "awaiting" (a future not done
     * yet), "parked" (queued in a primitive such as an {@link Event}) or "ready" (its next step is scheduled).
     * Loop thread.
     */
    String inspectionState() {
        if (loop.currentTask() == this) return "running";
        if (suspension == PARKED) return "parked";
        if (futWaiter != null && !futWaiter.done()) return "awaiting";
        return "ready";
    }

    /** asyncio's {@code print_stack()}: {@link #printStack(java.io.PrintStream)} to {@code System.err}. */
    public void printStack() {
        printStack(System.err);
    }

    /**
     * asyncio's {@code print_stack(file=)}: prints {@link #getStack()}, most recent call last, under a heading
     * that names the task ("Stack for", "Traceback for" when it failed, "No stack for" when there is none),
     * and the exception a failed task ended with.
     *
     * @param out where to print
     */
    public void printStack(java.io.PrintStream out) {
        StackTraceElement[] frames = getStack();
        Throwable exc = done() ? peekException() : null;
        if (frames.length == 0) out.println("No stack for " + this);
        else if (exc != null) out.println("Traceback for " + this + " (most recent call last):");
        else out.println("Stack for " + this + " (most recent call last):");
        for (int i = frames.length - 1; i >= 0; i--) out.println("  at " + frames[i]);
        if (exc != null) out.println(exc);
    }

    // ---------------------------------------------------------------- stepping (loop thread)

    /**
     * One step, as asyncio's {@code __step}: resumes the coroutine until its next await. Called by the loop when
     * this task's turn in the ready queue comes (see {@link EventLoop#scheduleStep}).
     */
    void step() {
        if (done()) {
            // A step of a task finished from outside (Future's setters): asyncio's Handle reports the error.
            loop.callExceptionHandler(ExceptionContext.builder("Exception in callback " + this)
                    .exception(new InvalidStateError("_step(): already done: " + this + ", " + (throwIn == null ? "None" : throwIn))).build());
            return;
        }
        Throwable exc = throwIn; // a parked wait's cancellation, committed by cancel() (see there)
        if (mustCancel) {
            if (exc == null) exc = makeCancelledError();
            mustCancel = false;
        }
        futWaiter = null;
        loop.enterTask(this);
        try {
            throwIn = exc;
            runFiber();
        } finally {
            loop.leaveTask(this);
        }
    }

    /** Asyncio's {@code __eager_start}: the first step runs now, inside {@code createTask}. */
    private void eagerStart() {
        if (loop.tasks.runningFiberTask() != null) {
            // Called from inside another task's code: that task pauses, the loop runs our first step, then
            // resumes it (see runFiber). Its code cannot host ours: one stack per task.
            Task<?> parent = loop.tasks.runningFiberTask();
            loop.eagerRequest = this;
            parent.suspendForLoop();
        } else {
            runEagerFirstStep();
        }
    }

    private void runEagerFirstStep() {
        loop.registerTask(this); // all_tasks() includes a task during its eager step, as asyncio's _eager_tasks
        Task<?> prev = loop.swapCurrentTask(this);
        try {
            runFiber();
        } finally {
            loop.swapCurrentTask(prev);
            if (done()) loop.unregisterTask(this);
        }
    }

    /** Resumes the fiber; then serves eager-start requests it made, resuming it after each. */
    private void runFiber() {
        if (fiber == null) {
            fiber = loop.engine().newFiber(loop.fiberHost, this, loop.debug ? getName() : null, BODY);
        }
        resumeFiber();
        serveEagerRequests();
    }

    /** Runs the first step of each eager child this task's code created, resuming this task after each. */
    private void serveEagerRequests() {
        Task<?> child;
        while ((child = loop.eagerRequest) != null) {
            loop.eagerRequest = null;
            child.runEagerFirstStep();
            loop.swapCurrentTask(this);
            resumeFiber();
        }
    }

    /** Resumption of a fiber released from a blocking JDK call (not from an await): no asyncio step logic. */
    void runBlockedContinuation(Runnable continuation) {
        loop.enterTask(this);
        try {
            continuation.run();
            if (suspension == ENDED) settle();
            else if (loop.debug) noteIfImplicitAwait();
            serveEagerRequests();
        } finally {
            loop.leaveTask(this);
        }
    }

    /** Called when a future this task awaits is done: schedules the step (asyncio's {@code __wakeup}). */
    void scheduleWakeup(Future<?> fut) {
        loop.scheduleStep(this);
    }

    private boolean isBlockedInJdk() {
        return fiber != null && suspension == RUNNING && loop.currentTask() != this
                && loop.engine().blockingCallsParkTheTask();
    }

    // ---------------------------------------------------------------- the coroutine's side (fiber)

    /** Every task's fiber runs this one object: it finds its task through the engine (as {@link RunningLoop#fiberTask()}). */
    private static final Runnable BODY = () -> ((Task<?>) io.jasyncio.internal.Engine.currentOwner()).body();

    /**
     * The fiber's body: runs the coroutine and keeps what it returned or threw for {@link #settle()}, which the
     * loop runs once the fiber has ended. Settling here instead would make every parked task's stack bigger: the
     * JIT compiles this body into the bottom frame of each task's stack, and that frame's size is the largest
     * any of its paths needs, completion (callbacks, ready queue) included.
     */
    void body() {
        try {
            Throwable first = takeThrowIn();
            if (first != null) throw first;
            T value = coro.call();
            if (!mustCancel) holdResult(value); // a cancellation requested meanwhile wins: settle() cancels
        } catch (Throwable e) {
            throwIn = e;
        }
        suspension = ENDED;
    }

    /** Resumes the fiber; settles the task if its coroutine ended. Loop thread. */
    private void resumeFiber() {
        fiber.resume();
        if (suspension == ENDED) settle();
        else if (loop.debug) noteIfImplicitAwait();
    }

    /**
     * Debug mode: the step returned while the task's code was neither at an await nor ended nor pausing for an eager
     * child: it was parked inside a blocking JDK call (vthread), an implicit await worth showing once per place.
     */
    private void noteIfImplicitAwait() {
        if (suspension == RUNNING && loop.eagerRequest == null && loop.engine().blockingCallsParkTheTask()) {
            loop.implicitAwaits().note(this);
        }
    }

    /** Ends the task with what its coroutine returned or threw, right after its fiber ended. Loop thread. */
    private void settle() {
        Throwable e = takeThrowIn();
        if (e instanceof CancelledError c) {
            cancelWith(c);
        } else if (e != null && !(mustCancel && isInterruption(e))) {
            finishWithException(e);
            if (Fatal.endsTheRun(e)) {
                // The JVM itself failed (an OutOfMemoryError, say): the task fails with it, and the run ends with
                // it too, as asyncio's task both keeps and re-raises a KeyboardInterrupt. Thrown, it is retrieved.
                clearLogTraceback();
                throw (Error) e;
            }
        } else if (mustCancel) {
            // Cancelled right before the coroutine returned, or while it was parked in an interrupted JDK call.
            mustCancel = false;
            cancelInternal(cancelMessage());
        } else {
            finishWithHeldResult();
        }
        LoopEvents.taskEnded(this);
    }

    /** Reports what escaped the engine itself (see {@link io.jasyncio.internal.FiberHost#fiberEscaped}). Any thread. */
    void fiberEscaped(Throwable e) {
        loop.callSoonThreadsafeInternal(() -> loop.callExceptionHandler(
                ExceptionContext.builder("Unexpected error in the fiber of " + this).exception(e).future(this).build()));
    }

    private static boolean isInterruption(Throwable e) {
        return e instanceof InterruptedException || e instanceof ClosedByInterruptException
                || e instanceof InterruptedIOException;
    }

    private Throwable takeThrowIn() {
        Throwable t = throwIn;
        throwIn = null;
        return t;
    }

    /**
     * Awaits {@code f} from this task's own code (asyncio's {@code await fut}). Kept tiny so the JIT inlines it:
     * the frames on the stack while a task is parked are kept in memory for every parked task.
     */
    <R> R awaitFuture(Future<R> f) {
        if (!f.done()) {
            beginWait(f);
            suspendFiber(f);
            endWait(f);
        }
        return f.result();
    }

    private void beginWait(Future<?> f) {
        if (f.loop != loop) {
            throw new IllegalStateException("Task " + this + " got Future " + f + " attached to a different loop");
        }
        if (f == this) {
            throw new IllegalStateException("Task cannot await on itself: " + this);
        }
        f.addWaiter(this);
        futWaiter = f;
        if (mustCancel && futWaiter.cancel(cancelMessage())) {
            mustCancel = false;
        }
        suspension = AWAITING;
    }

    /** After the step that resumed us: throws what the step delivered (a cancellation), if anything. */
    private void endWait(Future<?> f) {
        suspension = RUNNING;
        Throwable t = throwIn;
        if (t != null) {
            throwIn = null;
            f.clearLogTraceback();
            throw Sneaky.rethrow(t);
        }
    }

    /** Gives the loop one turn, then continues (asyncio's bare {@code yield}, as in {@code sleep(0)}). */
    void yieldOnce() {
        loop.scheduleStep(this);
        suspension = AWAITING;
        suspendFiber(null);
        resumeAfterSuspension();
    }

    /**
     * Suspends this task's code until {@link #wakeParked()} (then returns) or a cancellation (then throws the
     * {@link CancelledError}): a wait with no Future, for primitives that queue their waiting tasks themselves
     * ({@link Event}), so a waiting task costs no object beyond its queue slot. Called by the task's own code.
     */
    void parkUntilWoken() {
        suspension = PARKED;
        if (mustCancel) {
            // Cancelled while running: as an await on a future would, the wait ends at once with the cancellation.
            mustCancel = false;
            commitParkedCancel(cancelMessage());
        }
        suspendFiber(null);
        resumeAfterSuspension();
    }

    private void commitParkedCancel(String msg) {
        suspension = AWAITING;
        throwIn = new CancelledError(msg);
        loop.scheduleStep(this);
    }

    /** Schedules the step of a task parked by {@link #parkUntilWoken}; false if it is not parked (any more). */
    boolean wakeParked() {
        if (suspension != PARKED) return false;
        suspension = AWAITING;
        loop.scheduleStep(this);
        return true;
    }

    /**
     * Suspends this task's fiber. When it cannot be suspended (the vthread engine refuses while the task's thread
     * is pinned to the loop's thread), undoes what was set up to resume it — its place in the ready queue, its
     * registration on {@code waitedOn} — so that nothing wakes it by mistake later, and rethrows.
     */
    private void suspendFiber(Future<?> waitedOn) {
        try {
            fiber.suspend();
        } catch (RuntimeException cannotSuspend) {
            if (waitedOn != null) waitedOn.removeWaiter(this);
            futWaiter = null;
            loop.unscheduleStep(this);
            suspension = RUNNING;
            if (throwIn != null) { // a cancellation committed for this wait stays requested for the next one
                throwIn = null;
                mustCancel = true;
            }
            throw cannotSuspend;
        }
    }

    private void resumeAfterSuspension() {
        suspension = RUNNING;
        Throwable t = throwIn;
        if (t != null) {
            throwIn = null;
            // The step made this CancelledError on the loop's stack; its trace should show where the task waited.
            t.fillInStackTrace();
            throw Sneaky.rethrow(t);
        }
    }

    /** Pauses this task's code so that the loop can do something for it, then resumes it directly. */
    private void suspendForLoop() {
        try {
            fiber.suspend();
        } catch (RuntimeException cannotSuspend) {
            // The eager child cannot start inside this step: it starts on the next iteration, as a lazy task does.
            Task<?> child = loop.eagerRequest;
            loop.eagerRequest = null;
            loop.scheduleStep(child);
            loop.registerTask(child);
        }
    }

    Fiber fiber() {
        return fiber;
    }

    @Override
    public String toString() {
        return guardRecursion(this, () -> repr(!done() && mustCancel ? "cancelling" : describeState(), getName(),
                coro, futWaiter, createdAt()));
    }

    /** The repr of a task: {@code <Task finished exception=... name='Task-1' coro=... created at F.java:N>}. */
    static String repr(String state, String name, Object coro, Object waitFor, String createdAt) {
        StringBuilder sb = new StringBuilder("<Task ").append(state);
        sb.append(" name='").append(name).append("' coro=").append(coro);
        if (waitFor != null) sb.append(" wait_for=").append(waitFor);
        return sb.append(createdAt).append('>').toString();
    }

    /** The first stack frame outside jasyncio itself: where user code created the task. */
    static String firstUserFrame(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (!isLibraryClass(e.getClassName()) || e.getClassName().contains("Test")) {
                return e.getFileName() + ":" + e.getLineNumber();
            }
        }
        return "?";
    }

    /**
     * Whether a class is the library's own (packages io.jasyncio, .internal, .internal.io, .transport, .streams, .tls,
     * .datagram, .subprocess); code in other
     * io.jasyncio packages (the examples, the http module) uses the library like any user's.
     */
    private static boolean isLibraryClass(String className) {
        int dot = className.lastIndexOf('.');
        return switch (dot < 0 ? "" : className.substring(0, dot)) {
            case "io.jasyncio", "io.jasyncio.internal", "io.jasyncio.internal.io", "io.jasyncio.transport",
                    "io.jasyncio.streams", "io.jasyncio.tls", "io.jasyncio.datagram", "io.jasyncio.subprocess" -> true;
            default -> false;
        };
    }
}
