package io.jasyncio;

import io.jasyncio.EventLoop.ExceptionHandler;
import io.jasyncio.EventLoop.TaskConstructor;
import io.jasyncio.EventLoop.TaskFactory;
import io.jasyncio.internal.Engine;
import java.lang.System.Logger.Level;

/**
 * What an {@link EventLoop} is set up with, apart from running: its task factory (and the eager ones), its
 * coroutine engine, exception handler, debug mode and slow-callback threshold, schedule fuzzing and watchdog
 * threshold, with the public methods that read and change them. EventLoop is its only subclass: this keeps
 * EventLoop.java to the loop itself (running, scheduling, tasks, I/O). As with the JDK's package-private
 * AbstractStringBuilder under StringBuilder, the public members here are EventLoop's API, and Javadoc shows
 * them as EventLoop's.
 *
 * <p>Threading: the loop's thread, or before the loop runs, as {@link EventLoop} says.
 */
abstract class LoopSettings {
    static final System.Logger LOG = System.getLogger("io.jasyncio");

    /** Debug mode ({@code -Djasyncio.debug=true} turns it on for every loop). */
    boolean debug = Boolean.getBoolean("jasyncio.debug");
    /** Debug mode's state: slow callbacks, source tracebacks, implicit awaits. */
    final LoopDebug debugState = new LoopDebug();
    TaskFactory taskFactory;
    private ExceptionHandler exceptionHandler;
    /** Seeded schedule fuzzing, or null (see {@link ScheduleFuzz}). */
    ScheduleFuzz fuzz = ScheduleFuzz.fromSystemProperty();
    /** The watchdog's view of this loop: its progress stamp and stall threshold. */
    final LoopProgress progress = new LoopProgress(LoopWatchdog.DEFAULT_THRESHOLD_NANOS);

    /** The engine running this loop's tasks: the JVM's, until the loop's thread calls for another. */
    Engine engine;

    /** Tells the loop's I/O watcher that {@link #fuzz} changed. */
    abstract void fuzzChanged();

    private EventLoop self() { return (EventLoop) this; }

    /**
     * Sets the factory {@link EventLoop#createTask} uses; null restores the default.
     *
     * @param factory the factory, or null for the default
     */
    public void setTaskFactory(TaskFactory factory) {
        this.taskFactory = factory;
    }

    /** {@return the task factory, or null for the default} */
    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

    Engine engine() {
        if (engine == null) engine = Engine.get();
        return engine;
    }

    /** {@return the name of the coroutine engine running this loop's tasks: {@code vthread} or {@code portable}} */
    public String engineName() {
        return engine().name();
    }


    ImplicitAwaits implicitAwaits() { return debugState.implicitAwaits(); }
    void recordSourceTraceback(Future<?> f, Throwable where) { debugState.recordSourceTraceback(f, where); }
    Throwable sourceTracebackOf(Future<?> f) { return debugState.sourceTracebackOf(f); }

    /**
     * Sets the handler called with unhandled errors; null restores the default (which logs).
     *
     * @param handler the handler, or null for the default
     */
    public void setExceptionHandler(ExceptionHandler handler) {
        this.exceptionHandler = handler;
    }

    /** {@return the exception handler, or null for the default} */
    public ExceptionHandler getExceptionHandler() {
        return exceptionHandler;
    }

    /**
     * The default handler: logs the message, the exception and the context at ERROR on logger "io.jasyncio".
     *
     * @param context what happened: a message, maybe an exception, and the objects involved
     */
    public void defaultExceptionHandler(ExceptionContext context) {
        LOG.log(Level.ERROR, context.logMessage(), context.exception());
    }

    /**
     * Calls the exception handler (or the default); a failing handler is logged, never propagated.
     *
     * @param context what happened: a message, maybe an exception, and the objects involved
     */
    public void callExceptionHandler(ExceptionContext context) {
        ExceptionHandlers.call(self(), exceptionHandler, context);
    }

    /**
     * Debug mode: slow-callback warnings, where futures and tasks were created, thread checks.
     *
     * @param enabled whether debug mode is on
     */
    public void setDebug(boolean enabled) {
        this.debug = enabled;
    }

    /** {@return whether the loop is in debug mode} See {@link #setDebug(boolean)}. */
    public boolean getDebug() {
        return debug;
    }

    /**
     * In debug mode, a callback or task step taking at least this long (seconds) is logged. Default 0.1.
     *
     * @return the slow-callback threshold in seconds
     */
    public double getSlowCallbackDuration() {
        return debugState.slowCallbackDuration;
    }

    /**
     * Sets the threshold over which debug mode logs a callback or task step as slow (asyncio's
     * {@code slow_callback_duration}).
     *
     * @param seconds the threshold in seconds
     */
    public void setSlowCallbackDuration(double seconds) {
        debugState.slowCallbackDuration = seconds;
    }

    // ---------------------------------------------------------------- schedule fuzzing

    /**
     * Turns seeded schedule fuzzing on for this loop ({@code -Djasyncio.fuzz.seed=N} does it for every loop): where
     * asyncio leaves the order of two handles unspecified (timers due at the same instant, the channels of one
     * select), this loop picks one from the seed. For tests; docs/INTROSPECTION.md, "Schedule fuzzing". Null
     * turns it off. A jasyncio addition. Loop thread, or before the loop runs.
     *
     * @param seed the seed, or null to stop fuzzing
     */
    public void setScheduleFuzzSeed(Long seed) {
        fuzz = seed == null ? null : new ScheduleFuzz(seed);
        fuzzChanged();
    }

    /** {@return the schedule fuzzing seed of this loop, or null when it does not fuzz} */
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
     *
     * @param seconds the threshold in seconds; 0 turns the watchdog off
     */
    public void setWatchdogThreshold(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("the watchdog threshold must be >= 0 seconds (0: off), not " + seconds);
        }
        progress.thresholdNanos = (long) (seconds * 1e9);
        LoopWatchdog.sync(self(), progress, self().isRunning());
    }

    /** {@return the watchdog's threshold in seconds; 0 when it is off for this loop} */
    public double getWatchdogThreshold() {
        return progress.thresholdNanos / 1e9;
    }

    int progressStamp() { return progress.read(); }
    long watchdogThresholdNanos() { return progress.thresholdNanos; }

    /** The handle being run, in debug mode; null otherwise. */
    Handle currentHandle() { return debugState.currentHandle; }
}
