package io.jasyncio;

import io.jasyncio.internal.Fiber;
import io.jasyncio.internal.FiberHost;
import java.util.ArrayDeque;

/**
 * Commits the JFR events a loop's own thread makes (a task settled, a slow step, a sample) from a fiber of the
 * loop's engine instead of from the loop's thread itself, with the vthread engine.
 *
 * <p>Why: the JDK gives each carrier thread one event writer, shared with the virtual threads mounted on it. After
 * a task's virtual thread has committed an event on the loop's thread (a {@code TaskCreated} made by task code, or
 * one of the JDK's own events), the first event the loop's thread itself commits is lost: the JDK's scheduler
 * never has a carrier commit events between two mounts, and on JDK 25 that commit is dropped (seen with and without
 * the JIT, {@code -Xint}; the second commit after the switch is kept). Events committed by virtual threads, whatever
 * ran before, are kept. So the loop's thread hands its events to this fiber, a virtual thread scheduled by the loop
 * like a task's, which commits them: ≈ 1 µs per event, paid only while a recording has the event enabled.
 * {@code TaskEventsTest} fails without it.
 *
 * <p>Threading: the loop's thread.
 */
final class JfrCommitter {
    private final ArrayDeque<jdk.jfr.Event> pending = new ArrayDeque<>();
    private final Fiber fiber;
    /** The fiber waits in {@link Fiber#suspend()} for the next event: the loop may resume it. */
    private boolean atRest;
    private boolean closed;

    JfrCommitter(EventLoop loop) {
        FiberHost host = new FiberHost() {
            @Override
            public void resumeBlocked(Object owner, Runnable continuation) {
                // The commit parked in a JDK call (a contended lock inside JFR): finish it as a callback.
                if (Thread.currentThread() == loop.loopThread()) loop.callSoon(continuation);
                else loop.callSoonThreadsafeInternal(continuation);
            }

            @Override
            public Thread loopThread() {
                return loop.loopThread();
            }

            @Override
            public void fiberEscaped(Object owner, Throwable e) {
                loop.callSoonThreadsafeInternal(() -> loop.callExceptionHandler(
                        ExceptionContext.builder("Unexpected error committing JFR events").exception(e).build()));
            }
        };
        fiber = loop.engine().newFiber(host, this, "jasyncio-jfr", this::body);
    }

    private void body() {
        while (true) {
            jdk.jfr.Event e;
            while ((e = pending.poll()) != null) e.commit();
            if (closed) return;
            atRest = true;
            fiber.suspend();
            atRest = false;
        }
    }

    private boolean started;

    /** Commits {@code e} from the fiber (now, unless the fiber is still finishing a commit that parked). */
    void commit(jdk.jfr.Event e) {
        pending.add(e);
        resumeIfIdle();
    }

    /** Commits what is pending and ends the fiber (the loop closes). */
    void close() {
        closed = true;
        if (started && atRest) fiber.resume();
    }

    private void resumeIfIdle() {
        if (!started) {
            started = true;
            fiber.resume();
        } else if (atRest) {
            fiber.resume();
        }
    }
}
