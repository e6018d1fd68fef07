package io.jasyncio.jfr;

/**
 * Fills jasyncio's JFR events, for the library's own call sites (io.jasyncio's loop and tasks), which check the
 * {@code ...Enabled()} method first: while no recording has the event enabled that check is all a call site
 * costs (a static probe's {@code isEnabled()}: a load of a field the JDK updates when recordings start and stop),
 * and nothing is allocated. Not for programs: they read the events, they do not make them.
 *
 * <p>Threading: any thread; each event is filled and committed by one thread.
 */
public final class Events {
    private Events() {}

    // Probes: one instance of each event, never committed, so the enabled check allocates nothing.
    private static final TaskCreated CREATED = new TaskCreated();
    private static final TaskEnded ENDED = new TaskEnded();
    private static final TaskCancelled CANCELLED = new TaskCancelled();
    private static final SlowStep SLOW = new SlowStep();
    private static final LoopBlocked BLOCKED = new LoopBlocked();

    /** {@return whether a recording has {@link TaskCreated} enabled} */
    public static boolean taskCreatedEnabled() {
        return CREATED.isEnabled();
    }

    /** {@return whether a recording has {@link TaskEnded} enabled} */
    public static boolean taskEndedEnabled() {
        return ENDED.isEnabled();
    }

    /** {@return whether a recording has {@link TaskCancelled} enabled} */
    public static boolean taskCancelledEnabled() {
        return CANCELLED.isEnabled();
    }

    /** {@return whether a recording has {@link SlowStep} enabled} */
    public static boolean slowStepEnabled() {
        return SLOW.isEnabled();
    }

    /** {@return whether a recording has {@link LoopBlocked} enabled} */
    public static boolean loopBlockedEnabled() {
        return BLOCKED.isEnabled();
    }

    /**
     * A {@link TaskCreated} event, filled; the caller commits it.
     *
     * @param taskId the task's id (its identity hash, as {@code jasyncio ps} prints it)
     * @param name the task's name
     * @param loop the loop's name
     * @return the event
     */
    public static jdk.jfr.Event taskCreated(long taskId, String name, String loop) {
        TaskCreated e = new TaskCreated();
        e.taskId = taskId;
        e.name = name;
        e.loop = loop;
        return e;
    }

    /**
     * A {@link TaskEnded} event, filled; the caller commits it.
     *
     * @param taskId the task's id (its identity hash, as {@code jasyncio ps} prints it)
     * @param name the task's name
     * @param outcome "result", "exception" or "cancelled"
     * @param exception the class name of the task's exception when {@code outcome} is "exception", else null
     * @param loop the loop's name
     * @return the event
     */
    public static jdk.jfr.Event taskEnded(long taskId, String name, String outcome, String exception, String loop) {
        TaskEnded e = new TaskEnded();
        e.taskId = taskId;
        e.name = name;
        e.outcome = outcome;
        e.exception = exception;
        e.loop = loop;
        return e;
    }

    /**
     * A {@link TaskCancelled} event (cancel() called on a pending task), filled; the caller commits it.
     *
     * @param taskId the task's id (its identity hash, as {@code jasyncio ps} prints it)
     * @param name the task's name
     * @param message the cancellation message, or null
     * @param loop the loop's name
     * @return the event
     */
    public static jdk.jfr.Event taskCancelled(long taskId, String name, String message, String loop) {
        TaskCancelled e = new TaskCancelled();
        e.taskId = taskId;
        e.name = name;
        e.message = message;
        e.loop = loop;
        return e;
    }

    /**
     * A {@link SlowStep} event (a callback or task step held the loop at least the slow-callback duration),
     * filled; the caller commits it.
     *
     * @param heldForNanos how long the step held the loop, in nanoseconds
     * @param what the task (name and id) or the callback
     * @param loop the loop's name
     * @return the event
     */
    public static jdk.jfr.Event slowStep(long heldForNanos, String what, String loop) {
        SlowStep e = new SlowStep();
        e.heldFor = heldForNanos;
        e.what = what;
        e.loop = loop;
        return e;
    }

    /**
     * A {@link LoopBlocked} event (the watchdog saw the loop held beyond its threshold), filled; the caller
     * commits it.
     *
     * @param heldForNanos how long the loop had been held when the watchdog noticed, in nanoseconds
     * @param holder the task (name and id) or callback holding the loop
     * @param taskId the holding task's id (identity hash); 0 for a callback
     * @param frames where the holder is, innermost frame first
     * @param loop the loop's name
     * @return the event
     */
    public static jdk.jfr.Event loopBlocked(long heldForNanos, String holder, long taskId, String frames, String loop) {
        LoopBlocked e = new LoopBlocked();
        e.heldFor = heldForNanos;
        e.holder = holder;
        e.taskId = taskId;
        e.frames = frames;
        e.loop = loop;
        return e;
    }

    /**
     * A {@link LoopSample} event (one loop's state at a sampling period), filled; the caller commits it.
     *
     * @param loop the loop's name
     * @param readyQueueLength handles and task steps in the ready queue
     * @param tasksAlive the loop's pending tasks
     * @param openConnections the loop's live transports
     * @param lagNanos how long a callback scheduled at the sample waited to run, in nanoseconds
     * @return the event
     */
    public static jdk.jfr.Event loopSample(String loop, int readyQueueLength, int tasksAlive, int openConnections, long lagNanos) {
        LoopSample e = new LoopSample();
        e.loop = loop;
        e.readyQueueLength = readyQueueLength;
        e.tasksAlive = tasksAlive;
        e.openConnections = openConnections;
        e.lag = lagNanos;
        return e;
    }

    /**
     * Has {@code hook} run every period of {@link LoopSample} while a recording has it enabled (JFR's periodic
     * thread runs it). Called once, by the library.
     *
     * @param hook what to run each period (on JFR's periodic thread)
     */
    public static void onLoopSamplePeriod(Runnable hook) {
        jdk.jfr.FlightRecorder.addPeriodicEvent(LoopSample.class, hook);
    }
}
