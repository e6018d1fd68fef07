package io.jasyncio.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.util.concurrent.Executor;

/**
 * The default engine: each task is a virtual thread whose scheduler is the task's own fiber object, and
 * "scheduling" it means running its continuation on the loop thread. A task suspends with {@code Thread.yield()};
 * the JDK hands the yielded continuation to the fiber, which keeps it until the loop resumes the task and runs it
 * on the loop thread. Task code therefore runs only on the loop thread, and a blocking JDK call inside a task
 * parks just that task: the JDK later hands its continuation to {@link FiberHost#resumeBlocked}, which queues it
 * on the loop.
 *
 * <p>Needs the JDK-internal {@code ThreadBuilders.newVirtualThread} factory (a virtual thread with a scheduler of
 * our choosing, which the public API does not offer yet), opened with
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}.
 */
final class LoopScheduledEngine implements Engine {
    /**
     * {@code ThreadBuilders.newVirtualThread(Executor scheduler, String name, int characteristics, Runnable)}, or
     * null when the JVM does not open it to us. Static final: the JIT then inlines the call like a direct one.
     */
    private static final MethodHandle NEW_THREAD;
    /**
     * Reads a virtual thread's scheduler ({@code VirtualThread.scheduler}, typed (Thread)Object): for our fibers,
     * the fiber itself, which is how {@link Engine#currentOwner()} finds the task. Null when unavailable.
     */
    private static final MethodHandle SCHEDULER_OF;
    /**
     * Reads a virtual thread's continuation runner ({@code VirtualThread.runContinuation}, (Thread)Runnable): the
     * object the JDK hands to the scheduler each time the thread is to run. Read from the thread rather than kept
     * in the fiber, so the fiber keeps its 24 bytes with the owner in it.
     */
    private static final MethodHandle CONTINUATION_OF;
    /** The JDK's own virtual-thread scheduler, for virtual threads that task code starts (see VtFiber.execute). */
    private static final Executor JDK_SCHEDULER;
    /** Why the ones above are null. */
    private static final Exception UNAVAILABLE;

    static {
        MethodHandle mh = null, scheduler = null, continuation = null;
        Executor jdk = null;
        Exception why = null;
        try {
            Class<?> builders = Class.forName("java.lang.ThreadBuilders");
            Method m = builders.getDeclaredMethod("newVirtualThread", Executor.class, String.class, int.class,
                    Runnable.class);
            m.setAccessible(true); // needs --add-opens java.base/java.lang
            mh = MethodHandles.lookup().unreflect(m);
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup inVt = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
            scheduler = inVt.findGetter(vt, "scheduler", Executor.class)
                    .asType(MethodType.methodType(Object.class, Thread.class));
            continuation = inVt.findGetter(vt, "runContinuation", Runnable.class)
                    .asType(MethodType.methodType(Runnable.class, Thread.class));
            java.lang.reflect.Field f = vt.getDeclaredField("DEFAULT_SCHEDULER");
            f.setAccessible(true);
            jdk = (Executor) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = e; // create() refuses the engine whenever this is set
            mh = scheduler = continuation = null;
        }
        NEW_THREAD = mh;
        SCHEDULER_OF = scheduler;
        CONTINUATION_OF = continuation;
        JDK_SCHEDULER = jdk;
        UNAVAILABLE = why;
    }

    private LoopScheduledEngine() {}

    static Engine create() {
        try {
            if (UNAVAILABLE != null) throw UNAVAILABLE;
            LoopScheduledEngine engine = new LoopScheduledEngine();
            engine.selfTest();
            ParkingStdin.install(); // before any task runs: a task's System.in.read() then parks only the task
            return engine;
        } catch (Exception e) {
            throw new UnsupportedOperationException("the JVM does not open java.lang to jasyncio ("
                    + e.getClass().getSimpleName() + "); add the JVM flag --add-opens java.base/java.lang=ALL-UNNAMED"
                    + " for the faster loop-scheduled virtual-thread engine", e);
        }
    }

    /** Runs one fiber through a suspend and a resume, so a JVM that refuses custom schedulers fails here. */
    private void selfTest() {
        int[] steps = {0};
        Fiber[] f = new Fiber[1];
        Object owner = new Object();
        FiberHost host = new FiberHost() {
            @Override public void resumeBlocked(Object o, Runnable continuation) {
                throw new IllegalStateException("self-test fiber blocked");
            }
            @Override public Thread loopThread() { return Thread.currentThread(); }
            @Override public void fiberEscaped(Object o, Throwable e) { }
        };
        f[0] = newFiber(host, owner, "jasyncio-selftest", () -> {
            if (Engine.currentOwner() == owner) steps[0]++;
            f[0].suspend();
            steps[0]++;
        });
        f[0].resume();
        f[0].resume();
        if (steps[0] != 2) throw new IllegalStateException("self-test fiber ran " + steps[0] + " steps");
    }

    @Override public String name() { return "vthread"; }

    @Override public boolean blockingCallsParkTheTask() { return true; }

    @Override
    public Fiber newFiber(FiberHost host, Object owner, String name, Runnable body) {
        VtFiber fiber = new VtFiber(host, owner);
        try {
            fiber.thread = (Thread) NEW_THREAD.invokeExact((Executor) fiber, name, 0, body);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot create a loop-scheduled virtual thread", t);
        }
        fiber.thread.setUncaughtExceptionHandler(fiber);
        return fiber;
    }

    /** The owner of {@code t}'s fiber when {@code t} is one of this engine's fiber threads, else null. */
    static Object ownerOf(Thread t) {
        if (SCHEDULER_OF == null || !t.isVirtual()) return null; // the handle casts to VirtualThread
        Object scheduler;
        try {
            scheduler = (Object) SCHEDULER_OF.invokeExact(t);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        // A virtual thread that task code started has the same scheduler: only the fiber's own thread is the task.
        return scheduler instanceof VtFiber f && f.thread == t ? f.owner : null;
    }

    private static Runnable continuationOf(Thread t) {
        try {
            return (Runnable) CONTINUATION_OF.invokeExact(t);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A fiber whose virtual thread is scheduled by this object: the JDK calls {@link #execute} to run it. Four
     * references' worth of fields and flags: 24 bytes with compact object headers.
     */
    private static final class VtFiber implements Fiber, Executor, Runnable, Thread.UncaughtExceptionHandler {
        private static final VarHandle QUEUED;

        static {
            try {
                QUEUED = MethodHandles.lookup().findVarHandle(VtFiber.class, "queued", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final FiberHost host;
        final Object owner;
        Thread thread;
        /** The JDK has handed us our thread's first continuation (from resume(), on the loop's thread). */
        private boolean started;
        /** True from {@link #suspend()} until {@link #resume()}. */
        private boolean suspended;
        /** The JDK has handed back our continuation after the yield in {@link #suspend()}: resume() may run it. */
        private boolean yielded;
        /**
         * Our continuation, released from a blocking JDK call, is in the loop's queue and has not run yet. The JDK
         * may hand it over twice (a stack-trace walk resubmits a runnable thread); queueing it twice would let the
         * second entry resume the task at a later await, outside its step. Set by CAS, cleared by {@link #run()}.
         */
        @SuppressWarnings("unused") // through QUEUED
        private volatile boolean queued;

        VtFiber(FiberHost host, Object owner) {
            this.host = host;
            this.owner = owner;
        }

        @Override public Thread thread() { return thread; }

        @Override
        public void resume() {
            if (!started) {
                thread.start(); // the JDK hands the first continuation to execute(), which runs it here
                if (!started) {
                    throw new IllegalStateException("fiber " + thread + " did not start on the loop's thread");
                }
                return;
            }
            if (!yielded) throw new IllegalStateException("fiber " + thread + " was not suspended when the loop resumed it");
            yielded = false;
            suspended = false;
            continuationOf(thread).run(); // continues the task's code here, on the loop thread, until it suspends again
        }

        /**
         * Suspends with {@code Thread.yield()}, not {@code park()}: the JDK then hands the continuation straight
         * back to {@link #execute}, which keeps it, and {@link #resume()} runs it directly. No park permit, no
         * unpark: fewer atomic operations per switch than a park/unpark pair, and a shallower stack to freeze.
         */
        @Override
        public void suspend() {
            suspended = true;
            // An interrupt left over from a cancelled blocking call must not reach the task's later blocking calls;
            // the cancellation itself reaches the task through its await point.
            Thread.interrupted();
            Thread.yield();
            if (suspended) {
                suspended = false;
                throw new IllegalStateException("a task cannot await here: its virtual thread is pinned to the loop's"
                        + " thread (a native frame or a class initializer is on its stack), so it cannot be suspended");
            }
        }

        @Override
        public void execute(Runnable continuation) {
            if (!started && Thread.currentThread() == host.loopThread()) {
                started = true; // our own start, from resume()
                continuation.run(); // runs the task's code here, on the loop thread, until it suspends
            } else if (continuation != continuationOf(thread)) {
                // A virtual thread that task code started inherits its parent's scheduler (this object); it is
                // not a task and must not run on the loop: hand it to the JDK's scheduler, now and every time.
                JDK_SCHEDULER.execute(continuation);
            } else if (suspended) {
                // The yield in suspend() (or the JDK handing it over again, as getStackTrace() does for a yielded
                // thread): kept for resume(), the only one that runs a suspended fiber.
                yielded = true;
            } else if (QUEUED.compareAndSet(this, false, true)) {
                // Released from a blocking JDK call (or a Thread.yield in task code): the loop runs it as a step.
                host.resumeBlocked(owner, this);
            }
            // else: already queued and not run yet (handed over again by a stack-trace walk): that entry runs it.
        }

        /** The loop runs the continuation that {@link #execute} queued (see {@link FiberHost#resumeBlocked}). */
        @Override
        public void run() {
            queued = false;
            continuationOf(thread).run();
        }

        /** What escaped the body (which catches what task code throws) goes to the loop, whatever task code set. */
        @Override
        public void uncaughtException(Thread t, Throwable e) {
            host.fiberEscaped(owner, e);
        }
    }
}
