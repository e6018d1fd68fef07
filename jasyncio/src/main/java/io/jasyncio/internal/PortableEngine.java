package io.jasyncio.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * The fallback engine, public API only: each task is a virtual thread on the JDK's default scheduler, and a
 * baton passed between it and the loop thread makes sure exactly one of them runs at a time. Task code runs
 * on a carrier thread rather than on the loop thread, and a blocking JDK call inside a task holds the baton,
 * so it blocks the loop (as it would in Python's asyncio).
 */
final class PortableEngine implements Engine {
    /** How long a side spins for the baton before parking: a hand-off is usually faster than a park. */
    private static final int SPINS = 1 << 12;

    @Override public String name() { return "portable"; }

    @Override public boolean blockingCallsParkTheTask() { return false; }

    /** The fiber whose body runs on the current thread: bound around the body, so task code cannot change it. */
    private static final ScopedValue<BatonFiber> CURRENT = ScopedValue.newInstance();

    @Override
    public Fiber newFiber(FiberHost host, Object owner, String name, Runnable body) {
        BatonFiber f = new BatonFiber(host, owner);
        Thread.Builder.OfVirtual b = Thread.ofVirtual();
        f.thread = (name != null ? b.name(name) : b).unstarted(() -> {
            f.awaitBaton(true);
            try {
                ScopedValue.where(CURRENT, f).run(body);
            } finally {
                f.ended = true;
                f.pass(false);
            }
        });
        f.thread.setUncaughtExceptionHandler(f);
        return f;
    }

    /**
     * The owner of the fiber running on {@code current} (the calling thread), or null. A thread forked inside
     * task code may inherit the binding (a structured task scope's subtask does): only the fiber's own thread is it.
     */
    static Object currentOwner(Thread current) {
        if (!CURRENT.isBound()) return null;
        BatonFiber f = CURRENT.get();
        return f.thread == current ? f.owner : null;
    }

    private static final class BatonFiber implements Fiber, Thread.UncaughtExceptionHandler {
        private final FiberHost host;
        final Object owner;
        Thread thread;
        private Thread loop;
        private boolean started;
        /** true: the fiber holds the baton; false: the loop does. Volatile: it orders everything in between. */
        private volatile boolean fiberTurn;
        /** Set by the fiber's thread as its body ends, before it passes the baton back for the last time. */
        private boolean ended;

        BatonFiber(FiberHost host, Object owner) {
            this.host = host;
            this.owner = owner;
        }

        @Override public Thread thread() { return thread; }

        /** What escaped the body (which catches what task code throws) goes to the loop, whatever task code set. */
        @Override
        public void uncaughtException(Thread t, Throwable e) {
            host.fiberEscaped(owner, e);
        }

        @Override
        public void resume() {
            loop = Thread.currentThread();
            if (!started) {
                started = true;
                fiberTurn = true;
                thread.start();
            } else {
                pass(true);
            }
            awaitBaton(false);
            if (ended) joinThread();
        }

        /**
         * Waits for the fiber's thread to end, once its body has: the last baton pass comes a moment before the
         * thread is gone, and a task that is done must leave no thread alive (run() checks nothing is left).
         */
        private void joinThread() {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }

        @Override
        public void suspend() {
            pass(false);
            awaitBaton(true);
        }

        void pass(boolean toFiber) {
            fiberTurn = toFiber;
            LockSupport.unpark(toFiber ? thread : loop);
        }

        void awaitBaton(boolean fiberSide) {
            for (int i = 0; i < SPINS; i++) {
                if (fiberTurn == fiberSide) return;
                Thread.onSpinWait();
            }
            while (fiberTurn != fiberSide) {
                Thread.interrupted(); // a stale interrupt would turn park() into a busy loop
                LockSupport.park(this);
            }
        }
    }
}
