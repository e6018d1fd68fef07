package io.jasyncio;

import java.util.ArrayDeque;

/**
 * asyncio's {@code Event}: a flag tasks can wait for. {@link #set()} wakes every waiting task; while the flag
 * is set, {@link #await()} returns at once; {@link #clear()} makes later waits block again.
 *
 * <p>Python's {@code wait()} is {@link #await()} here ({@code Object.wait()} is taken), as in
 * {@code java.util.concurrent.CountDownLatch}.
 *
 * <p>Threading: not thread-safe; use it from the tasks of one event loop (from another thread, call
 * {@code set()} through {@link EventLoop#callSoonThreadsafe}). It binds to the running loop the first time a
 * task waits on it.
 */
public class Event extends LoopBound {
    /** The waiting tasks, parked without a future each (see {@link Task#parkUntilWoken()}). */
    final ArrayDeque<Task<?>> waiters = new ArrayDeque<>();
    private boolean value;

    /** An event whose flag is not set. */
    public Event() {}

    /** {@return whether the flag is set (asyncio's {@code is_set()})} */
    public boolean isSet() {
        return value;
    }

    /** Sets the flag and wakes every task waiting for it. */
    public void set() {
        if (value) return;
        value = true;
        for (Task<?> waiter : waiters) waiter.wakeParked(); // each leaves the queue when it resumes
    }

    /** Clears the flag: tasks that call {@link #await()} from now on wait until {@link #set()}. */
    public void clear() {
        value = false;
    }

    /**
     * Suspends the calling task until the flag is set; returns at once if it is set already. Asyncio's
     * {@code await event.wait()}.
     *
     * @throws CancelledError if the task is cancelled while waiting
     */
    public void await() {
        if (value) return;
        Task<?> task = RunningLoop.fiberTask("await");
        loop(); // binds the event to the running loop, or refuses a task of another loop
        waiters.add(task);
        try {
            task.parkUntilWoken();
        } finally {
            waiters.remove(task); // from the head when woken in order: O(1), as asyncio's deque
        }
    }

    @Override
    public String toString() {
        String extra = value ? "set" : "unset";
        if (!waiters.isEmpty()) extra += ", waiters:" + waiters.size();
        return describe(extra);
    }
}
