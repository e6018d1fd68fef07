package io.jasyncio;

import io.jasyncio.jfr.Events;

/**
 * The call sites of jasyncio's JFR events (package {@link io.jasyncio.jfr}): each checks that a recording wants
 * the event before it looks at anything: with no recording a task or a step pays a volatile read (and, once the
 * recorder is up, a static probe's check) and allocates nothing. Events made on a loop's own thread go through its {@link JfrCommitter}.
 *
 * <p>Threading: each method on the thread named in it.
 */
final class LoopEvents {
    private LoopEvents() {}

    /**
     * Whether the JVM's flight recorder has been initialized (a recording was started, now or earlier): until then no
     * call site looks at an event class. Loading one makes the JDK load its recorder (≈ 120 classes, 0.5 s and more
     * on a busy machine), which a program that never records should not pay; the listener that sets this costs 8
     * classes. A plain volatile read per call site.
     */
    private static volatile boolean recorderUp;
    private static boolean listening;

    /** Called as loops are made: listens for the recorder's initialization, once per JVM. */
    static synchronized void listen() {
        if (listening) return;
        listening = true;
        try {
            jdk.jfr.FlightRecorder.addListener(new jdk.jfr.FlightRecorderListener() {
                @Override
                public void recorderInitialized(jdk.jfr.FlightRecorder recorder) {
                    LoopSampler.install();
                    recorderUp = true;
                }
            });
        } catch (RuntimeException | LinkageError e) {
            // no flight recorder in this runtime: no events, everything else works
            System.getLogger("io.jasyncio").log(System.Logger.Level.DEBUG, "no JFR events: " + e);
        }
    }

    /** Whether a recording may want events: the recorder is up. */
    static boolean recorderUp() {
        return recorderUp;
    }

    static long id(Object o) {
        return Integer.toUnsignedLong(System.identityHashCode(o));
    }

    /** In the task's constructor: the loop's thread or a task's. */
    static void taskCreated(Task<?> t) {
        if (!recorderUp || !Events.taskCreatedEnabled()) return;
        commit(t.loop, Events.taskCreated(id(t), t.getName(), t.loop.describe()));
    }

    /** When the task has just been settled: the loop's thread. */
    static void taskEnded(Task<?> t) {
        if (!recorderUp || !Events.taskEndedEnabled()) return;
        String outcome, exception = null;
        if (t.cancelled()) {
            outcome = "cancelled";
        } else {
            Throwable exc = t.peekException();
            outcome = exc == null ? "result" : "exception";
            if (exc != null) exception = exc.getClass().getName();
        }
        commit(t.loop, Events.taskEnded(id(t), t.getName(), outcome, exception, t.loop.describe()));
    }

    /** When {@code cancel()} accepted a request: the caller's thread (the loop's or a task's). */
    static void taskCancelled(Task<?> t, String msg) {
        if (!recorderUp || !Events.taskCancelledEnabled()) return;
        commit(t.loop, Events.taskCancelled(id(t), t.getName(), msg, t.loop.describe()));
    }

    /** A step that held the loop at least its slow callback duration: the loop's thread. */
    static void slowStep(EventLoop loop, Object what, long nanos) {
        String desc = what instanceof Task<?> t ? "task '" + t.getName() + "' (id 0x" + Long.toHexString(id(t)) + ")"
                : String.valueOf(what);
        commit(loop, Events.slowStep(nanos, desc, loop.describe()));
    }

    /**
     * Commits {@code e}: through the loop's committer fiber when the caller is the loop's own (platform) thread
     * and the loop's tasks are virtual threads mounted on it (see {@link JfrCommitter}); directly otherwise.
     */
    static void commit(EventLoop loop, jdk.jfr.Event e) {
        Thread cur = Thread.currentThread();
        if (cur.isVirtual() || cur != loop.loopThread() || !loop.engine().blockingCallsParkTheTask()) {
            e.commit();
        } else {
            loop.jfrCommitter().commit(e);
        }
    }
}
