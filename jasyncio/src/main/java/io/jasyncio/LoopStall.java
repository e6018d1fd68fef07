package io.jasyncio;

import java.lang.System.Logger.Level;

/**
 * One stall the {@link LoopWatchdog} saw: a running loop that did not come back to its selector or ready queue
 * within its threshold, what held it (a task, or a callback) and where. {@link #report} logs it when it is
 * noticed, and commits the JFR event {@code io.jasyncio.LoopBlocked}; {@link #ended} when the loop comes back.
 *
 * <p>Threading: made and used by the watchdog's thread only.
 */
final class LoopStall {
    private static final System.Logger LOG = System.getLogger("io.jasyncio");
    /** At most this many frames are logged: enough for the blocking call and the code that made it. */
    private static final int MAX_FRAMES = 40;

    private final String loop;
    /** "task 'name' (id N)", or "a callback" (with the handle in debug mode). */
    private final String holder;
    private final StackTraceElement[] frames;
    private final long sinceNanos;
    /** The holding task's id (identity hash, as ps prints it), or 0 for a callback. */
    private final long taskId;

    private LoopStall(String loop, String holder, long taskId, StackTraceElement[] frames, long sinceNanos) {
        this.loop = loop;
        this.holder = holder;
        this.taskId = taskId;
        this.frames = frames;
        this.sinceNanos = sinceNanos;
    }

    /**
     * What holds {@code loop} now, read from the watchdog's thread: the task whose step is running (its own
     * frames: with vthread its virtual thread is mounted on the loop's thread, with portable it runs on a carrier
     * while the loop's thread waits for it), else the loop's thread, running a callback.
     */
    static LoopStall capture(EventLoop loop, long sinceNanos) {
        Task<?> task = loop.currentTask();
        if (task != null && task.fiber() != null) {
            return new LoopStall(loop.describe(), "task '" + task.getName() + "' (id " + task.id() + ")",
                    LoopEvents.id(task), task.fiber().thread().getStackTrace(), sinceNanos);
        }
        Thread t = loop.loopThread();
        Handle h = loop.currentHandle();
        return new LoopStall(loop.describe(), h != null ? "callback " + h : "a callback", 0,
                t != null ? t.getStackTrace() : new StackTraceElement[0], sinceNanos);
    }

    /** Logs the stall and commits the JFR event {@code io.jasyncio.LoopBlocked} (watchdog thread: directly). */
    void report(long nowNanos) {
        LOG.log(Level.WARNING, message(nowNanos));
        if (LoopEvents.recorderUp() && io.jasyncio.jfr.Events.loopBlockedEnabled()) {
            StringBuilder top = new StringBuilder();
            for (int i = 0; i < Math.min(frames.length, 10); i++) top.append(i == 0 ? "" : "\n").append(frames[i]);
            io.jasyncio.jfr.Events.loopBlocked(nowNanos - sinceNanos, holder, taskId, top.toString(), loop).commit();
        }
    }

    void ended(long nowNanos) {
        LOG.log(Level.DEBUG, () -> String.format("Event loop %s came back after %.2f s (held by %s)", loop,
                (nowNanos - sinceNanos) / 1e9, holder));
    }

    String message(long nowNanos) {
        StringBuilder sb = new StringBuilder(String.format("Event loop %s held for %.2f s by %s", loop,
                (nowNanos - sinceNanos) / 1e9, holder));
        int user = firstNonJdkFrame(frames);
        if (frames.length == 0) {
            sb.append(" (no stack available)");
        } else if (user == 0) {
            sb.append(", running ").append(frames[0]);
        } else if (user == frames.length) {
            sb.append(", in ").append(frames[0]);
        } else {
            sb.append(", in the JDK call ").append(frames[user - 1]);
            if (user < frames.length) sb.append(" made at ").append(frames[user]);
            sb.append(": until it returns, the loop serves nothing (docs/ENGINES.md, \"Which calls park\"; for files"
                    + " use io.jasyncio.files.AsyncFiles, for other blocking calls Asyncio.toThread)");
        }
        sb.append(". Stack, most recent call first:");
        for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) sb.append("\n    at ").append(frames[i]);
        if (frames.length > MAX_FRAMES) sb.append("\n    ... ").append(frames.length - MAX_FRAMES).append(" more");
        return sb.toString();
    }

    /** The index of the first frame (from the top) that is not the JDK's own; frames.length if none. */
    static int firstNonJdkFrame(StackTraceElement[] frames) {
        for (int i = 0; i < frames.length; i++) {
            if (!isJdk(frames[i].getClassName())) return i;
        }
        return frames.length;
    }

    static boolean isJdk(String className) {
        return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
                || className.startsWith("sun.") || className.startsWith("com.sun.");
    }
}
