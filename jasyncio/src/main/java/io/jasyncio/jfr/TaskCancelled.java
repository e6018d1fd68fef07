package io.jasyncio.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * {@code io.jasyncio.TaskCancelled}: {@code cancel()} was called on a pending task (a request: the task may still
 * catch the cancellation; its {@link TaskEnded} says how it ended). With a stack trace: who cancelled it.
 *
 * <p>Threading: filled and committed by the library on one thread; read from recordings.
 */
@Enabled(false) // one per task: a recording asks for it (docs/INTROSPECTION.md, "JFR events")
@Name("io.jasyncio.TaskCancelled")
@Label("Task Cancel Requested")
@Category({"jasyncio", "Tasks"})
@Description("cancel() was called on a pending task")
public final class TaskCancelled extends jdk.jfr.Event {
    @Label("Task Id")
    long taskId;
    @Label("Task Name")
    String name;
    @Label("Message") @Description("The cancellation message, if any")
    String message;
    @Label("Loop")
    String loop;

    TaskCancelled() {}
}
