package io.jasyncio.inspect;

import io.jasyncio.EventLoop;
import io.jasyncio.TaskDump;
import io.jasyncio.internal.LiveLoops;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * What {@code jasyncio ps PID} runs inside the inspected JVM: loaded there through the JDK's Attach API
 * ({@link Inspector}), it snapshots every open loop's tasks ({@link TaskDump}) into the file it is given (in the
 * {@link SnapshotFormat}), and registers the loops' {@link LoopMetrics} MBeans so that jconsole
 * or JDK Mission Control find them afterwards. Nothing of this runs, and nothing listens, until a tool attaches.
 *
 * <p>Threading: runs on the JVM's attach thread; each loop's snapshot is taken on that loop's thread.
 */
public final class InspectAgent {
    private InspectAgent() {}

    /**
     * How long a running loop has to start its snapshot: a loop blocked longer is reported as such. The snapshot
     * itself, once started, is waited for (seconds for 10,000 tasks in a cold JVM on a busy machine).
     */
    static final long LOOP_ANSWER_MILLIS = 10_000;

    /**
     * The agent's entry point ({@code Agent-Class}): writes every open loop's tasks to the file {@code args}
     * (through a {@code .part} file moved into place, so the reader never sees half a snapshot), then registers
     * the loops' MBeans on a short-lived thread.
     *
     * @param args the path of the file to write
     * @throws IOException if the file cannot be written
     */
    public static void agentmain(String args) throws IOException {
        if (args == null || args.isEmpty()) throw new IllegalArgumentException("InspectAgent needs the output file");
        Path tmp = Path.of(args + ".part");
        try (SnapshotFormat.Writer w = new SnapshotFormat.Writer(Files.newOutputStream(tmp))) {
            dump(w);
        }
        Files.move(tmp, Path.of(args), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        // The MBeans for jconsole and JMC, on a short-lived thread: creating the platform MBean server takes a while
        // (0.1 s and more), and ps, which waits for this method, does not need them.
        Thread.ofPlatform().daemon().name("jasyncio-inspect-mbeans").start(LoopMetrics::registerAll);
    }

    /** Writes every open loop's tasks, or for a loop that could not answer, why. */
    static void dump(SnapshotFormat.Writer w) throws IOException {
        for (EventLoop loop : LiveLoops.open()) {
            List<TaskDump.Row> rows;
            try {
                rows = loop.loopThread() == null
                        ? TaskDump.capture(loop) // not running: nothing touches its tasks now
                        : TaskDump.captureFrom(loop, LOOP_ANSWER_MILLIS);
            } catch (TimeoutException e) {
                w.loopError(TaskDump.label(loop) + ": did not answer within " + LOOP_ANSWER_MILLIS
                        + " ms (its thread is blocked: a callback or task holds it)");
                continue;
            } catch (Exception e) {
                w.loopError(TaskDump.label(loop) + ": " + e);
                continue;
            }
            for (TaskDump.Row r : rows) w.row(r);
        }
    }
}
