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

    public static boolean taskCreatedEnabled() {
        return CREATED.isEnabled();
    }

    public static boolean taskEndedEnabled() {
        return ENDED.isEnabled();
    }

    public static boolean taskCancelledEnabled() {
        return CANCELLED.isEnabled();
    }

    public static boolean slowStepEnabled() {
        return SLOW.isEnabled();
    }

    public static boolean loopBlockedEnabled() {
        return BLOCKED.isEnabled();
    }

    public static jdk.jfr.Event taskCreated(long taskId, String name, String loop) {
        TaskCreated e = new TaskCreated();
        e.taskId = taskId;
        e.name = name;
        e.loop = loop;
        return e;
    }

    /** {@code outcome}: "result", "exception" (then {@code exception} names its class) or "cancelled". */
    public static jdk.jfr.Event taskEnded(long taskId, String name, String outcome, String exception, String loop) {
        TaskEnded e = new TaskEnded();
        e.taskId = taskId;
        e.name = name;
        e.outcome = outcome;
        e.exception = exception;
        e.loop = loop;
        return e;
    }

    public static jdk.jfr.Event taskCancelled(long taskId, String name, String message, String loop) {
        TaskCancelled e = new TaskCancelled();
        e.taskId = taskId;
        e.name = name;
        e.message = message;
        e.loop = loop;
        return e;
    }

    public static jdk.jfr.Event slowStep(long heldForNanos, String what, String loop) {
        SlowStep e = new SlowStep();
        e.heldFor = heldForNanos;
        e.what = what;
        e.loop = loop;
        return e;
    }

    public static jdk.jfr.Event loopBlocked(long heldForNanos, String holder, long taskId, String frames, String loop) {
        LoopBlocked e = new LoopBlocked();
        e.heldFor = heldForNanos;
        e.holder = holder;
        e.taskId = taskId;
        e.frames = frames;
        e.loop = loop;
        return e;
    }

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
     */
    public static void onLoopSamplePeriod(Runnable hook) {
        jdk.jfr.FlightRecorder.addPeriodicEvent(LoopSample.class, hook);
    }
}
