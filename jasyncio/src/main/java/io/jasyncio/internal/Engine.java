package io.jasyncio.internal;

import java.lang.System.Logger.Level;

/**
 * Creates fibers. Two implementations exist: {@link LoopScheduledEngine} (virtual threads whose scheduler is
 * the loop itself; needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}) and {@link PortableEngine}
 * (plain virtual threads with a baton, public API only). {@link #get()} picks one per JVM, once, and logs which.
 *
 * <p>Threading: engines are immutable and shared by all loops.
 */
public interface Engine {
    /** The engine's short name: {@code vthread} or {@code portable}. */
    String name();

    /**
     * Creates a fiber that runs {@code body} when first resumed. The owner is installed as the fiber thread's
     * uncaught-exception handler: that is how code running in the fiber (the body too) finds its task (one field
     * read), and how the engine finds the owner again without a field of its own. So {@code body} can be one
     * object shared by every task, rather than one per task.
     *
     * @param host the loop driving the fiber
     * @param owner the task, passed back to {@link FiberHost#resumeBlocked}
     * @param name the thread's name, or null for none (names cost memory per task; debug mode sets them)
     * @param body what the fiber runs
     */
    Fiber newFiber(FiberHost host, Thread.UncaughtExceptionHandler owner, String name, Runnable body);

    /** Whether the fiber's code can park in blocking JDK calls without blocking the loop thread. */
    boolean blockingCallsParkTheTask();

    /** The engine of this JVM, chosen by the system property {@code jasyncio.engine} (vthread|portable|auto). */
    static Engine get() {
        return Holder.ENGINE;
    }

    /** The portable engine, for loops running on a thread the loop-scheduled engine cannot use. */
    static Engine portable() {
        return Holder.PORTABLE;
    }

    final class Holder {
        private Holder() {}

        static final Engine PORTABLE = new PortableEngine();
        static final Engine ENGINE = choose();

        private static Engine choose() {
            String wanted = System.getProperty("jasyncio.engine", "auto").trim().toLowerCase();
            System.Logger log = System.getLogger("io.jasyncio");
            switch (wanted) {
                case "portable":
                    log.log(Level.DEBUG, "jasyncio engine: portable (requested by -Djasyncio.engine=portable)");
                    return PORTABLE;
                case "vthread": {
                    Engine e = LoopScheduledEngine.create(); // throws with the reason if unavailable
                    log.log(Level.DEBUG, "jasyncio engine: vthread (loop-scheduled virtual threads)");
                    return e;
                }
                case "auto":
                    try {
                        Engine e = LoopScheduledEngine.create();
                        log.log(Level.DEBUG, "jasyncio engine: vthread (loop-scheduled virtual threads)");
                        return e;
                    } catch (UnsupportedOperationException ex) {
                        log.log(Level.WARNING, "jasyncio engine: portable, because " + ex.getMessage());
                        return PORTABLE;
                    }
                default:
                    throw new IllegalArgumentException("-Djasyncio.engine=" + wanted
                            + " is not an engine; use vthread, portable or auto");
            }
        }
    }
}
