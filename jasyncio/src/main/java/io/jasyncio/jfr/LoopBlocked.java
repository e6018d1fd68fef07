package io.jasyncio.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * {@code io.jasyncio.LoopBlocked}: the loop watchdog saw a running loop that had not come back to its selector or
 * ready queue within its threshold ({@code EventLoop.setWatchdogThreshold}); committed once per stall, when it is
 * noticed, with what holds the loop and where.
 *
 * <p>Threading: committed by the watchdog's thread; read from recordings.
 */
@Name("io.jasyncio.LoopBlocked")
@Label("Loop Blocked")
@Category({"jasyncio", "Loop"})
@Description("The loop watchdog saw a loop held by one callback or task step beyond its threshold")
@StackTrace(false)
public final class LoopBlocked extends jdk.jfr.Event {
    @Label("Held For") @Description("How long the loop had been held when the watchdog noticed")
    @Timespan(Timespan.NANOSECONDS)
    long heldFor;
    @Label("Holder") @Description("The task (name and id) or callback holding the loop")
    String holder;
    @Label("Task Id") @Description("Identity hash of the holding task; 0 for a callback")
    long taskId;
    @Label("Top Frames") @Description("Where the holder is, innermost first (at most 10 frames)")
    String frames;
    @Label("Loop")
    String loop;

    LoopBlocked() {}
}
