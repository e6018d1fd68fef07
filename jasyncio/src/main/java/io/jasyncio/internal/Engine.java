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
     * Creates a fiber that runs {@code body} when first resumed. Code running in the fiber (the body too) finds
     * {@code owner} with {@link #currentOwner()}, so {@code body} can be one object shared by every task, rather
     * than one per task.
     *
     * @param host the loop driving the fiber
     * @param owner the task, passed back to {@link FiberHost#resumeBlocked} and found by {@link #currentOwner()}
     * @param name the thread's name, or null for none (names cost memory per task; debug mode sets them)
     * @param body what the fiber runs
     */
    Fiber newFiber(FiberHost host, Object owner, String name, Runnable body);

    /**
     * The owner of the fiber whose code is running on the calling thread, or null when the calling thread is no
     * fiber's (a loop thread, another thread, or a virtual thread that task code started). It depends on nothing
     * task code can change: the vthread engine reads the virtual thread's scheduler (the fiber itself), the
     * portable engine a scoped value bound around the fiber's body. Either way the fiber's thread must be the
     * calling thread, so a thread that inherited the scheduler or the binding is not taken for the task.
     */
    static Object currentOwner() {
        Thread t = Thread.currentThread();
        if (!t.isVirtual()) return null;
        Object owner = LoopScheduledEngine.ownerOf(t);
        return owner != null ? owner : PortableEngine.currentOwner(t);
    }

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

    /**
     * The engine for a loop starting to run on thread {@code t}: the one it has ({@code current}), else this
     * JVM's; a loop on a virtual thread takes the portable engine, since the loop-scheduled one needs a platform
     * thread to carry its virtual threads. A loop whose tasks already run on that one cannot move to a virtual
     * thread: refused.
     */
    static Engine forLoopThread(Engine current, Thread t, boolean hasTasks) {
        if (current == null) return t.isVirtual() ? portable() : get();
        if (t.isVirtual() && current != portable() && hasTasks) {
            throw new IllegalStateException("this loop's tasks run on the " + current.name()
                    + " engine, which needs a platform thread; it cannot now run on virtual thread " + t);
        }
        return current;
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
