package io.jasyncio;

import io.jasyncio.internal.Sneaky;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * asyncio's {@code TaskGroup}: structured concurrency. A block of code runs in the calling task and starts child
 * tasks with {@link #createTask}; the block ends only when every child is done. The first child that fails
 * (with anything but {@link CancelledError}) cancels the other children and the block itself; all the failures
 * then come out together as one {@link ExceptionGroup}. Cancelling the task running the block cancels the
 * children too, and the block ends with that {@code CancelledError}.
 * <pre>{@code
 * int sum = TaskGroup.run(tg -> {
 *     Task<Integer> a = tg.createTask(() -> fetch(1));
 *     Task<Integer> b = tg.createTask(() -> fetch(2));
 *     return List.of(a, b);
 * }).stream().mapToInt(Task::result).sum();   // run() returned: a and b are done
 * }</pre>
 *
 * <p>Why a lambda and not try-with-resources: asyncio's {@code __aexit__} sees the exception the block ends
 * with, waits for the children even while that exception is in flight, and replaces it by the group of every
 * failure (or keeps a cancellation). A Java {@code close()} can neither see nor replace the body's exception,
 * so the children's errors would be lost or misreported. With a lambda the group owns the whole block: no child
 * can outlive it, whatever the body throws.
 *
 * <p>A group is used once: {@code new TaskGroup()} then {@link #run(Coroutine)} (asyncio's
 * {@code async with tg:}), or {@link #run(Body)} for both at once. {@link KeyboardInterrupt}, asyncio's
 * "base errors", is raised as it is instead of being grouped.
 *
 * <p>Threading: loop thread only; {@link #run} from a task's code.
 */
public final class TaskGroup {
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
         * @param tg the group; create the children with it
         * @return the block's value
         * @throws Exception anything; it fails the group as a child's failure does
         */
        T call(TaskGroup tg) throws Exception;
    }

    private boolean entered;
    private boolean exiting;
    private boolean aborting;
    private EventLoop loop;
    private Task<?> parentTask;
    private boolean parentCancelRequested;
    private final Set<Task<?>> tasks = new LinkedHashSet<>();
    private List<Throwable> errors = new ArrayList<>();
    private Throwable baseError;
    private Future<Boolean> onCompletedFut;

    /** A group not entered yet. */
    public TaskGroup() {}

    /**
     * Creates a group and runs {@code body} in it: {@code async with TaskGroup() as tg: ...}.
     *
     * @param <T> the result type
     * @param body the group's block
     * @return the block's value, once every child has ended
     */
    public static <T> T run(Body<T> body) {
        if (body == null) throw new NullPointerException("body");
        TaskGroup tg = new TaskGroup();
        return tg.run(() -> body.call(tg));
    }

    /**
     * Runs {@code body} in the calling task as this group's block ({@code async with tg:}), waits for every
     * child, and returns the block's value. Throws the {@link ExceptionGroup} of the failures, the block's
     * {@link CancelledError} when the task was cancelled from outside, or a {@link KeyboardInterrupt}.
     *
     * @param <T> the result type
     * @param body the group's block
     * @return the block's value, once every child has ended
     */
    public <T> T run(Coroutine<T> body) {
        if (body == null) throw new NullPointerException("body");
        enter();
        T result = null;
        Throwable exc = null;
        try {
            result = body.call();
        } catch (Throwable e) {
            exc = e;
        }
        Throwable out = exit(exc);
        if (out != null) throw Sneaky.rethrow(out);
        return result;
    }

    /**
     * Starts {@code coro} as a child task of this group ({@code tg.create_task(coro)}).
     *
     * @param <T> the result type
     * @param coro the child's code
     * @return the child task, scheduled
     */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null);
    }

    /**
     * Starts {@code coro} as a named child task of this group.
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
     * Starts {@code coro} as a child task running in {@code context} (null: a copy of the current one).
     *
     * @param <T> the result type
     * @param coro the child's code
     * @param name the task's name (null: {@code Task-N})
     * @param context the context it runs in (null: a copy of the current one)
     * @return the child task, scheduled
     */
    public <T> Task<T> createTask(Coroutine<T> coro, String name, Context context) {
        if (!entered) throw new IllegalStateException("TaskGroup " + this + " has not been entered");
        if (exiting && tasks.isEmpty()) throw new IllegalStateException("TaskGroup " + this + " is finished");
        if (aborting) throw new IllegalStateException("TaskGroup " + this + " is shutting down");
        Task<T> task = loop.createTask(coro, name, context);
        if (task.done()) {
            // finished eagerly: account for it now rather than through a callback
            onTaskDone(task);
        } else {
            tasks.add(task);
            task.addDoneCallback(childDone);
        }
        return task;
    }

    /** How many children are not done yet (asyncio's {@code len(tg._tasks)}; for tests). */
    int taskCount() {
        return tasks.size();
    }

    private void enter() {
        if (entered) throw new IllegalStateException("TaskGroup " + this + " has already been entered");
        if (loop == null) loop = Asyncio.getRunningLoop();
        parentTask = loop.currentTask();
        if (parentTask == null) throw new IllegalStateException("TaskGroup " + this + " cannot determine the parent task");
        entered = true;
    }

    /** asyncio's {@code __aexit__}: returns what {@link #run} throws (null: nothing). */
    private Throwable exit(Throwable exc) {
        exiting = true;
        if (exc != null && isBaseError(exc) && baseError == null) baseError = exc;
        Throwable propagateCancellationError = exc instanceof CancelledError ? exc : null;
        if (exc != null && !aborting) {
            // The parent task is being cancelled, or the block itself failed: stop the children.
            abort();
        }
        // A loop: the parent may be cancelled again (and again) while we wait for the children.
        while (!tasks.isEmpty()) {
            if (onCompletedFut == null) onCompletedFut = loop.createFuture();
            try {
                Asyncio.await(onCompletedFut);
            } catch (CancelledError ex) {
                if (!aborting) {
                    // The parent task was cancelled from outside while the children ran.
                    propagateCancellationError = ex;
                    abort();
                }
            }
            onCompletedFut = null;
        }
        if (baseError != null) return baseError;
        if (parentCancelRequested) {
            // We cancelled the parent ourselves: take that request back; propagate only other requests.
            if (parentTask.uncancel() == 0) propagateCancellationError = null;
        }
        // A cancellation propagates, unless there are errors: those win.
        if (propagateCancellationError != null && errors.isEmpty()) return propagateCancellationError;
        if (exc != null && !(exc instanceof CancelledError)) errors.add(exc);
        if (!errors.isEmpty()) {
            // Keep the parent's count of cancellation requests as it was when cancelled from outside.
            if (parentTask.cancelling() > 0) {
                parentTask.uncancel();
                parentTask.cancel();
            }
            ExceptionGroup me = new ExceptionGroup("unhandled errors in a TaskGroup", errors);
            errors = null;
            return me;
        }
        return exc;
    }

    private static boolean isBaseError(Throwable exc) {
        return exc instanceof KeyboardInterrupt;
    }

    private void abort() {
        aborting = true;
        for (Task<?> t : tasks) {
            if (!t.done()) t.cancel();
        }
    }

    private final Consumer<Future<?>> childDone = new ChildDone();

    /** The callback on each child; as an {@link AwaitedByLink} it tells {@link CallGraph} the parent task waits. */
    private final class ChildDone implements Consumer<Future<?>>, AwaitedByLink {
        @Override public void accept(Future<?> task) { onTaskDone(task); }
        @Override public Future<?> awaiter() { return parentTask; }
    }

    private void onTaskDone(Future<?> task) {
        tasks.remove(task);
        if (onCompletedFut != null && tasks.isEmpty() && !onCompletedFut.done()) onCompletedFut.setResult(true);
        if (task.cancelled()) return;
        Throwable exc = task.exception();
        if (exc == null) return;
        errors.add(exc);
        if (isBaseError(exc) && baseError == null) baseError = exc;
        if (parentTask.done()) {
            loop.callExceptionHandler(ExceptionContext.builder("Task " + task + " has errored out but its parent task "
                    + parentTask + " is already completed").exception(exc).future(task).build());
            return;
        }
        if (!aborting && !parentCancelRequested) {
            // Interrupt the block (whatever it awaits) by cancelling the parent; exit() takes that back.
            abort();
            parentCancelRequested = true;
            parentTask.cancel();
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("<TaskGroup");
        if (!tasks.isEmpty()) sb.append(" tasks=").append(tasks.size());
        if (errors != null && !errors.isEmpty()) sb.append(" errors=").append(errors.size());
        if (aborting) sb.append(" cancelling");
        else if (entered) sb.append(" entered");
        return sb.append('>').toString();
    }
}
