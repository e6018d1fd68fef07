package io.jasyncio;

import io.jasyncio.internal.Engine;

/**
 * The running-loop and current-task registry at the bottom of the core, as CPython's {@code events.py}
 * ({@code _get_running_loop}, {@code _set_running_loop}, {@code get_running_loop}, the policy's current loop)
 * and {@code tasks.py} ({@code current_task}): which loop runs the calling code, and which task's fiber the
 * calling thread is. It knows the loop and task types and the engine, nothing above them: {@link Asyncio} and the
 * core's own classes (locks, queues, timeouts, the runner) ask here.
 *
 * <p>Threading: every method answers for the calling thread.
 */
final class RunningLoop {
    private RunningLoop() {}

    /** The loop running on this thread: its callbacks run here; a task's fiber finds its loop through its task. */
    private static final ThreadLocal<EventLoop> RUNNING = new ThreadLocal<>();
    /** The loop set with {@link Asyncio#setEventLoop} for this thread (asyncio's policy-held current loop). */
    private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

    /** Asyncio's {@code _set_running_loop}: called by a loop as it starts (its loop) and stops (null). */
    static void set(EventLoop loop) {
        if (loop == null) RUNNING.remove();
        else RUNNING.set(loop);
    }

    /** Asyncio's {@code _get_running_loop}: the loop running the calling code, or null. */
    static EventLoop getOrNull() {
        Task<?> t = fiberTask();
        if (t != null) return t.loop.isRunning() ? t.loop : null;
        return RUNNING.get();
    }

    /** Asyncio's {@code get_running_loop}: the loop running the calling code; throws if there is none. */
    static EventLoop get() {
        EventLoop l = getOrNull();
        if (l == null) throw new IllegalStateException("no running event loop");
        return l;
    }

    /** Asyncio's {@code get_event_loop} (3.14): the running loop, else this thread's current loop; else throws. */
    static EventLoop current() {
        EventLoop l = getOrNull();
        if (l != null) return l;
        l = CURRENT.get();
        if (l == null) {
            throw new IllegalStateException("There is no current event loop in thread '"
                    + Thread.currentThread().getName() + "'.");
        }
        return l;
    }

    /** Asyncio's {@code set_event_loop}: makes {@code loop} this thread's current loop (null clears it). */
    static void setCurrent(EventLoop loop) {
        if (loop == null) CURRENT.remove();
        else CURRENT.set(loop);
    }

    /**
     * The task whose fiber is the calling thread, or null: a few field reads, no thread-local map per task, and
     * nothing task code can change (see {@link Engine#currentOwner()}).
     */
    static Task<?> fiberTask() {
        return Engine.currentOwner() instanceof Task<?> t ? t : null;
    }

    /** {@link #fiberTask()} for an operation ({@code what}) that only a task's code may call; else throws. */
    static Task<?> fiberTask(String what) {
        Task<?> t = fiberTask();
        if (t == null) {
            throw new IllegalStateException(what + "() must be called from a task's code (inside Asyncio.run or "
                    + "loop.createTask), not from thread '" + Thread.currentThread().getName() + "'");
        }
        return t;
    }

    /** Asyncio's {@code current_task()}: the task running on the running loop, or null; throws with no loop. */
    static Task<?> currentTask() {
        return get().currentTask();
    }
}
