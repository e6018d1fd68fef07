package io.jasyncio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A snapshot of a loop's pending tasks for tools that look inside a running program ({@code jasyncio ps} and
 * {@code pstree}, the {@code io.jasyncio.inspect} MBean): per task its id, name, state, the frames where it is
 * suspended and the tasks awaiting it — Python 3.14's {@code asyncio.tools} rows. Awaiters are tasks: futures
 * in between (a gather's, a shield's) are looked through, as Python's {@code ps} shows task-to-task edges.
 *
 * <p>Threading: {@link #capture(EventLoop)} on the loop's thread; {@link #captureFrom(EventLoop, long)} from any
 * other thread (it runs the capture on the loop and waits).
 */
public final class TaskDump {
    private TaskDump() {}

    /**
     * One task of a snapshot.
     *
     * @param loop the loop's label (its thread's name while it runs)
     * @param id the task's id (its identity hash, as {@code formatCallGraph} prints it)
     * @param name the task's name
     * @param state "running", "awaiting", "parked" or "ready"
     * @param frames where its code is, innermost first, as {@code Class.method (File.java:line)}
     * @param awaitedBy the ids of the tasks awaiting it
     */
    public record Row(String loop, long id, String name, String state, List<String> frames, List<Long> awaitedBy) {
        /** Copies the lists, so a row stays as it was captured. */
        public Row {
            frames = List.copyOf(frames);
            awaitedBy = List.copyOf(awaitedBy);
        }
    }

    /**
     * The pending tasks of {@code loop}, oldest first. Loop thread.
     *
     * @param loop the loop
     * @return a row per pending task, oldest first
     */
    public static List<Row> capture(EventLoop loop) {
        String label = label(loop);
        List<Task<?>> tasks = new ArrayList<>(loop.allTasks());
        Collections.reverse(tasks); // allTasks is newest first
        List<List<FrameCallGraphEntry>> stacks = stacks(loop, tasks);
        List<Row> rows = new ArrayList<>(tasks.size());
        // Tasks parked at the same place share their frames: format each distinct frame once.
        Map<StackTraceElement, String> formatted = new HashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            Task<?> t = tasks.get(i);
            List<String> frames = new ArrayList<>();
            for (FrameCallGraphEntry e : stacks.get(i)) frames.add(formatted.computeIfAbsent(e.frame(), TaskDump::frame));
            List<Long> by = new ArrayList<>();
            for (Task<?> w : awaitingTasks(t)) by.add(id(w));
            rows.add(new Row(label, id(t), t.getName(), t.inspectionState(), frames, by));
        }
        return rows;
    }

    /** Below this many tasks one thread walks the stacks; above it, helpers share the work. */
    private static final int PARALLEL_FROM = 256;

    /**
     * The suspended frames of each task, walked by the calling thread and up to 3 helper threads (one per spare
     * core) while the calling thread waits for them: a walk costs tens of microseconds, and nothing of this loop
     * moves meanwhile (its tasks run only when the loop resumes them). The task running now, if any (a capture
     * from task code), is walked by the calling thread, its own.
     */
    private static List<List<FrameCallGraphEntry>> stacks(EventLoop loop, List<Task<?>> tasks) {
        int n = tasks.size();
        @SuppressWarnings("unchecked")
        List<FrameCallGraphEntry>[] out = new List[n];
        int helpers = n < PARALLEL_FROM ? 0 : Math.min(3, Runtime.getRuntime().availableProcessors() - 1);
        int ways = helpers + 1;
        Task<?> running = loop.currentTask();
        Thread[] threads = new Thread[helpers];
        Throwable[] failed = new Throwable[1];
        for (int h = 0; h < helpers; h++) {
            int part = h + 1;
            threads[h] = Thread.ofPlatform().daemon().name("jasyncio-stack-walker-" + part).start(() -> {
                try {
                    for (int i = part; i < n; i += ways) {
                        if (tasks.get(i) != running) out[i] = CallGraph.suspendedFrames(tasks.get(i));
                    }
                } catch (Throwable e) {
                    synchronized (failed) {
                        failed[0] = e;
                    }
                }
            });
        }
        for (int i = 0; i < n; i += ways) out[i] = CallGraph.suspendedFrames(tasks.get(i));
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the helpers end by themselves, soon: wait for them, then say so
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        synchronized (failed) {
            if (failed[0] != null) throw new IllegalStateException("walking a task's stack failed", failed[0]);
        }
        for (int i = 0; i < n; i++) {
            if (out[i] == null) out[i] = CallGraph.suspendedFrames(tasks.get(i)); // the running task
        }
        return java.util.Arrays.asList(out);
    }

    /**
     * {@link #capture(EventLoop)} from another thread: runs it on the loop and waits. Only the loop's getting to it
     * is bounded by {@code timeoutMillis}: once the capture runs, the loop is not blocked, and the capture (this
     * class's own code, bounded by the number of tasks) is waited for however long it takes: a cold JVM on a busy
     * machine may take seconds over 10,000 stacks, and reporting that loop as blocked would be wrong.
     *
     * @param loop the loop
     * @param timeoutMillis how long the loop has to start the capture, in milliseconds
     * @return a row per pending task, oldest first
     * @throws java.util.concurrent.TimeoutException when the loop does not get to it in time (it is blocked, or
     *         not running: a loop between two {@code runUntilComplete} calls runs nothing)
     */
    public static List<Row> captureFrom(EventLoop loop, long timeoutMillis) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<List<Row>> result = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> {
            started.countDown();
            try {
                result.complete(capture(loop));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        if (!started.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("the loop did not start the capture within " + timeoutMillis + " ms");
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    /**
     * How many handles and task steps wait in {@code loop}'s ready queue. Loop thread.
     *
     * @param loop the loop
     * @return the number of handles and task steps ready
     */
    public static int readyLength(EventLoop loop) {
        return loop.readyLength();
    }

    /**
     * How many connections {@code loop} has open: its live transports over sockets (TLS counted once) and pipes.
     * Loop thread.
     *
     * @param loop the loop
     * @return the number of live transports
     */
    public static int openConnections(EventLoop loop) {
        return LoopResource.countConnections(loop);
    }

    /**
     * The loop's label: the name of the thread running it, else "idle loop 0x…".
     *
     * @param loop the loop
     * @return the loop's label
     */
    public static String label(EventLoop loop) {
        Thread t = loop.loopThread();
        return t != null ? t.getName() : "idle loop 0x" + Long.toHexString(System.identityHashCode(loop));
    }

    private static long id(Future<?> f) {
        return Integer.toUnsignedLong(System.identityHashCode(f));
    }

    /** The tasks awaiting {@code fut}, looking through the futures in between. */
    private static List<Task<?>> awaitingTasks(Future<?> fut) {
        List<Task<?>> out = new ArrayList<>();
        Set<Future<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collect(fut, out, seen);
        return out;
    }

    private static void collect(Future<?> fut, List<Task<?>> out, Set<Future<?>> seen) {
        for (Future<?> w : CallGraph.awaiters(fut)) {
            if (!seen.add(w)) continue;
            if (w instanceof Task<?> t) out.add(t);
            else collect(w, out, seen);
        }
    }

    private static String frame(StackTraceElement f) {
        String cls = f.getClassName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethodName() + " ("
                + (f.getFileName() == null ? "unknown" : f.getFileName()) + ":" + f.getLineNumber() + ")";
    }

}
