package io.jasyncio;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Python 3.14's call-graph introspection ({@code asyncio.graph}): what a task is doing and who waits for it.
 *
 * <p>A graph names a future or task, its call stack — for a task, the frames of its code where it is suspended,
 * innermost first, with the loop's machinery and the JDK left out — and the graphs of what awaits it. The
 * awaited-by edges are derived when the graph is captured, so a program pays nothing for them while it runs:
 * a task waiting for a future is registered on it (asyncio's {@code _fut_waiter}), a {@link TaskGroup}'s tasks
 * are awaited by the group's parent task and {@link Asyncio#gather}'s children by its outer future (both through
 * their done callbacks), and {@link #futureAddToAwaitedBy} adds edges of one's own (for a primitive that waits
 * on behalf of another future, as asyncio's {@code shield} does).
 *
 * <p>Threading: call on the loop thread of the future (a task's or a callback's code); the graph reads the
 * futures' callbacks, which only that thread may touch. {@link #futureAddToAwaitedBy} and
 * {@link #futureDiscardFromAwaitedBy} may be called from any thread.
 */
public final class CallGraph {
    private CallGraph() {}

    /** Edges added by hand, weakly keyed by the awaited future (most programs never add any: then empty). */
    private static final Map<Future<?>, Set<Future<?>>> ADDED = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * asyncio's {@code capture_call_graph()}: the graph of the current task; null when no task is running.
     * Must be called from a task's or callback's code on a running loop.
     *
     * @return the current task's graph, or null
     */
    public static FutureCallGraph captureCallGraph() {
        return captureCallGraph(null, 1, null);
    }

    /**
     * asyncio's {@code capture_call_graph(future)}: the graph of {@code future} (null: the current task).
     *
     * @param future the future or task (null: the current task)
     * @return the graph, or null when {@code future} is null and no task is running
     */
    public static FutureCallGraph captureCallGraph(Future<?> future) {
        return captureCallGraph(future, 1, null);
    }

    /**
     * asyncio's {@code capture_call_graph(future, depth=, limit=)}.
     *
     * @param future the future or task; null means the current task (then a loop must be running)
     * @param depth when the graph is of the current task, how many frames to drop from the top of its stack: 1
     *              starts at the caller of this method, 2 at its caller, and so on
     * @param limit null keeps every frame; a positive limit keeps that many frames closest to where the task
     *              started (the outermost), a negative one the {@code -limit} innermost, 0 none (only awaited-by)
     * @return the graph, or null when {@code future} is null and no task is running
     */
    public static FutureCallGraph captureCallGraph(Future<?> future, int depth, Integer limit) {
        if (depth < 1) throw new IllegalArgumentException("depth must be at least 1, got " + depth);
        EventLoop running = RunningLoop.getOrNull();
        if (future == null) {
            if (running == null) {
                throw new IllegalStateException("captureCallGraph() is called outside of a running event loop and"
                        + " no future to introspect was provided");
            }
            future = running.currentTask();
            if (future == null) return null;
        }
        Map<Future<?>, Boolean> onPath = new IdentityHashMap<>();
        if (running != null && future == running.currentTask()) {
            StackTraceElement[] raw = Thread.currentThread().getStackTrace();
            int i = 0;
            while (i < raw.length && !isThisClass(raw[i])) i++; // Thread.getStackTrace's own frames
            while (i < raw.length && isThisClass(raw[i])) i++; // this class's frames
            i += depth - 1;
            List<FrameCallGraphEntry> stack = userFrames(raw, Math.min(i, raw.length));
            onPath.put(future, Boolean.TRUE);
            return new FutureCallGraph(future, limited(stack, limit), awaitedBy(future, limit, onPath));
        }
        return build(future, limit, onPath);
    }

    /**
     * asyncio's {@code format_call_graph()}: {@link #printCallGraph} to a string (no final newline); "" if no task.
     *
     * @return the current task's graph as text, or ""
     */
    public static String formatCallGraph() {
        return formatCallGraph(null, 1, null);
    }

    /**
     * asyncio's {@code format_call_graph(future)}.
     *
     * @param future the future or task (null: the current task)
     * @return the graph as text (no final newline), or "" when there is no task
     */
    public static String formatCallGraph(Future<?> future) {
        return formatCallGraph(future, 1, null);
    }

    /**
     * asyncio's {@code format_call_graph(future, depth=, limit=)}; see {@link #captureCallGraph(Future, int, Integer)}.
     *
     * @param future the future or task (null: the current task)
     * @param depth as in {@link #captureCallGraph(Future, int, Integer)}
     * @param limit as in {@link #captureCallGraph(Future, int, Integer)}
     * @return the graph as text (no final newline), or "" when there is no task
     */
    public static String formatCallGraph(Future<?> future, int depth, Integer limit) {
        FutureCallGraph graph = captureCallGraph(future, depth, limit);
        if (graph == null) return "";
        List<String> lines = new ArrayList<>();
        render(graph, lines, 0);
        return String.join("\n", lines);
    }

    /** asyncio's {@code print_call_graph()}: the current task's graph to {@code System.out}. */
    public static void printCallGraph() {
        printCallGraph(null, System.out, 1, null);
    }

    /**
     * asyncio's {@code print_call_graph(future, file=)}.
     *
     * @param future the future or task (null: the current task)
     * @param out where to print
     */
    public static void printCallGraph(Future<?> future, PrintStream out) {
        printCallGraph(future, out, 1, null);
    }

    /**
     * asyncio's {@code print_call_graph(future, file=, depth=, limit=)}.
     *
     * @param future the future or task (null: the current task)
     * @param out where to print
     * @param depth as in {@link #captureCallGraph(Future, int, Integer)}
     * @param limit as in {@link #captureCallGraph(Future, int, Integer)}
     */
    public static void printCallGraph(Future<?> future, PrintStream out, int depth, Integer limit) {
        out.println(formatCallGraph(future, depth, limit));
    }

    /**
     * asyncio's {@code future_add_to_awaited_by(fut, waiter)}: records that {@code waiter} waits for {@code fut},
     * for code that waits in a way the graph cannot see. Undo it with {@link #futureDiscardFromAwaitedBy}; the
     * record goes away with {@code fut}.
     *
     * @param fut the future waited for
     * @param waiter the future or task that waits
     */
    public static void futureAddToAwaitedBy(Future<?> fut, Future<?> waiter) {
        if (fut == null || waiter == null) throw new NullPointerException(fut == null ? "fut" : "waiter");
        synchronized (ADDED) {
            ADDED.computeIfAbsent(fut, k -> Collections.newSetFromMap(new IdentityHashMap<>())).add(waiter);
        }
    }

    /**
     * asyncio's {@code future_discard_from_awaited_by(fut, waiter)}: undoes {@link #futureAddToAwaitedBy}.
     *
     * @param fut the future waited for
     * @param waiter the future or task that waits
     */
    public static void futureDiscardFromAwaitedBy(Future<?> fut, Future<?> waiter) {
        if (fut == null || waiter == null) throw new NullPointerException(fut == null ? "fut" : "waiter");
        synchronized (ADDED) {
            Set<Future<?>> s = ADDED.get(fut);
            if (s != null && s.remove(waiter) && s.isEmpty()) ADDED.remove(fut);
        }
    }

    /**
     * The futures and tasks waiting for {@code fut}, in the order they started waiting: tasks awaiting it, the
     * futures behind {@link AwaitedByLink} callbacks, then the edges added by hand. Loop thread.
     */
    static List<Future<?>> awaiters(Future<?> fut) {
        Set<Future<?>> out = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Future<?>> ordered = new ArrayList<>();
        for (Object entry : fut.callbackEntries()) {
            Future<?> w = entry instanceof Task<?> t ? t : entry instanceof AwaitedByLink l ? l.awaiter() : null;
            if (w != null && out.add(w)) ordered.add(w);
        }
        synchronized (ADDED) {
            Set<Future<?>> added = ADDED.get(fut);
            if (added != null) for (Future<?> w : added) if (out.add(w)) ordered.add(w);
        }
        return ordered;
    }

    /**
     * The frames of a task's code, innermost first: from index {@code from} of {@code raw} down to the frame that
     * runs the coroutine, without the frames of the JDK and of the loop's machinery (which asyncio's graph, made
     * of coroutine frames, does not have either). The library's own coroutines ({@code Asyncio.sleep},
     * {@code TaskGroup.run}, {@code Queue.get}) stay, as asyncio's {@code sleep} and {@code TaskGroup.__aexit__} do.
     */
    static List<FrameCallGraphEntry> userFrames(StackTraceElement[] raw, int from) {
        int end = raw.length;
        for (int i = from; i < raw.length; i++) {
            if (isTaskBody(raw[i])) {
                end = i;
                break;
            }
        }
        List<FrameCallGraphEntry> out = new ArrayList<>();
        for (int i = from; i < end; i++) {
            if (!isMachinery(raw[i])) out.add(new FrameCallGraphEntry(raw[i]));
        }
        return out;
    }

    /** The frames of a task's code where it is suspended (see {@link #userFrames}); empty if it is not. */
    static List<FrameCallGraphEntry> suspendedFrames(Task<?> task) {
        return task.done() ? List.of() : userFrames(task.getStack(), 0);
    }

    private static FutureCallGraph build(Future<?> fut, Integer limit, Map<Future<?>, Boolean> onPath) {
        List<FrameCallGraphEntry> stack = fut instanceof Task<?> t && !(limit != null && limit == 0)
                ? suspendedFrames(t) : List.of();
        onPath.put(fut, Boolean.TRUE);
        try {
            return new FutureCallGraph(fut, limited(stack, limit), awaitedBy(fut, limit, onPath));
        } finally {
            onPath.remove(fut);
        }
    }

    /** The awaited-by graphs; an edge back to a future already on the path (a cycle made by hand) is left out. */
    private static List<FutureCallGraph> awaitedBy(Future<?> fut, Integer limit, Map<Future<?>, Boolean> onPath) {
        List<FutureCallGraph> out = new ArrayList<>();
        for (Future<?> w : awaiters(fut)) {
            if (!onPath.containsKey(w)) out.add(build(w, limit, onPath));
        }
        return out;
    }

    private static List<FrameCallGraphEntry> limited(List<FrameCallGraphEntry> innermostFirst, Integer limit) {
        if (limit == null) return innermostFirst;
        int n = innermostFirst.size();
        if (limit >= 0) return innermostFirst.subList(Math.max(0, n - limit), n); // the outermost
        return innermostFirst.subList(0, Math.min(n, -limit)); // the innermost
    }

    private static void render(FutureCallGraph g, List<String> lines, int level) {
        String indent = "    ".repeat(level);
        Future<?> f = g.future();
        String id = "0x" + Integer.toHexString(System.identityHashCode(f));
        lines.add(indent + (f instanceof Task<?> t ? "* Task(name='" + t.getName() + "', id=" + id + ")"
                : "* Future(id=" + id + ")"));
        if (!g.callStack().isEmpty()) {
            lines.add(indent + "  + Call stack:");
            for (FrameCallGraphEntry e : g.callStack()) lines.add(indent + "  |   " + frameLine(e.frame()));
        }
        if (!g.awaitedBy().isEmpty()) {
            lines.add(indent + "  + Awaited by:");
            for (FutureCallGraph w : g.awaitedBy()) render(w, lines, level + 1);
        }
    }

    /** A frame as asyncio prints one: {@code File 'Main.java', line 12, in com.example.Main.handle()}. */
    static String frameLine(StackTraceElement f) {
        return "File '" + (f.getFileName() == null ? "<unknown>" : f.getFileName()) + "', line " + f.getLineNumber()
                + ", in " + f.getClassName() + "." + f.getMethodName() + "()";
    }

    private static boolean isThisClass(StackTraceElement f) {
        return f.getClassName().equals(CallGraph.class.getName());
    }

    private static boolean isTaskBody(StackTraceElement f) {
        return f.getClassName().equals(Task.class.getName()) && f.getMethodName().equals("body");
    }

    /** Frames of the JDK and of the loop's machinery (awaiting, stepping, the engines). */
    private static boolean isMachinery(StackTraceElement f) {
        String c = f.getClassName();
        return c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")
                || c.startsWith("io.jasyncio.internal.")
                || c.equals(Task.class.getName()) || c.equals(Future.class.getName())
                || (c.equals(Asyncio.class.getName()) && f.getMethodName().startsWith("await"))
                || (c.equals(Awaitables.class.getName()) && f.getMethodName().equals("awaitStage"));
    }
}
