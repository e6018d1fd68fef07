package io.jasyncio.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * {@code io.jasyncio.TaskCreated}: a task was created on a loop (asyncio's {@code create_task}). Committed on the
 * thread that created it: the loop's (a callback) or the creating task's.
 *
 * <p>Threading: filled and committed by the library on one thread; read from recordings.
 */
@Enabled(false) // one per task: a recording asks for it (docs/INTROSPECTION.md, "JFR events")
@Name("io.jasyncio.TaskCreated")
@Label("Task Created")
@Category({"jasyncio", "Tasks"})
@Description("A task was created on an event loop")
@StackTrace(false)
public final class TaskCreated extends jdk.jfr.Event {
    @Label("Task Id") @Description("Identity hash of the task, as formatCallGraph and jasyncio ps print it")
    long taskId;
    @Label("Task Name")
    String name;
    @Label("Loop") @Description("The loop, as its logs name it")
    String loop;

    TaskCreated() {}
}
