package io.jasyncio;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A loop's task registry (asyncio's {@code _all_tasks} and {@code _current_tasks}, per loop): the tasks not yet
 * known to be done, as an intrusive doubly linked list through {@link Task#nextLive}/{@link Task#prevLive} (no
 * allocation per task), the task whose step is running, the loop's block of task numbers, and the context that
 * {@code createTask(coro, name, context)} hands to the task it makes.
 *
 * <p>Threading: the loop's thread (its callbacks and its tasks' code).
 */
final class LoopTasks {
    private Task<?> liveHead;
    private Task<?> current;
    /** The next task number of this loop's block, and the end of the block (see {@link Task#takeNumberBlock}). */
    private int numberNext, numberEnd;
    /** The context createTask hands to the task of {@link #pendingCoro} (a factory may build other tasks first). */
    private Context pendingContext;
    private Coroutine<?> pendingCoro;

    /** A task number no other task of this JVM has; a loop's numbers increase (consecutive within a block). */
    int nextNumber() {
        if (numberNext == numberEnd) {
            numberNext = Task.takeNumberBlock();
            numberEnd = numberNext + Task.NUMBER_BLOCK;
        }
        return numberNext++;
    }

    void register(Task<?> t) {
        t.nextLive = liveHead;
        if (liveHead != null) liveHead.prevLive = t;
        liveHead = t;
    }

    void unregister(Task<?> t) {
        if (t.prevLive == null && liveHead != t) return; // not in the list
        if (t.prevLive != null) t.prevLive.nextLive = t.nextLive;
        else liveHead = t.nextLive;
        if (t.nextLive != null) t.nextLive.prevLive = t.prevLive;
        t.prevLive = t.nextLive = null;
    }

    /** Whether any task was ever registered and not yet unregistered. */
    boolean any() {
        return liveHead != null;
    }

    /** The registered tasks that are not done. */
    Set<Task<?>> alive() {
        Set<Task<?>> s = new LinkedHashSet<>();
        for (Task<?> t = liveHead; t != null; t = t.nextLive) {
            if (!t.done()) s.add(t);
        }
        return s;
    }

    int countAlive() {
        int n = 0;
        for (Task<?> t = liveHead; t != null; t = t.nextLive) if (!t.done()) n++;
        return n;
    }

    /** Empties the registry and returns the tasks it held that are not done (the loop reports them at close). */
    Set<Task<?>> drainPending() {
        Set<Task<?>> s = alive();
        liveHead = null;
        return s;
    }

    Task<?> current() {
        return current;
    }

    void enter(Task<?> t) {
        if (current != null) {
            throw new IllegalStateException("Cannot enter into task " + t + " while another task " + current
                    + " is being executed.");
        }
        current = t;
    }

    void leave(Task<?> t) {
        if (current != t) {
            throw new IllegalStateException("Leaving task " + t + " does not match the current task " + current + ".");
        }
        current = null;
        if (t.done()) unregister(t);
    }

    Task<?> swapCurrent(Task<?> t) {
        Task<?> prev = current;
        current = t;
        return prev;
    }

    /** The current task if its fiber is the calling thread, else null (from a callback, or another thread). */
    Task<?> runningFiberTask() {
        Task<?> t = current;
        return t != null && t.fiber() != null && t.fiber().thread() == Thread.currentThread() ? t : null;
    }

    /** Makes a task with {@code make}, {@code context} being offered meanwhile to the task of {@code coro}. */
    <T> T withContext(Coroutine<?> coro, Context context, java.util.function.Supplier<T> make) {
        Context prev = pendingContext;
        Coroutine<?> prevCoro = pendingCoro;
        pendingContext = context;
        pendingCoro = coro;
        try {
            return make.get();
        } finally {
            pendingContext = prev;
            pendingCoro = prevCoro;
        }
    }

    /** The context offered for a task of {@code coro}, taken once; null if none. */
    Context takeContext(Coroutine<?> coro) {
        if (pendingCoro != coro || coro == null) return null;
        Context c = pendingContext;
        pendingContext = null;
        pendingCoro = null;
        return c;
    }

    /** The context offered for a task of {@code coro}, left for its constructor; null if none. */
    Context peekContext(Coroutine<?> coro) {
        return pendingCoro == coro ? pendingContext : null;
    }
}
