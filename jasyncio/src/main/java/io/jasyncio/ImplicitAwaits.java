package io.jasyncio;

import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.Set;

/**
 * Debug mode's report of implicit awaits (docs/ENGINES.md, "Implicit awaits"): with the vthread engine a task can be
 * switched out inside a blocking JDK call that parks it (a contended lock, a socket read, {@code Thread.sleep}),
 * and other tasks run before it goes on, exactly as at an await, but with nothing in the code saying so. Each
 * place where that happened is logged once per loop, at WARNING, with the task's stack.
 *
 * <p>WARNING, not DEBUG: debug mode is turned on to see such hazards (asyncio's debug findings are warnings too),
 * and the logger's default level would hide a DEBUG line from the very user who asked; once per place keeps it
 * to a handful of lines.
 *
 * <p>Threading: loop thread only.
 */
final class ImplicitAwaits {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** At most this many places are remembered (and logged) per loop. */
    private static final int MAX_PLACES = 1000;

    private final Set<String> seen = new HashSet<>();

    /**
     * {@code task}'s step has just returned while its code was inside a JDK call (not at an await): logs the place
     * the first time. The task's virtual thread is unmounted, so its stack is read as it stands.
     */
    void note(Task<?> task) {
        if (seen.size() >= MAX_PLACES) return;
        StackTraceElement[] frames = task.fiber().thread().getStackTrace();
        int user = LoopStall.firstNonJdkFrame(frames);
        if (user == 0 || user >= frames.length) return; // not inside a JDK call after all (or no stack to say where)
        String place = frames[user].toString();
        if (!seen.add(place)) return;
        StringBuilder sb = new StringBuilder("Task '").append(task.getName()).append("' (id ").append(task.id())
                .append(") was switched out inside the JDK call ").append(frames[user - 1]).append(" made at ")
                .append(place).append(": other tasks ran before it went on, as at an await, so what it read before"
                        + " that call may have changed (an implicit await: docs/ENGINES.md, \"Implicit awaits\";"
                        + " logged once per place). Stack, most recent call first:");
        for (StackTraceElement f : frames) sb.append("\n    at ").append(f);
        LOG.log(Level.WARNING, sb.toString());
    }
}
