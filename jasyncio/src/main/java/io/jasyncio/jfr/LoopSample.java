package io.jasyncio.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * {@code io.jasyncio.LoopSample}: every second (the event's {@code period} setting), per running loop: ready-queue
 * length, tasks alive, open connections and loop lag (how long the sampling callback waited for its turn) — the
 * numbers of the {@code LoopMetrics} MBean. A loop that does not run its sampling callback before the next period
 * (blocked, or not running) has no sample for it; {@link LoopBlocked} tells why.
 *
 * <p>Threading: committed on the loop's thread; read from recordings.
 */
@Name("io.jasyncio.LoopSample")
@Label("Loop Sample")
@Category({"jasyncio", "Loop"})
@Description("Periodic per-loop numbers: ready queue, tasks alive, open connections, lag")
@Period("1 s")
@StackTrace(false)
public final class LoopSample extends jdk.jfr.Event {
    @Label("Loop")
    String loop;
    @Label("Ready Queue Length")
    int readyQueueLength;
    @Label("Tasks Alive")
    int tasksAlive;
    @Label("Open Connections") @Description("Live transports of the loop: sockets (TLS included once) and pipes")
    int openConnections;
    @Label("Loop Lag") @Timespan(Timespan.NANOSECONDS)
    long lag;

    LoopSample() {}
}
