package io.jasyncio.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * {@code io.jasyncio.TaskEnded}: a task finished, with its outcome: {@code result}, {@code exception} (and the
 * exception's class) or {@code cancelled}. Committed when the loop settles the task.
 *
 * <p>Threading: filled and committed by the library on one thread; read from recordings.
 */
@Enabled(false) // one per task: a recording asks for it (docs/INTROSPECTION.md, "JFR events")
@Name("io.jasyncio.TaskEnded")
@Label("Task Ended")
@Category({"jasyncio", "Tasks"})
@Description("A task finished: with a result, an exception, or cancelled")
@StackTrace(false)
public final class TaskEnded extends jdk.jfr.Event {
    @Label("Task Id") @Description("Identity hash of the task, as formatCallGraph and jasyncio ps print it")
    long taskId;
    @Label("Task Name")
    String name;
    @Label("Outcome") @Description("result, exception or cancelled")
    String outcome;
    @Label("Exception") @Description("The class of the exception the task ended with, if any")
    String exception;
    @Label("Loop")
    String loop;

    TaskEnded() {}
}
