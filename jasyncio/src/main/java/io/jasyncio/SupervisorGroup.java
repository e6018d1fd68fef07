package io.jasyncio;

import io.jasyncio.internal.Sneaky;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A group whose children fail independently (Kotlin's {@code supervisorScope}), beside {@link TaskGroup}: the
 * block runs in the calling task, then the group waits for every child. A child that fails does not cancel its
 * siblings nor the block; its exception goes to the loop's exception handler (and counts as retrieved). The
 * block's own failure, or a cancellation of the calling task, cancels the children still running; the group
 * waits for them to end, then throws that failure or {@link CancelledError}.
 *
 * <p>A group is used once: {@link #run(Body)} creates and enters it. Threading: the calling task's loop only.
 */
public final class SupervisorGroup {
    /**
     * The block of {@link #run(Body)}: gets the group, returns the block's value.
     *
     * @param <T> the block's value type
     */
    @FunctionalInterface
    public interface Body<T> {
        /**
         * Runs the block.
         *
         * @param group the group; create the children with it
         * @return the block's value
         * @throws Exception anything; {@link SupervisorGroup#run(Body)} rethrows it
         */
        T call(SupervisorGroup group) throws Exception;
    }

    private final EventLoop loop;
    private final Task<?> parentTask;
    private final Set<Task<?>> tasks = new LinkedHashSet<>();
    private boolean finished;
    private Future<Boolean> allDone;
    private final Consumer<Future<?>> childDone = new ChildDone();

    private SupervisorGroup(EventLoop loop, Task<?> parentTask) {
        this.loop = loop;
        this.parentTask = parentTask;
    }

    /**
     * Runs {@code body} with a new group in the calling task, waits for every child, and returns the block's
     * value; throws what the block threw, or {@link CancelledError} when the calling task was cancelled.
     *
     * @param <T> the result type
     * @param body the group's block
     * @return the block's value, once every child has ended
     */
    public static <T> T run(Body<T> body) {
        if (body == null) throw new NullPointerException("body");
        EventLoop loop = Asyncio.getRunningLoop();
        Task<?> parent = loop.currentTask();
        if (parent == null) throw new IllegalStateException("SupervisorGroup.run() must be called from a task");
        SupervisorGroup g = new SupervisorGroup(loop, parent);
        T result = null;
        Throwable failure = null;
        try {
            result = body.call(g);
        } catch (Throwable e) {
            failure = e;
            g.cancelChildren();
        }
        Throwable cancelled = g.awaitChildren();
        g.finished = true;
        if (failure == null) failure = cancelled;
        if (failure != null) throw Sneaky.rethrow(failure);
        return result;
    }

    /**
     * Starts {@code coro} as a child of this group.
     *
     * @param <T> the result type
     * @param coro the child's code
     * @return the child task, scheduled
     */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null, null);
    }

    /**
     * Starts {@code coro} as a named child of this group.
     *
     * @param <T> the result type
     * @param coro the child's code
     * @param name the task's name (null: {@code Task-N})
     * @return the child task, scheduled
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return createTask(coro, name, null);
    }

    /**
     * Starts {@code coro} as a named child running in {@code context} (null: a copy of the current one).
     *
     * @param <T> the result type
     * @param coro the child's code
     * @param name the task's name (null: {@code Task-N})
     * @param context the context it runs in (null: a copy of the current one)
     * @return the child task, scheduled
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        if (finished) throw new IllegalStateException("SupervisorGroup " + this + " is finished");
        Task<T> task = loop.createTask(coro, name, context);
        if (task.done()) {
            onTaskDone(task); // finished eagerly
        } else {
            tasks.add(task);
            task.addDoneCallback(childDone);
        }
        return task;
    }

    /** Waits until no child is left; a cancellation meanwhile cancels them, and is returned once they ended. */
    private Throwable awaitChildren() {
        CancelledError cancelled = null;
        while (!tasks.isEmpty()) {
            allDone = loop.createFuture();
            try {
                Asyncio.await(allDone);
            } catch (CancelledError e) {
                if (cancelled == null) cancelled = e;
                cancelChildren();
            }
        }
        return cancelled;
    }

    private void cancelChildren() {
        for (Task<?> t : new ArrayList<>(tasks)) t.cancel();
    }

    private void onTaskDone(Future<?> task) {
        tasks.remove(task);
        if (tasks.isEmpty() && allDone != null && !allDone.done()) allDone.setResult(true);
        if (task.cancelled()) return;
        Throwable exc = task.exception();
        if (exc != null) {
            loop.callExceptionHandler(ExceptionContext.builder("Task " + task + " failed in a SupervisorGroup of "
                    + parentTask + "; its siblings go on").exception(exc).future(task).build());
        }
    }

    /** The callback on each child; as an {@link AwaitedByLink} it tells {@link CallGraph} the parent task waits. */
    private final class ChildDone implements Consumer<Future<?>>, AwaitedByLink {
        @Override public void accept(Future<?> task) { onTaskDone(task); }
        @Override public Future<?> awaiter() { return parentTask; }
    }

    @Override
    public String toString() {
        return "<SupervisorGroup tasks=" + tasks.size() + (finished ? " finished" : "") + ">";
    }
}
